import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { callbackErrorPage, rejectionStatus } from '../../connections/callback-page.js';
import { CallbackRejectedError } from '../../connections/consent.js';
import type { AppServices } from '../../services.js';
import { requestActor } from './actor.js';

/** Headers of every callback answer: the URL holds a code and a state, keep them out of Referer. */
const callbackHeaders = {
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

/** `GET /connect/{service}/callback`: where providers send the browser back after a consent. */
export const connectCallbackRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/connect/:service/callback',
    {
      // A console session, when the browser has one, must belong to the user who started it.
      config: { auth: 'optional' },
      schema: {
        tags: ['connections'],
        summary: 'Redirect URI of every connector: finishes a consent, then back to the console',
        params: z.object({ service: z.string().min(1).max(64) }),
        querystring: z.looseObject({
          state: z.string().max(1024).optional(),
          code: z.string().max(4096).optional(),
          iss: z.string().max(2048).optional(),
          error: z.string().max(256).optional(),
          loginToken: z.string().max(4096).optional(),
        }),
      },
    },
    async (request, reply) => {
      const serviceId = request.params.service;
      const callbackUrl = new URL(request.url, services.config.server.publicUrl);
      try {
        const { returnTo } = await services.consent.finish({
          serviceId,
          callbackUrl,
          callerUserId: request.principal?.user.id,
          actor: requestActor(request),
        });
        const target = new URL(returnTo, services.config.server.publicUrl);
        target.searchParams.set('connected', serviceId);
        return await reply.headers(callbackHeaders).redirect(`${target.pathname}${target.search}`, 303);
      } catch (err) {
        if (!(err instanceof CallbackRejectedError)) throw err;
        const name = services.connectors.get(serviceId)?.service.name ?? 'the service';
        return reply
          .code(rejectionStatus(err.reason))
          .headers(callbackHeaders)
          .header(
            'content-security-policy',
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
          )
          .type('text/html; charset=utf-8')
          .send(callbackErrorPage(err.reason, name, services.config.devMode));
      }
    },
  );
};
