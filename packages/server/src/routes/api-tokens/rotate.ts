import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_GRACE_SECONDS } from '../../api-tokens/service.js';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { actorOf } from './actor.js';
import { createdTokenResponse, tokenIdParams, toView } from './views.js';

/** `POST /api/v1/api-tokens/{id}/rotate`: new secret, same settings; the old one stops after the grace period. */
export const rotateTokenRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/api-tokens/:id/rotate',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'Rotate an API token (rotating it twice revokes the whole chain)',
        params: tokenIdParams,
        body: z
          .object({
            gracePeriodSeconds: z
              .number()
              .int()
              .min(0)
              .max(MAX_GRACE_SECONDS)
              .default(0)
              .describe('How long the old secret keeps working (≤ 24 h)'),
          })
          .strict()
          .default({ gracePeriodSeconds: 0 }),
        response: { 201: createdTokenResponse },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const membership = requireMembership(request);
      const { secret, row } = await services.apiTokens.rotate(
        actorOf(request),
        { userId: principal.user.id, membership },
        request.params.id,
        request.body.gracePeriodSeconds,
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ token: secret, apiToken: toView(row) });
    },
  );
};
