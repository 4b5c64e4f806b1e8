import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { listTenantUsers } from '../../store/tenant-directory.js';
import { tenantUserView, toTenantUserView } from './user-view.js';

/** GET /api/v1/admin/users (SPEC §7): the tenant's users with their API tokens and connections. */
export const adminUsersRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags: ['admin'],
        summary: "The tenant's users with their role, API tokens and connections",
        response: { 200: z.object({ items: z.array(tenantUserView) }) },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const rows = await listTenantUsers(services.store.db, membership.tenantId);
      return { items: rows.map(toTenantUserView) };
    },
  );
};
