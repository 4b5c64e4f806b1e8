import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePlatformAdmin } from '../../../auth/require-platform-admin.js';
import type { AppServices } from '../../../services.js';
import { listPartners } from '../../../store/partners.js';
import { countCustomers } from '../../../store/tenant-directory.js';
import { partnerView, toPartnerView } from './views.js';

/** GET /api/v1/operator/partners: every partner (terminated ones too) with its customer count. */
export const listPartnersRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/operator/partners',
    {
      schema: {
        tags: ['operator'],
        summary: 'List partners with their customer counts',
        querystring: z.object({ search: z.string().min(1).max(100).optional() }).strict(),
        response: { 200: z.object({ items: z.array(partnerView) }) },
      },
    },
    async (request) => {
      requirePlatformAdmin(request);
      const db = services.store.db;
      const [rows, customers] = await Promise.all([
        listPartners(db, request.query.search),
        countCustomers(db),
      ]);
      return { items: rows.map((p) => toPartnerView(p, customers.get(p.id) ?? 0)) };
    },
  );
};
