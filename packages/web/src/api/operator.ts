import { useQuery } from '@tanstack/react-query';
import { unwrap } from '@latchkey/sdk';
import { latchkey } from './client.js';
import type { TenantStatus } from './types.js';

/** Query keys and reads of the operator pages, shared so a change refreshes every view of it. */
export const operatorKeys = {
  tenants: ['operator', 'tenants'] as const,
  tenant: (slug: string) => ['operator', 'tenants', slug] as const,
  partners: ['operator', 'partners'] as const,
  partner: (slug: string) => ['operator', 'partners', slug] as const,
};

export function useTenantList(search: string, status: TenantStatus | undefined) {
  return useQuery({
    queryKey: [...operatorKeys.tenants, 'list', search, status],
    queryFn: async () =>
      unwrap(
        await latchkey().api.GET('/api/v1/operator/tenants', {
          params: {
            query: {
              limit: 200,
              ...(search === '' ? {} : { search }),
              ...(status === undefined ? {} : { status }),
            },
          },
        }),
      ),
  });
}

export function usePartnerList(search = '') {
  return useQuery({
    queryKey: [...operatorKeys.partners, 'list', search],
    queryFn: async () =>
      unwrap(
        await latchkey().api.GET('/api/v1/operator/partners', {
          params: { query: search === '' ? {} : { search } },
        }),
      ).items,
  });
}
