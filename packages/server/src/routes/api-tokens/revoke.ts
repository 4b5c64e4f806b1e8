import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { apiTokenNotAllowed } from '../../auth/authenticate.js';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { findApiToken } from '../../store/api-tokens.js';
import { actorOf } from './actor.js';
import { tokenIdParams } from './views.js';

/**
 * `DELETE /api/v1/api-tokens/{id}`: revoke one of your tokens. An API token may revoke itself
 * (a leaked token can be killed with nothing but itself) and nothing else.
 */
export const revokeTokenRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.delete(
    '/api/v1/api-tokens/:id',
    {
      config: { apiTokens: 'self' },
      schema: {
        tags: ['api-tokens'],
        summary: 'Revoke one of your API tokens',
        params: tokenIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const membership = requireMembership(request);
      const id = request.params.id;
      if (principal.apiToken !== undefined && principal.apiToken.id !== id) {
        throw apiTokenNotAllowed('an API token can revoke only itself');
      }
      const row = await findApiToken(services.store.db, membership.tenantId, id);
      if (row?.userId !== principal.user.id) throw new AppError('not_found', 'no such API token');
      await services.apiTokens.revoke(
        actorOf(request),
        membership.tenantId,
        { ids: [id] },
        'revoked by owner',
      );
      return reply.code(204).send(null);
    },
  );
};
