import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppServices } from '../../services.js';
import { auditExportRoutes } from './export.js';
import { ingestRoutes } from './ingest.js';
import { auditRetentionRoutes } from './retention.js';
import { auditListRoutes } from './list.js';
import { auditStreamRoutes } from './stream.js';
import { auditVerifyRoutes } from './verify.js';
import { auditWebhookRoutes } from './webhooks.js';

/** Every audit route: verify, query, export, live tail, ingest, webhook subscriptions. */
export const auditRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, options) => {
  await app.register(auditVerifyRoutes, options);
  await app.register(auditListRoutes, options);
  await app.register(auditExportRoutes, options);
  await app.register(auditStreamRoutes, options);
  await app.register(ingestRoutes, options);
  await app.register(auditWebhookRoutes, options);
  await app.register(auditRetentionRoutes, options);
};
