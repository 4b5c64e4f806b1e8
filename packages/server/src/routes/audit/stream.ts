import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditFilterSchema } from '../../audit/query/filters.js';
import { eventsAfter, latestSeq } from '../../audit/query/list-events.js';
import type { AppServices } from '../../services.js';
import { auditViews } from './scopes.js';

const streamQuery = auditFilterSchema.extend({
  tenant: z.string().max(80).optional().describe('Operator view only: one tenant id'),
});

const POLL_MS = 500;
const HEARTBEAT_MS = 15_000;

/**
 * `GET …/audit/stream`: live tail as server-sent events. Each event's SSE `id` is its seq, so a
 * reconnecting client (`Last-Event-ID`) resumes where it stopped. The store is polled rather than
 * notified: it works the same on every replica and on the embedded store.
 */
export const auditStreamRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const open = new Set<() => void>();
  // Ends live tails before the server waits for connections to drain on close.
  app.addHook('preClose', (done) => {
    for (const end of open) end();
    done();
  });

  for (const view of auditViews) {
    app.get(
      `${view.base}/stream`,
      {
        config: { auth: 'user' },
        schema: {
          tags: ['audit'],
          summary: `Live tail of ${view.summary} (server-sent events)`,
          querystring: streamQuery,
          headers: z.object({
            'latchkey-tenant': z.string().max(80).optional(),
            'last-event-id': z
              .string()
              .regex(/^\d{1,18}$/)
              .optional(),
          }),
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const { tenant, ...filters } = request.query;
        const scope = view.scope(request, tenant);
        const db = services.store.db;
        const resumeFrom = request.headers['last-event-id'];
        let last = resumeFrom === undefined ? await latestSeq(db) : Number(resumeFrom);

        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-request-id': request.id,
        });
        res.write(': live tail\n\n');

        let ended = false;
        let timer: NodeJS.Timeout | undefined;
        let beats = 0;
        const end = () => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          open.delete(end);
          res.end();
        };
        open.add(end);
        request.raw.on('close', end);

        const tick = async () => {
          try {
            for (;;) {
              const events = await eventsAfter(db, scope, filters, last, 200);
              for (const e of events) {
                res.write(`id: ${e.seq}\nevent: audit\ndata: ${JSON.stringify(e)}\n\n`);
                last = e.seq;
              }
              if (events.length < 200 || ended) break;
            }
            beats += POLL_MS;
            if (beats >= HEARTBEAT_MS) {
              beats = 0;
              res.write(': keep-alive\n\n');
            }
          } catch (err) {
            request.log.error({ err }, 'audit live tail failed');
            end();
          }
          if (!ended) timer = setTimeout(() => void tick(), POLL_MS);
        };
        await tick();
      },
    );
  }
};
