import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { connectionSchema, tenantHeaders } from './schemas.js';

/** `GET /api/v1/connections`: the caller's connections in the tenant. */
export const listConnectionsRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/connections',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'List your connections to services (never their tokens)',
        headers: tenantHeaders,
        response: { 200: z.object({ items: z.array(connectionSchema) }) },
      },
    },
    async (request) => {
      const membership = requireMembership(request);
      const user = requirePrincipal(request).user;
      return { items: await services.connections.list({ tenantId: membership.tenantId, userId: user.id }) };
    },
  );
};
