import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { actorOf } from '../../api-tokens/actor.js';
import { domainName, tenantSlug, tenantView, toTenantView } from './views.js';

/**
 * POST /api/v1/operator/tenants: creates the tenant `pending`, runs the catalogue's provisioning
 * steps and answers once they have run (active when every step is ok or skipped).
 */
export const createTenantRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/operator/tenants',
    {
      schema: {
        tags: ['operator'],
        summary: 'Create a tenant and provision it',
        body: z
          .object({
            slug: tenantSlug.describe('Lowercase DNS label; cannot be changed later'),
            name: z.string().trim().min(1).max(200),
            plan: z.string().min(1).max(64).default('standard'),
            domains: z.array(domainName).max(50).default([]),
            partnerId: z.string().min(1).max(64).nullable().default(null),
          })
          .strict(),
        response: { 201: tenantView },
      },
    },
    async (request, reply) => {
      requirePlatformAdmin(request);
      const b = request.body;
      const row = await services.tenants.create(actorOf(request), {
        ...b,
        domains: [...new Set(b.domains.map((d) => d.toLowerCase()))],
      });
      return reply.code(201).send(toTenantView(row));
    },
  );
};
