import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { requestActor } from './actor.js';
import { requireConnectionManager } from './guard.js';
import { connectionIdParams, connectionSchema, tenantHeaders } from './schemas.js';

/** `POST /api/v1/connections/{id}/refresh`: refresh the tokens now through the connector. */
export const refreshConnectionRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/connections/:id/refresh',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'Refresh a connection now',
        description:
          'A permanent refusal by the provider (`invalid_grant`) answers 409 `connection_needs_consent` and marks the connection so; a transient one answers 503 `provider_unavailable`.',
        headers: tenantHeaders,
        params: connectionIdParams,
        response: { 200: connectionSchema },
      },
    },
    async (request) => {
      const membership = requireConnectionManager(request);
      const user = requirePrincipal(request).user;
      return services.connections.refresh(
        { tenantId: membership.tenantId, userId: user.id },
        request.params.id,
        requestActor(request),
      );
    },
  );
};
