import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import { AppError } from '../../../errors.js';
import type { AppServices } from '../../../services.js';
import { findPartnerBySlug } from '../../../store/partners.js';
import { listTenantsOfPartner } from '../../../store/tenant-directory.js';
import { tenantView, toTenantView } from '../tenants/views.js';
import { partnerSlugParams, partnerView, toPartnerView } from './views.js';

/** GET /api/v1/operator/partners/{slug}: the partner and its tenants (deleted ones included). */
export const showPartnerRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/operator/partners/:slug',
    {
      schema: {
        tags: ['operator'],
        summary: 'Show a partner with its tenants',
        params: partnerSlugParams,
        response: { 200: partnerView.extend({ tenants: z.array(tenantView) }) },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const partner = await findPartnerBySlug(services.store.db, request.params.slug);
      if (partner === undefined) throw new AppError('not_found', 'no such partner');
      const tenants = await listTenantsOfPartner(services.store.db, partner.id);
      const customers = tenants.filter((t) => t.status !== 'deleted').length;
      return { ...toPartnerView(partner, customers), tenants: tenants.map(toTenantView) };
    },
  );
};
