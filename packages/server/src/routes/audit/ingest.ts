import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pick } from '../../audit/ingest/map-event.js';
import { eventsPathFor } from '../../audit/ingest/presets.js';
import { metricsIngestObserver } from '../../audit/ingest/observer.js';
import { storeIngested } from '../../audit/ingest/store-ingested.js';
import { verifySignature } from '../../audit/ingest/verify-signature.js';
import type { WebhookSourceConfig } from '../../config/audit-schema.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';

const ingestResponse = z
  .object({
    received: z.number().int(),
    stored: z.number().int(),
    duplicates: z.number().int().describe('Already stored (a replay): acknowledged, not stored twice'),
    filtered: z.number().int().describe('Dropped by the source’s allowlist'),
    invalid: z.number().int().describe('Items that are not JSON objects'),
  })
  .meta({ id: 'IngestResult' });

/**
 * `POST /ingest/{source}`: signed webhooks from the suite (SPEC §8). No user credential: the
 * HMAC-SHA256 signature over the raw body authenticates the sender, so the body is kept as bytes
 * and only parsed once the signature verifies. A bad signature stores nothing.
 */
export const ingestRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  const sources = new Map<string, WebhookSourceConfig>();
  for (const s of services.config.audit.sources) if (s.type === 'webhook') sources.set(s.id, s);
  const observer = metricsIngestObserver(services.metrics);
  const largest = Math.max(1024, ...[...sources.values()].map((s) => s.maxBodyBytes));

  // This plugin's scope only: every content type arrives as the raw bytes that were signed.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: largest }, (_request, body, done) => {
    done(null, body);
  });

  app.post(
    '/ingest/:source',
    {
      config: { auth: 'none' },
      bodyLimit: largest,
      schema: {
        tags: ['audit'],
        summary: 'Ingest signed audit events from a configured webhook source',
        params: z.object({ source: z.string().max(64) }),
        response: { 202: ingestResponse },
      },
    },
    async (request, reply) => {
      const source = sources.get(request.params.source);
      if (source === undefined) throw new AppError('not_found', 'no webhook source with this id');
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (body.length > source.maxBodyBytes) {
        throw new AppError('payload_too_large', `this source accepts at most ${source.maxBodyBytes} bytes`);
      }
      const check = verifySignature(source, request.headers, body);
      if (!check.ok) {
        request.log.warn({ source: source.id, reason: check.reason }, 'ingest webhook refused');
        throw new AppError('invalid_signature', check.reason);
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new AppError('invalid_json', 'the body is not valid JSON');
      }
      const path = eventsPathFor(source);
      const list = path === undefined ? parsed : pick(parsed, path);
      const items: unknown[] = Array.isArray(list) ? (list as unknown[]) : [list];
      const counts = await services.store.db.transaction((tx) =>
        storeIngested(
          tx,
          source,
          items.map((value) => ({ value })),
          observer,
        ),
      );
      return reply.code(202).send(counts);
    },
  );
};
