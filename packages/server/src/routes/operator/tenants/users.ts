import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import { AppError } from '../../../errors.js';
import type { AppServices } from '../../../services.js';
import { listTenantUsers } from '../../../store/tenant-directory.js';
import { findTenantBySlug } from '../../../store/tenants.js';
import { tenantUserView, toTenantUserView } from '../../admin/user-view.js';
import { slugParams } from './views.js';

/** GET /api/v1/operator/tenants/{slug}/users: the members of any tenant, for support. */
export const tenantUsersRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/operator/tenants/:slug/users',
    {
      schema: {
        tags: ['operator'],
        summary: "A tenant's users with their role, API tokens and connections",
        params: slugParams,
        response: { 200: z.object({ items: z.array(tenantUserView) }) },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const tenant = await findTenantBySlug(services.store.db, request.params.slug);
      if (tenant === undefined) throw new AppError('not_found', 'no such tenant');
      const rows = await listTenantUsers(services.store.db, tenant.id);
      return { items: rows.map(toTenantUserView) };
    },
  );
};
