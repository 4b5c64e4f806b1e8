import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { listTenants } from '../../../store/tenant-directory.js';
import { tenantStatus, tenantView, toTenantView } from './views.js';

/** GET /api/v1/operator/tenants: search by slug or name, filter by status, counts per status. */
export const listTenantsRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/operator/tenants',
    {
      schema: {
        tags: ['operator'],
        summary: 'List tenants (deleted ones only with status=deleted), with counts per status',
        querystring: z
          .object({
            search: z.string().min(1).max(100).optional().describe('Part of the slug or the name'),
            status: tenantStatus.optional(),
            partnerId: z.string().max(64).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
            offset: z.coerce.number().int().min(0).default(0),
          })
          .strict(),
        response: {
          200: z.object({
            items: z.array(tenantView),
            total: z.number().int(),
            counts: z.record(tenantStatus, z.number().int()),
          }),
        },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const page = await listTenants(services.store.db, request.query);
      return { items: page.items.map(toTenantView), total: page.total, counts: page.counts };
    },
  );
};
