import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { actorOf } from '../../api-tokens/actor.js';
import { slugParams, tenantView, toTenantView } from './views.js';

/**
 * Suspend, resume and soft-delete. Each takes effect on every replica at once (the change bus);
 * nothing is removed, so resume restores the tenant's tokens and connections as they were.
 */
export const tenantStatusRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const schema = (summary: string) => ({
    tags: ['operator'],
    summary,
    params: slugParams,
    response: { 200: tenantView },
  });

  app.post(
    '/api/v1/operator/tenants/:slug/suspend',
    { schema: schema('Suspend a tenant: its API tokens and connections stop working at once') },
    async (request) => {
      requirePlatformAdmin(request);
      return toTenantView(
        await services.tenants.transition(actorOf(request), request.params.slug, 'suspended'),
      );
    },
  );

  app.post(
    '/api/v1/operator/tenants/:slug/resume',
    { schema: schema('Resume a suspended tenant') },
    async (request) => {
      requirePlatformAdmin(request);
      return toTenantView(await services.tenants.transition(actorOf(request), request.params.slug, 'active'));
    },
  );

  app.delete(
    '/api/v1/operator/tenants/:slug',
    { schema: schema('Soft-delete a tenant (data stays until purged)') },
    async (request) => {
      requirePlatformAdmin(request);
      return toTenantView(
        await services.tenants.transition(actorOf(request), request.params.slug, 'deleted'),
      );
    },
  );
};
