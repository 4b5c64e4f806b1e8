import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api } from './client.js';
import { ApiError } from './problem.js';
import type { ApiToken, Connection, Items, Me, Service } from './types.js';

/** Who is signed in; `null` when nobody is (the API answered 401). */
export function useMe(): UseQueryResult<Me | null, ApiError> {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return await api<Me>('GET', '/api/v1/me');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
  });
}

export function useServices(): UseQueryResult<Service[], ApiError> {
  return useQuery({
    queryKey: ['services'],
    queryFn: async () => (await api<Items<Service>>('GET', '/api/v1/services')).items,
  });
}

export function useConnections(): UseQueryResult<Connection[], ApiError> {
  return useQuery({
    queryKey: ['connections'],
    queryFn: async () => (await api<Items<Connection>>('GET', '/api/v1/connections')).items,
  });
}

export function useApiTokens(): UseQueryResult<ApiToken[], ApiError> {
  return useQuery({
    queryKey: ['api-tokens'],
    queryFn: async () => (await api<Items<ApiToken>>('GET', '/api/v1/api-tokens')).items,
  });
}
