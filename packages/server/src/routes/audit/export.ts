import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { csvHeader, csvRow } from '../../audit/query/export-format.js';
import { auditFilterSchema } from '../../audit/query/filters.js';
import { allEvents } from '../../audit/query/list-events.js';
import type { AppServices } from '../../services.js';
import { auditViews } from './scopes.js';

const exportQuery = auditFilterSchema.extend({
  format: z.enum(['csv', 'jsonl']).default('jsonl').describe('CSV or JSON lines'),
  tenant: z.string().max(80).optional().describe('Operator view only: one tenant id'),
});

/**
 * `GET …/audit/export?format=csv|jsonl`: every matching event, newest first, streamed page by page
 * so an export of millions of rows holds one page in memory.
 */
export const auditExportRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  for (const view of auditViews) {
    app.get(
      `${view.base}/export`,
      {
        config: { auth: 'user' },
        schema: {
          tags: ['audit'],
          summary: `Export ${view.summary} as CSV or JSON lines (streamed)`,
          querystring: exportQuery,
          headers: z.object({ 'latchkey-tenant': z.string().max(80).optional() }),
          produces: ['text/csv', 'application/x-ndjson'],
        },
      },
      async (request, reply) => {
        const { format, tenant, ...filters } = request.query;
        const scope = view.scope(request, tenant);
        const events = allEvents(services.store.db, scope, filters);
        async function* lines(): AsyncGenerator<string> {
          if (format === 'csv') yield csvHeader;
          for await (const e of events) yield format === 'csv' ? csvRow(e) : `${JSON.stringify(e)}\n`;
        }
        const stamp = new Date().toISOString().replace(/[:.]/g, '-');
        return reply
          .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson')
          .header(
            'content-disposition',
            `attachment; filename="audit-${stamp}.${format === 'csv' ? 'csv' : 'jsonl'}"`,
          )
          .header('cache-control', 'no-store')
          .send(Readable.from(lines()));
      },
    );
  }
};
