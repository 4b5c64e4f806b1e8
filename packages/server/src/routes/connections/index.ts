import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppServices } from '../../services.js';
import { listServicesRoute } from '../services/list.js';
import { connectCallbackRoute } from './callback.js';
import { connectionsConsoleRoute } from './console-page.js';
import { createConnectionRoute } from './create.js';
import { listConnectionsRoute } from './list.js';
import { refreshConnectionRoute } from './refresh.js';
import { removeConnectionRoute } from './remove.js';
import { showConnectionRoute } from './show.js';

/** Connections API (SPEC §4.3) and the consent callback (§4.2). */
export const connectionRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  await app.register(createConnectionRoute, { services });
  await app.register(listConnectionsRoute, { services });
  await app.register(showConnectionRoute, { services });
  await app.register(refreshConnectionRoute, { services });
  await app.register(removeConnectionRoute, { services });
  await app.register(connectCallbackRoute, { services });
  await app.register(listServicesRoute, { services });
  await app.register(connectionsConsoleRoute, { services });
};
