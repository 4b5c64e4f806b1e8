import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { countCustomers } from '../../../store/tenant-directory.js';
import { actorOf } from '../../api-tokens/actor.js';
import { partnerSlugParams, partnerView, toPartnerView } from './views.js';

/** POST /api/v1/operator/partners/{slug}/terminate: soft; its tenants stay attached and visible. */
export const terminatePartnerRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/operator/partners/:slug/terminate',
    {
      schema: {
        tags: ['operator'],
        summary: 'Terminate a partner (its tenants keep working and stay attached)',
        params: partnerSlugParams,
        response: { 200: partnerView },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const row = await services.partners.terminate(actorOf(request), request.params.slug);
      const customers = await countCustomers(services.store.db);
      return toPartnerView(row, customers.get(row.id) ?? 0);
    },
  );
};
