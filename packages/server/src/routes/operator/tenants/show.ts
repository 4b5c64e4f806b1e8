import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import { AppError } from '../../../errors.js';
import type { AppServices } from '../../../services.js';
import { findTenantBySlug } from '../../../store/tenants.js';
import { slugParams, tenantView, toTenantView } from './views.js';

/** GET /api/v1/operator/tenants/{slug}: one tenant with its provisioning steps. */
export const showTenantRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/operator/tenants/:slug',
    {
      schema: {
        tags: ['operator'],
        summary: 'Show a tenant',
        params: slugParams,
        response: { 200: tenantView },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const row = await findTenantBySlug(services.store.db, request.params.slug);
      if (row === undefined) throw new AppError('not_found', 'no such tenant');
      return toTenantView(row);
    },
  );
};
