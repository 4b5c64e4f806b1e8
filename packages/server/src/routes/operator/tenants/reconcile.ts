import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { actorOf } from '../../api-tokens/actor.js';
import { slugParams, tenantView, toTenantView } from './views.js';

/** POST /api/v1/operator/tenants/{slug}/reconcile: re-runs failed, pending and new steps. */
export const reconcileTenantRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/operator/tenants/:slug/reconcile',
    {
      schema: {
        tags: ['operator'],
        summary: 'Re-run the provisioning steps that are not ok (idempotent)',
        params: slugParams,
        response: { 200: tenantView },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      return toTenantView(await services.tenants.reconcile(actorOf(request), request.params.slug));
    },
  );
};
