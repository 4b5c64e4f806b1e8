import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from './client.js';
import { ApiError } from './problem.js';
import type { ApiToken, Connection, Me, Service } from './types.js';

/** Who is signed in; `null` when nobody is (the API answered 401). */
export function useMe(): UseQueryResult<Me | null, ApiError> {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      try {
        return unwrap(await latchkey().api.GET('/api/v1/me'));
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
    queryFn: async () => await latchkey().services(),
  });
}

export function useConnections(): UseQueryResult<Connection[], ApiError> {
  return useQuery({
    queryKey: ['connections'],
    queryFn: async () => await latchkey().connections.list(),
  });
}

export function useApiTokens(): UseQueryResult<ApiToken[], ApiError> {
  return useQuery({
    queryKey: ['api-tokens'],
    queryFn: async () => await latchkey().tokens.list(),
  });
}
