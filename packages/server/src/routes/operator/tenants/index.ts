import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppServices } from '../../../services.js';
import { createTenantRoute } from './create.js';
import { listTenantsRoute } from './list.js';
import { reconcileTenantRoute } from './reconcile.js';
import { showTenantRoute } from './show.js';
import { tenantStatusRoutes } from './status.js';
import { updateTenantRoute } from './update.js';
import { tenantUsersRoute } from './users.js';

/** The operator's tenant routes (SPEC §7), every one behind `requirePlatformAdmin`. */
export const operatorTenantRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, opts) => {
  await app.register(listTenantsRoute, opts);
  await app.register(showTenantRoute, opts);
  await app.register(createTenantRoute, opts);
  await app.register(updateTenantRoute, opts);
  await app.register(tenantStatusRoutes, opts);
  await app.register(tenantUsersRoute, opts);
  await app.register(reconcileTenantRoute, opts);
};
