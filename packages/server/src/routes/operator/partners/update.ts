import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { countCustomers } from '../../../store/tenant-directory.js';
import { actorOf } from '../../api-tokens/actor.js';
import { partnerFields, partnerSlugParams, partnerView, toPartnerView } from './views.js';

/** PATCH /api/v1/operator/partners/{slug}: the slug and the status are not editable here. */
export const updatePartnerRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.patch(
    '/api/v1/operator/partners/:slug',
    {
      schema: {
        tags: ['operator'],
        summary: 'Change a partner',
        params: partnerSlugParams,
        body: z
          .object({
            name: partnerFields.name.optional(),
            domain: partnerFields.domain.optional(),
            marginPct: partnerFields.marginPct.optional(),
            contact: partnerFields.contact.optional(),
            billing: partnerFields.billing.optional(),
          })
          .strict(),
        response: { 200: partnerView },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const b = request.body;
      const patch = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
      const row = await services.partners.update(actorOf(request), request.params.slug, patch);
      const customers = await countCustomers(services.store.db);
      return toPartnerView(row, customers.get(row.id) ?? 0);
    },
  );
};
