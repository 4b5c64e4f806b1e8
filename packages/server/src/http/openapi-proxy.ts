/**
 * The transparent proxy in the OpenAPI document. It is served ahead of Fastify (proxy/front.ts),
 * so no route schema describes it: this entry does, for the reference page and the SDK types.
 */

const problem = {
  description: 'Refused by Latchkey itself (`application/problem+json` with a stable `code`).',
  content: {
    'application/problem+json': {
      schema: {
        type: 'object',
        required: ['type', 'title', 'status', 'code'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string' },
          authorizationUrl: { type: 'string', description: '`connection_required`: where to consent' },
          required: { type: 'array', items: { type: 'string' }, description: '`insufficient_scope`' },
        },
      },
    },
  },
};

const operation = (method: string) => ({
  tags: ['proxy'],
  operationId: `proxy${method}`,
  summary: `${method.toUpperCase()} through the proxy`,
  responses: {
    default: { description: 'The service’s own answer, status, headers and body streamed as they are.' },
    '400': {
      ...problem,
      description: 'A path Latchkey refuses (traversal, encoded slashes, CR/LF…): nothing is sent upstream.',
    },
    '401': { ...problem, description: '`invalid_token`, `token_revoked`, `token_expired`.' },
    '403': { ...problem, description: '`insufficient_scope` (with `required`), `tenant_suspended`.' },
    '409': {
      ...problem,
      description: '`connection_required` / `connection_needs_consent`, with `authorizationUrl`.',
    },
    '413': { ...problem, description: 'Body over `proxy.maxBodyBytes`.' },
    '429': { ...problem, description: 'Per-token rate limit; `Retry-After` and `RateLimit-*` headers.' },
    '502': { ...problem, description: 'The service could not be reached.' },
    '504': { ...problem, description: 'The service did not answer in time.' },
  },
});

export const proxyPathItem = {
  summary: 'Call a service of the suite with one Latchkey token (SPEC §6.1)',
  description: [
    'Every HTTP method is forwarded, WebDAV and CalDAV included (PROPFIND, PROPPATCH, REPORT, MKCOL,',
    'MKCALENDAR, COPY, MOVE, LOCK, UNLOCK, SEARCH), with the user’s downstream token injected as the',
    'service declares. `{path}` is the rest of the URL below the service (slashes included) and is',
    'forwarded byte for byte with the query string. Credentials: an API token (`lk_…`) as Bearer or',
    'as the HTTP Basic password, or an IdP access token. Reads need `read`, writes `write`, deletes',
    '`delete`; JMAP services are checked per method call.',
  ].join(' '),
  parameters: [
    { name: 'service', in: 'path', required: true, schema: { type: 'string' }, description: 'Service id' },
    {
      name: 'path',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: 'Path below the service',
    },
  ],
  get: operation('get'),
  put: operation('put'),
  post: operation('post'),
  patch: operation('patch'),
  delete: operation('delete'),
  head: operation('head'),
  options: operation('options'),
};

export const PROXY_OPENAPI_PATH = '/proxy/{service}/{path}';
