import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { actorOf } from '../../api-tokens/actor.js';
import { tenantSlug } from '../tenants/views.js';
import { partnerFields, partnerView, toPartnerView } from './views.js';

/** POST /api/v1/operator/partners */
export const createPartnerRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/operator/partners',
    {
      schema: {
        tags: ['operator'],
        summary: 'Create a partner',
        body: z
          .object({
            slug: tenantSlug,
            name: partnerFields.name,
            domain: partnerFields.domain.default(null),
            marginPct: partnerFields.marginPct.default(0),
            contact: partnerFields.contact.default({}),
            billing: partnerFields.billing.default({}),
          })
          .strict(),
        response: { 201: partnerView },
      },
    },
    async (request, reply) => {
      requirePlatformAdmin(request);
      const row = await services.partners.create(actorOf(request), request.body);
      return reply.code(201).send(toPartnerView(row, 0));
    },
  );
};
