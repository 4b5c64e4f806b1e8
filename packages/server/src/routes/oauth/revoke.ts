import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isWellFormedApiToken } from '../../api-tokens/format.js';
import { requestMeta } from '../../auth/authenticate.js';
import { sha256Hex } from '../../crypto/hash.js';
import type { AppServices } from '../../services.js';
import { findApiTokenByHash } from '../../store/api-tokens.js';
import { installOAuthErrors } from './oauth-errors.js';

/**
 * `POST /oauth/revoke` (RFC 7009): whoever holds an `lk_` token may revoke it — how a leaked-token
 * report is acted on. Always 200 (§2.2: unknown and already-revoked tokens too).
 */
export const revokeRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  installOAuthErrors(app);
  app.post(
    '/oauth/revoke',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['oauth'],
        summary: 'Revoke an API token by presenting it (RFC 7009)',
        body: z.looseObject({ token: z.string().max(4096), token_type_hint: z.string().max(64).optional() }),
        response: { 200: z.null() },
      },
    },
    async (request, reply) => {
      const token = request.body.token;
      if (isWellFormedApiToken(token)) {
        const found = await findApiTokenByHash(services.store.db, sha256Hex(token));
        if (found !== undefined && found.token.revokedAt === null) {
          const t = found.token;
          await services.apiTokens.revoke(
            { type: 'api_token', id: t.id, label: t.name, ...requestMeta(request) },
            t.tenantId,
            { ids: [t.id] },
            'revoked by holder (RFC 7009)',
          );
        }
      }
      return reply.code(200).header('cache-control', 'no-store').send(null);
    },
  );
};
