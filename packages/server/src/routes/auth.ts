import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMeta, SESSION_COOKIE } from '../auth/authenticate.js';
import { safeReturnTo } from '../auth/console-login.js';
import { requirePrincipal } from '../auth/tenant-context.js';
import { AppError } from '../errors.js';
import type { AppServices } from '../services.js';

function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  // HttpOnly: no script reads it; SameSite=Lax: not sent on cross-site POSTs (plus the Origin check).
  return [
    `${SESSION_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${maxAgeSeconds}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Console sign-in (OIDC code + PKCE against the configured IdP), callback and sign-out. */
export const authRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  const secure = services.config.server.publicUrl.startsWith('https://');

  function login() {
    if (services.consoleLogin === undefined) {
      throw new AppError('not_found', 'console sign-in is not configured (idp.console)');
    }
    return services.consoleLogin;
  }

  app.get(
    '/auth/login',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['console'],
        summary: 'Start console sign-in: redirects to the identity provider',
        querystring: z.object({
          returnTo: z.string().max(2048).optional(),
          operator: z
            .enum(['0', '1'])
            .optional()
            .describe('1: operator sign-in, asking the IdP for an operator-audience token'),
        }),
      },
    },
    async (request, reply) => {
      const url = await login().start(safeReturnTo(request.query.returnTo), {
        operator: request.query.operator === '1',
      });
      return reply.header('cache-control', 'no-store').redirect(url, 302);
    },
  );

  app.get(
    '/auth/callback',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['console'],
        summary: 'OIDC redirect URI of the console',
        querystring: z.looseObject({
          state: z.string().max(512).optional(),
          code: z.string().max(4096).optional(),
        }),
      },
    },
    async (request, reply: FastifyReply) => {
      const callbackUrl = new URL(request.url, services.config.server.publicUrl);
      const { identity, returnTo, operator } = await login().finish(callbackUrl);
      const meta = requestMeta(request);
      const context = await services.users.resolve(identity, meta);
      const { cookie, ttlSeconds } = await services.sessions.create(context.user, meta, { operator });
      return reply
        .header('set-cookie', sessionCookie(cookie, ttlSeconds, secure))
        .header('cache-control', 'no-store')
        .header('referrer-policy', 'no-referrer')
        .redirect(returnTo, 303);
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { auth: 'user' },
      schema: { tags: ['console'], summary: 'End the console session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      if (principal.kind === 'session' && principal.sessionId !== undefined) {
        await services.sessions.end(principal.sessionId, principal.user, requestMeta(request));
      }
      return reply
        .header('set-cookie', sessionCookie('', 0, secure))
        .code(204)
        .send(null);
    },
  );
};
