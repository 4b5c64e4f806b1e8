import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { actorOf } from '../../api-tokens/actor.js';
import { domainName, slugParams, tenantView, toTenantView } from './views.js';

/** PATCH /api/v1/operator/tenants/{slug}: name, plan, domains, partner (id attaches, null detaches). */
export const updateTenantRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.patch(
    '/api/v1/operator/tenants/:slug',
    {
      schema: {
        tags: ['operator'],
        summary: 'Change a tenant (the slug is immutable)',
        params: slugParams,
        // Strict: a `slug` or `status` in the body is refused, not silently ignored.
        body: z
          .object({
            name: z.string().trim().min(1).max(200).optional(),
            plan: z.string().min(1).max(64).optional(),
            domains: z.array(domainName).max(50).optional(),
            partnerId: z.string().min(1).max(64).nullable().optional(),
          })
          .strict(),
        response: { 200: tenantView },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const b = request.body;
      const row = await services.tenants.update(actorOf(request), request.params.slug, {
        ...b,
        domains: b.domains && [...new Set(b.domains.map((d) => d.toLowerCase()))],
      });
      return toTenantView(row);
    },
  );
};
