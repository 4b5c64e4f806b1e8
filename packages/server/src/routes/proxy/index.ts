import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Authenticator } from '../../auth/authenticate.js';
import type { ClientAddressing } from '../../http/client-address.js';
import type { AppServices } from '../../services.js';
import { ProxyAuditQueue } from '../../proxy/audit-queue.js';
import { ProxyFront } from '../../proxy/front.js';
import { createProxyMetrics } from '../../proxy/metrics.js';
import { ProxyUsageCounter } from '../../proxy/usage-counter.js';
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

/** Internal prefix a host-routed request is rewritten to before routing (see `proxyUrlRewriter`). */
const HOST_PREFIX = '/proxy/';

/**
 * Teaches Fastify the DAV methods (it knows only the common ones): the discovery routes answer
 * PROPFIND. Must run on the root instance before any route is added.
 */
export function addDavMethods(app: FastifyInstance): void {
  for (const method of DAV_METHODS) {
    if (!app.supportedMethods.includes(method)) app.addHttpMethod(method, { hasBody: true });
  }
}

/**
 * Fastify `rewriteUrl`: a request on a service's proxy host (SPEC §6.1 host-based routing) that
 * the front door left to Fastify (RFC 6764 discovery) is routed as `/proxy/{service}{path}`, so it
 * never reaches Latchkey's own routes, whatever its path.
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
 * `ANY /proxy/{service}/{path…}` and host routes (SPEC §6.1): the front door (proxy/front.ts)
 * that serves them ahead of Fastify, with the steps of proxy/pipeline.ts then proxy/forward.ts.
 * Closing the app refuses new proxy requests, flushes the audit queue and closes the upstream
 * pools.
 */
export function createProxyFront(
  app: FastifyInstance,
  services: AppServices,
  http: { log: Logger; authenticator: Authenticator; addressing: ClientAddressing },
): ProxyFront {
  const config = services.config;
  const catalogue = services.connectors.services;
  const targets = buildTargets(catalogue, config.server.publicUrl, config.proxy);
  const audit = new ProxyAuditQueue({
    db: services.store.db,
    onError: (err) => {
      app.log.error({ err }, 'proxy audit batch failed');
    },
  });
  const usage = new ProxyUsageCounter({
    db: services.store.db,
    flushMs: config.proxy.usageFlushMs,
    onError: (err) => {
      app.log.error({ err }, 'proxy usage flush failed');
    },
  });
  const front = new ProxyFront({
    targets,
    hosts: hostRoutes(catalogue),
    authenticator: http.authenticator,
    addressing: http.addressing,
    log: http.log,
    httpDuration: services.metrics.httpDuration,
    freshTokens: services.freshTokens,
    consent: services.consent,
    limiter: config.proxy.rateLimit.enabled ? new TokenBucketLimiter(config.proxy.rateLimit) : undefined,
    maxBodyBytes: config.proxy.maxBodyBytes,
    metrics: createProxyMetrics(services.metrics.registry),
    audit: (event) => {
      audit.push(event);
    },
    auditReads: config.audit.proxyReads,
    usage: (tenantId, userId, serviceId, failed) => {
      usage.count(tenantId, userId, serviceId, failed);
    },
  });
  app.addHook('preClose', (done) => {
    front.close();
    done();
  });
  app.addHook('onClose', async () => {
    usage.stop();
    await Promise.all([audit.flush(), usage.flush()]);
    await Promise.all([...targets.values()].map((t) => t.pool.close()));
  });
  return front;
}
