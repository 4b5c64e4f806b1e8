import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppServices } from '../../../services.js';
import { createPartnerRoute } from './create.js';
import { listPartnersRoute } from './list.js';
import { showPartnerRoute } from './show.js';
import { terminatePartnerRoute } from './terminate.js';
import { updatePartnerRoute } from './update.js';

/** The operator's partner routes (SPEC §7), every one behind `requirePlatformAdmin`. */
export const operatorPartnerRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, opts) => {
  await app.register(listPartnersRoute, opts);
  await app.register(showPartnerRoute, opts);
  await app.register(createPartnerRoute, opts);
  await app.register(updatePartnerRoute, opts);
  await app.register(terminatePartnerRoute, opts);
};
