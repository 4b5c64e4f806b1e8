import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isWellFormedApiToken } from '../../api-tokens/format.js';
import { safeEqual } from '../../crypto/hash.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { installOAuthErrors, OAuthError } from './oauth-errors.js';

function clientCredentials(
  authorization: string | undefined,
  body: Record<string, unknown>,
): { id: string; secret: string } | null {
  if (authorization !== undefined) {
    const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
    if (m?.[1] === undefined) return null;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return null;
    try {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before base64.
      return {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1)),
      };
    } catch {
      return null;
    }
  }
  const id = body.client_id;
  const secret = body.client_secret;
  return typeof id === 'string' && typeof secret === 'string' ? { id, secret } : null;
}

const introspection = z.union([
  z.object({ active: z.literal(false) }).strict(),
  z.object({
    active: z.literal(true),
    scope: z.string(),
    sub: z.string(),
    username: z.string().optional(),
    tenant: z.string(),
    exp: z.number().int(),
    iat: z.number().int(),
    token_type: z.literal('Bearer'),
    client_id: z.string(),
  }),
]);

/** `POST /oauth/introspect` (RFC 7662) for resource servers registered in `introspection.clients`. */
export const introspectRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  installOAuthErrors(app);
  const clients = services.config.introspection.clients;

  app.post(
    '/oauth/introspect',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['oauth'],
        summary: 'Token introspection (RFC 7662); inactive tokens answer only {"active":false}',
        body: z.looseObject({
          token: z.string().max(4096).optional(),
          token_type_hint: z.string().max(64).optional(),
        }),
        response: { 200: introspection },
      },
    },
    async (request, reply) => {
      const creds = clientCredentials(request.headers.authorization, request.body);
      // Compare against every client so timing does not reveal which ids exist.
      let authenticated = false;
      for (const c of clients) {
        const ok =
          creds !== null && safeEqual(creds.id, c.clientId) && safeEqual(creds.secret, c.clientSecret);
        authenticated ||= ok;
      }
      if (!authenticated) throw new OAuthError('invalid_client', 'client authentication failed', 401);
      const token = request.body.token;
      if (typeof token !== 'string' || token === '')
        throw new OAuthError('invalid_request', 'token is required');
      void reply.header('cache-control', 'no-store');
      if (!isWellFormedApiToken(token)) return { active: false as const };
      try {
        const v = await services.apiTokenVerifier.verify(token, undefined);
        const scopes = [...v.scope.permissions];
        const servicesScope =
          v.scope.services === '*' ? ['service:*'] : [...v.scope.services].map((s) => `service:${s}`);
        return {
          active: true as const,
          scope: [...scopes, ...servicesScope].join(' '),
          sub: v.user.id,
          ...(v.user.email !== null && { username: v.user.email }),
          tenant: v.membership.tenantSlug,
          exp: Math.floor(v.expiresAt.getTime() / 1000),
          iat: Math.floor(v.createdAt.getTime() / 1000),
          token_type: 'Bearer' as const,
          client_id: v.id,
        };
      } catch (err) {
        if (err instanceof AppError && err.status !== 503) return { active: false as const };
        throw err;
      }
    },
  );
};
