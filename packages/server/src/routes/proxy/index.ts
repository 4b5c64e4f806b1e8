import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { AppServices } from '../../services.js';
import { AppError } from '../../errors.js';
import { ProxyAuditQueue } from '../../proxy/audit-queue.js';
import { forward, type ForwardDeps } from '../../proxy/forward.js';
import { createProxyMetrics } from '../../proxy/metrics.js';
import { runSteps, type ProxyCall } from '../../proxy/pipeline.js';
import { TokenBucketLimiter } from '../../proxy/rate-limit.js';
import { buildTargets, hostRoutes, serviceForHost } from '../../proxy/targets.js';

/** WebDAV (RFC 4918), CalDAV (RFC 4791), DASL `SEARCH` (RFC 5323) and REPORT (RFC 3253). */
export const DAV_METHODS = [
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'MKCALENDAR',
  'SEARCH',
] as const;

const PROXY_METHODS: HTTPMethods[] = [
  'GET',
  'HEAD',
  'OPTIONS',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  ...DAV_METHODS,
];

/** Internal prefix a host-routed request is rewritten to before routing (see `proxyUrlRewriter`). */
const HOST_PREFIX = '/proxy/';

/**
 * Teaches Fastify the DAV methods (it knows only the common ones). Must run on the root instance
 * before any route is added.
 */
export function addDavMethods(app: FastifyInstance): void {
  for (const method of DAV_METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
}

/**
 * Fastify `rewriteUrl`: a request on a service's proxy host (SPEC §6.1 host-based routing) is
 * routed as `/proxy/{service}{path}` so it never reaches Latchkey's own routes, whatever its path.
 * The handler reads the client's original URL, not this one.
 */
export function proxyUrlRewriter(
  services: AppServices['config']['services'],
): (req: IncomingMessage) => string {
  const routes = hostRoutes(services);
  return (req) => {
    const url = req.url ?? '/';
    const service = serviceForHost(routes, req.headers.host);
    return service === undefined ? url : `${HOST_PREFIX}${service}${url.startsWith('/') ? url : `/${url}`}`;
  };
}

/**
 * `ANY /proxy/{service}/{path…}` and host routes (SPEC §6.1): the steps of proxy/pipeline.ts then
 * proxy/forward.ts. Registered in its own encapsulated scope whose only content-type parser
 * leaves the body unread, so bodies stream to the upstream instead of being parsed or buffered.
 */
export async function proxyRoutes(
  app: FastifyInstance,
  { services }: { services: AppServices },
): Promise<void> {
  const config = services.config;
  const catalogue = services.connectors.services;
  const targets = buildTargets(catalogue, config.server.publicUrl, config.proxy);
  const hosts = hostRoutes(catalogue);
  const audit = new ProxyAuditQueue({
    db: services.store.db,
    onError: (err) => {
      app.log.error({ err }, 'proxy audit batch failed');
    },
  });
  const deps: ForwardDeps = {
    freshTokens: services.freshTokens,
    consent: services.consent,
    limiter: config.proxy.rateLimit.enabled ? new TokenBucketLimiter(config.proxy.rateLimit) : undefined,
    maxBodyBytes: config.proxy.maxBodyBytes,
    metrics: createProxyMetrics(services.metrics.registry),
    audit: (event) => {
      audit.push(event);
    },
    auditReads: config.audit.proxyReads,
  };
  app.addHook('onClose', async () => {
    await audit.flush();
    await Promise.all([...targets.values()].map((t) => t.pool.close()));
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => {
    done(null);
  });

  async function handle(request: FastifyRequest, reply: FastifyReply, serviceId: string): Promise<void> {
    const raw = request.originalUrl;
    const target = targets.get(serviceId);
    const hostRouted = serviceForHost(hosts, request.headers.host) === serviceId && target !== undefined;
    if (target === undefined)
      throw new AppError('unknown_service', `no service "${serviceId}" in the catalogue`);
    const call: ProxyCall = {
      request,
      reply,
      target,
      hostRouted,
      rawPath: hostRouted ? raw : raw.slice(target.prefix.length),
      startedAt: performance.now(),
    };
    try {
      await runSteps(call, deps);
      await forward(call, deps);
    } catch (err) {
      const outcome =
        err instanceof AppError && err.code.startsWith('upstream_') ? 'upstream_error' : 'refused';
      deps.metrics.countRequest(serviceId, outcome);
      throw err;
    }
  }

  for (const service of catalogue) {
    const config = {
      auth: 'user' as const,
      apiTokens: 'allow' as const,
      basicAuth: service.dav ? ('challenge' as const) : ('accept' as const),
    };
    for (const url of [`/proxy/${service.id}`, `/proxy/${service.id}/*`]) {
      app.route({
        method: PROXY_METHODS,
        url,
        config,
        schema: { hide: true },
        handler: (request, reply) => handle(request, reply, service.id),
      });
    }
  }
}
