import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditEventView } from '../../audit/query/event-view.js';
import { auditFilterSchema } from '../../audit/query/filters.js';
import { listEvents } from '../../audit/query/list-events.js';
import type { AppServices } from '../../services.js';
import { auditViews } from './scopes.js';

export const listQuery = auditFilterSchema.extend({
  tenant: z.string().max(80).optional().describe('Operator view only: one tenant id'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional().describe('`nextCursor` of the previous page'),
});

const pageResponse = z
  .object({
    items: z.array(auditEventView),
    nextCursor: z.string().nullable().describe('Cursor of the next (older) page; null on the last page'),
  })
  .meta({ id: 'AuditEventPage' });

/** `GET /api/v1/audit`, `/api/v1/admin/audit`, `/api/v1/operator/audit`: filtered pages, newest first. */
export const auditListRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  for (const view of auditViews) {
    app.get(
      view.base,
      {
        config: { auth: 'user' },
        schema: {
          tags: ['audit'],
          summary: `List ${view.summary}, newest first (keyset pagination)`,
          querystring: listQuery,
          headers: z.object({ 'latchkey-tenant': z.string().max(80).optional() }),
          response: { 200: pageResponse },
        },
      },
      async (request) => {
        const { limit, cursor, tenant, ...filters } = request.query;
        const scope = view.scope(request, tenant);
        return listEvents(services.store.db, scope, filters, { limit, cursor });
      },
    );
  }
};
