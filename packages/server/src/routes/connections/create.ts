import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { requestActor } from './actor.js';
import { requireConnectionManager } from './guard.js';
import { connectionSchema, tenantHeaders } from './schemas.js';

const consentRequired = z
  .object({
    status: z.literal('consent_required'),
    authorizationUrl: z.url().describe('Open it in a browser to consent at the provider.'),
    expiresAt: z.iso.datetime().describe('The consent must finish before this time (10 minutes).'),
  })
  .meta({ id: 'ConsentRequired' });

/** `POST /api/v1/connections`: connect a service (SPEC §4.2). */
export const createConnectionRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/connections',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'Connect a service: the existing connection, or a consent URL',
        headers: tenantHeaders,
        body: z
          .object({
            service: z.string().min(1).max(40).describe('Service id from the catalogue.'),
            returnTo: z
              .string()
              .max(2048)
              .optional()
              .describe(
                'Same-origin path the browser returns to after the consent (default `/tokens`, the console’s My tokens).',
              ),
          })
          .strict(),
        response: { 200: connectionSchema, 202: consentRequired },
      },
    },
    async (request, reply) => {
      const membership = requireConnectionManager(request);
      const user = requirePrincipal(request).user;
      const result = await services.consent.start({
        tenantId: membership.tenantId,
        user,
        serviceId: request.body.service,
        returnTo: request.body.returnTo,
        actor: requestActor(request),
      });
      if (result.kind === 'existing')
        return reply.code(200).send(services.connections.view(result.connection));
      return reply
        .code(202)
        .header('cache-control', 'no-store')
        .send({
          status: 'consent_required' as const,
          authorizationUrl: result.authorizationUrl,
          expiresAt: result.expiresAt.toISOString(),
        });
    },
  );
};
