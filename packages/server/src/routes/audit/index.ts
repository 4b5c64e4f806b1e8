import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppServices } from '../../services.js';
import { auditVerifyRoutes } from './verify.js';

/** Every audit route: verify, query, export, live tail, ingest, webhook subscriptions. */
export const auditRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, options) => {
  await app.register(auditVerifyRoutes, options);
};
