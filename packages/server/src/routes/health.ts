import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { AppServices } from '../services.js';
import { pendingMigrations } from '../store/migrate.js';

/** Liveness, readiness (store reachable, migrations applied) and Prometheus metrics. */
export const healthRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  app.get(
    '/health',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/ready',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the store answers and every migration is applied',
        response: { 200: z.object({ status: z.literal('ready'), store: z.enum(['postgres', 'pglite']) }) },
      },
    },
    async () => {
      try {
        await services.store.ping();
      } catch (cause) {
        throw new AppError('not_ready', 'the store does not answer', { cause });
      }
      const pending = await pendingMigrations(services.store);
      if (pending > 0) throw new AppError('not_ready', `${pending} migration(s) not applied`);
      return { status: 'ready' as const, store: services.store.kind };
    },
  );

  app.get(
    '/metrics',
    { config: { auth: 'none' }, schema: { tags: ['operations'], summary: 'Prometheus metrics', hide: true } },
    async (_request, reply) => {
      const body = await services.metrics.registry.metrics();
      return reply.type(services.metrics.registry.contentType).send(body);
    },
  );
};
