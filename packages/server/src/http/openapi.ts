import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { PROXY_OPENAPI_PATH, proxyPathItem } from './openapi-proxy.js';

export const OPENAPI_PATH = '/api/v1/openapi.json';
export const DOCS_PREFIX = '/api/v1/docs';

/**
 * OpenAPI 3.1 generated from the zod schemas of the routes, plus the proxy (served outside the
 * router, described by hand in openapi-proxy.ts) and a local reference page.
 */
export async function registerOpenApi(app: FastifyInstance, version: string): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey API',
        version,
        description:
          'Token broker for self-hosted workplace suites. Errors are `application/problem+json` with a stable `code`.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'IdP access token (JWT) or Latchkey API token (lk_…)',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'lk_session', description: 'Console session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => {
      const document = jsonSchemaTransformObject(input);
      if ('paths' in document) document.paths = { ...document.paths, [PROXY_OPENAPI_PATH]: proxyPathItem };
      return document;
    },
  });
  // The reference page's own routes are public, like the document they render.
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(DOCS_PREFIX)) route.config = { ...route.config, auth: 'none' };
  });
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: { validatorUrl: null },
    staticCSP: true,
  });
  app.get(OPENAPI_PATH, { config: { auth: 'none' }, schema: { hide: true } }, () => app.swagger());
}
