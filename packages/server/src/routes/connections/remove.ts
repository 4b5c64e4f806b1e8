import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { requestActor } from './actor.js';
import { requireConnectionManager } from './guard.js';
import { connectionIdParams, tenantHeaders } from './schemas.js';

/** `DELETE /api/v1/connections/{id}`: revoke at the provider (best effort), then remove. */
export const removeConnectionRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.delete(
    '/api/v1/connections/:id',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'Disconnect a service: revoke its tokens at the provider and forget them',
        headers: tenantHeaders,
        params: connectionIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const membership = requireConnectionManager(request);
      const user = requirePrincipal(request).user;
      await services.connections.remove(
        { tenantId: membership.tenantId, userId: user.id },
        request.params.id,
        requestActor(request),
      );
      return reply.code(204).send(null);
    },
  );
};
