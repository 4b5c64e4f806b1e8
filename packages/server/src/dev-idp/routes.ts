import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { AppServices } from '../services.js';
import { mintDevAccessToken } from './token.js';
import { demoUsers, findDemoUser } from './users.js';
import { escapeHtml, page } from '../http/html.js';

const PREFIX = '/dev-idp';

/**
 * The development IdP under `/dev-idp`: the OIDC provider itself (discovery, authorize, token,
 * JWKS…), the demo-user picker it sends browsers to, and a token endpoint for scripts.
 * Without development mode every path answers 404 `dev_mode_disabled`.
 */
export const devIdpRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app, { services }) => {
  const dev = services.devIdp;
  const issuer = services.identity.devIssuer;
  if (dev === undefined || issuer === undefined) {
    app.all(`${PREFIX}/*`, { config: { auth: 'none' }, schema: { hide: true } }, () => {
      throw new AppError('dev_mode_disabled', 'the development IdP only runs in development mode');
    });
    return;
  }

  app.post(
    `${PREFIX}/token`,
    {
      config: { auth: 'none' },
      schema: {
        tags: ['development'],
        summary: 'Mint an IdP access token for a demo user (development mode only)',
        body: z
          .object({
            user: z.string().min(1).max(64).describe('Demo user: alice, gina, adam or olga'),
            audience: z
              .string()
              .min(1)
              .max(200)
              .default('latchkey')
              .describe('e.g. latchkey-operator for olga'),
            expiresIn: z.number().int().min(60).max(86_400).default(3600).describe('Lifetime in seconds'),
          })
          .strict(),
        response: {
          200: z.object({
            access_token: z.string(),
            token_type: z.literal('Bearer'),
            expires_in: z.number(),
          }),
        },
      },
    },
    async (request) => {
      const user = findDemoUser(request.body.user);
      if (user === undefined) {
        throw new AppError('validation_failed', 'unknown demo user', {
          fields: [{ path: 'body.user', message: `one of ${demoUsers.map((u) => u.sub).join(', ')}` }],
        });
      }
      const token = await mintDevAccessToken(
        dev.key,
        issuer,
        user,
        request.body.audience,
        request.body.expiresIn,
      );
      return { access_token: token, token_type: 'Bearer' as const, expires_in: request.body.expiresIn };
    },
  );

  await app.register(async (scope: FastifyInstance) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 4096 },
      (_req, body, done) => {
        done(
          null,
          Object.fromEntries(new URLSearchParams(typeof body === 'string' ? body : body.toString('utf8'))),
        );
      },
    );

    scope.get<{ Params: { uid: string } }>(
      `${PREFIX}/interaction/:uid`,
      { config: { auth: 'none' }, schema: { hide: true } },
      async (request, reply) => {
        const details = await dev.provider.interactionDetails(request.raw, reply.raw);
        const uid = escapeHtml(details.uid);
        const buttons = demoUsers
          .map(
            (
              u,
            ) => `<li><button name="user" value="${escapeHtml(u.sub)}" type="submit"><strong>${escapeHtml(u.name)}</strong>
              <span>${escapeHtml(u.sub)} · ${escapeHtml(u.describes)}</span></button></li>`,
          )
          .join('');
        return reply
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(
            page(
              'Sign in — development IdP',
              `<h1>Sign in as a demo user</h1>
               <p>This identity provider only exists in development mode. Pick who you want to be.</p>
               <form method="post" action="${PREFIX}/interaction/${uid}/login"><ul class="users">${buttons}</ul></form>`,
            ),
          );
      },
    );

    scope.post<{ Params: { uid: string }; Body: Record<string, string> }>(
      `${PREFIX}/interaction/:uid/login`,
      { config: { auth: 'none' }, schema: { hide: true } },
      async (request, reply) => {
        const details = await dev.provider.interactionDetails(request.raw, reply.raw);
        const user = findDemoUser(request.body.user ?? '');
        if (user === undefined) throw new AppError('bad_request', 'unknown demo user');
        const clientId = details.params.client_id;
        if (typeof clientId !== 'string') throw new AppError('bad_request', 'interaction without client');
        // Login and consent in one step: the demo users trust every client of the dev IdP.
        const grant = new dev.provider.Grant({ accountId: user.sub, clientId });
        const scope = typeof details.params.scope === 'string' ? details.params.scope : 'openid';
        grant.addOIDCScope(scope);
        if (typeof details.params.resource === 'string')
          grant.addResourceScope(details.params.resource, scope);
        const grantId = await grant.save();
        const returnTo = await dev.provider.interactionResult(
          request.raw,
          reply.raw,
          { login: { accountId: user.sub }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
        return reply.redirect(returnTo, 303);
      },
    );
  });

  // Everything else under /dev-idp is the provider's own (discovery, authorize, token, jwks…).
  // It reads its own bodies, so this scope leaves the request stream untouched.
  await app.register(async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => {
      done(null);
    });
    const callback = dev.provider.callback();
    scope.all(`${PREFIX}/*`, { config: { auth: 'none' }, schema: { hide: true } }, (request, reply) => {
      reply.hijack();
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      raw.originalUrl = raw.url ?? '';
      raw.url = (raw.url ?? '').slice(PREFIX.length) || '/';
      void callback(raw, reply.raw);
    });
  });
};
