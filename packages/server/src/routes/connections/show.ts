import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { connectionIdParams, connectionSchema, tenantHeaders } from './schemas.js';

/** `GET /api/v1/connections/{id}`: one of the caller's connections; anyone else's id is 404. */
export const showConnectionRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/connections/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'Show a connection',
        headers: tenantHeaders,
        params: connectionIdParams,
        response: { 200: connectionSchema },
      },
    },
    async (request) => {
      const membership = requireMembership(request);
      const user = requirePrincipal(request).user;
      return services.connections.get({ tenantId: membership.tenantId, userId: user.id }, request.params.id);
    },
  );
};
