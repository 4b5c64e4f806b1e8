import { Pool } from 'undici';
import type { RouteAuth } from '../auth/authenticate.js';
import type { ProxyLimits } from '../config/proxy-schema.js';
import type { ServiceConfig } from '../config/service-schema.js';
import { hooksFor, type ProxyHooks } from './hooks.js';

/** Everything the proxy needs about one service, built once at start (no per-request work). */
export interface ProxyTarget {
  service: ServiceConfig;
  /**
   * A user credential is required; API tokens are welcome (scopes are checked per request); the
   * API token is also taken as the HTTP Basic password, and DAV services ask for Basic when no
   * credential came so password-only clients prompt (SPEC §6.1).
   */
  auth: RouteAuth;
  hooks: ProxyHooks;
  /** Keep-alive connections to the service's origin; `connections` is the concurrency cap. */
  pool: Pool;
  upstreamBase: URL;
  /** The base's path without its trailing slash (`/dav`), prepended to prefix-routed paths. */
  basePath: string;
  /** `/proxy/{id}`: the path prefix clients use. */
  prefix: string;
  /** Absolute proxy URL of the service root on the path prefix (`…/proxy/files/`). */
  prefixBase: string;
  injectHeader: string;
  /** The inject format split around `{token}`, so injection is two concatenations. */
  injectParts: readonly [string, string];
}

export function buildTargets(
  services: readonly ServiceConfig[],
  publicUrl: string,
  limits: ProxyLimits,
): Map<string, ProxyTarget> {
  const targets = new Map<string, ProxyTarget>();
  for (const service of services) {
    const upstreamBase = new URL(service.baseUrl);
    const format = service.proxy.inject.format;
    const at = format.indexOf('{token}');
    targets.set(service.id, {
      service,
      auth: { requirement: 'user', apiTokens: 'allow', basicAuth: service.dav ? 'challenge' : 'accept' },
      hooks: hooksFor(service),
      pool: new Pool(upstreamBase.origin, {
        connections: limits.upstreamConnections,
        connectTimeout: limits.connectTimeoutMs,
        headersTimeout: limits.headersTimeoutMs,
        bodyTimeout: limits.idleTimeoutMs,
        keepAliveTimeout: 4_000,
      }),
      upstreamBase,
      basePath: upstreamBase.pathname.replace(/\/$/, ''),
      prefix: `/proxy/${service.id}`,
      prefixBase: `${publicUrl.replace(/\/$/, '')}/proxy/${service.id}/`,
      injectHeader: service.proxy.inject.header.toLowerCase(),
      injectParts: [format.slice(0, at), format.slice(at + '{token}'.length)],
    });
  }
  return targets;
}

/** Host-based routes (SPEC §6.1): lower-case `host[:port]` → service id. */
export function hostRoutes(services: readonly ServiceConfig[]): Map<string, string> {
  const routes = new Map<string, string>();
  for (const s of services) if (s.proxy.host !== undefined) routes.set(s.proxy.host.toLowerCase(), s.id);
  return routes;
}

/** The service a `Host` header routes to, if any; a port in the header is optional in the config. */
export function serviceForHost(
  routes: ReadonlyMap<string, string>,
  host: string | undefined,
): string | undefined {
  if (host === undefined || routes.size === 0) return undefined;
  const h = host.toLowerCase();
  const exact = routes.get(h);
  if (exact !== undefined) return exact;
  const colon = h.lastIndexOf(':');
  return colon > 0 && !h.endsWith(']') ? routes.get(h.slice(0, colon)) : undefined;
}
