import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppServices } from '../../services.js';

const serviceView = z
  .object({
    id: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    connector: z.enum(['oidc', 'oauth2', 'oauth2-dcr', 'matrix-sso']),
    dav: z.boolean(),
    jmap: z
      .boolean()
      .describe('Requests are JMAP method calls (the proxy checks each call against the token)'),
  })
  .meta({ id: 'Service' });

/** `GET /api/v1/services`: the service catalogue as users see it (no client secrets, no endpoints). */
export const listServicesRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/services',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['connections'],
        summary: 'List the services you can connect',
        response: { 200: z.object({ items: z.array(serviceView) }) },
      },
    },
    () => ({
      items: services.connectors.services.map((s) => ({
        id: s.id,
        name: s.name,
        baseUrl: s.baseUrl,
        connector: s.connector.type,
        dav: s.dav,
        jmap: s.proxy.classifier === 'jmap',
      })),
    }),
  );
};
