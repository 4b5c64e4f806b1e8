import type { IncomingHttpHeaders } from 'node:http';
import { util } from 'undici';
import type { HeaderMap, ProxyContext } from './hooks.js';

/** RFC 9110 §7.6.1 hop-by-hop fields, plus what undici sets itself (`host`, `expect`). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** `Connection: keep-alive` (RFC 9112 §9.3) names only a field that is hop-by-hop anyway. */
const COMMON_CONNECTION = new Set(['keep-alive', 'Keep-Alive']);

/** The caller's credentials and Latchkey's own headers never reach the service (SPEC §6.1). */
const CALLER_ONLY = new Set(['authorization', 'cookie', 'host', 'expect', 'latchkey-tenant']);

/** What the forward step adds about the original request (de-facto `X-Forwarded-*`). */
export interface ForwardedFor {
  ip: string;
  proto: string;
  host: string;
  /** Path prefix the client used (`/proxy/files`); empty on a host route. */
  prefix: string;
}

/**
 * The headers sent upstream: every end-to-end header of the caller (`Depth`, `Overwrite`, `If`,
 * `Lock-Token`, `Timeout`, conditionals, `Range`…) minus hop-by-hop fields (and those named in
 * `Connection`, RFC 9110 §7.6.1), the caller's credentials and cookies; then `X-Forwarded-*`, the
 * service's extra headers and the injected token.
 */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  forwarded: ForwardedFor,
  /** `header` lower-case (targets.ts lowers it once). */
  inject: { header: string; value: string },
  extra: Readonly<Record<string, string>>,
): HeaderMap {
  const named = connectionTokens(incoming.connection);
  const out: HeaderMap = {};
  for (const name in incoming) {
    if (HOP_BY_HOP.has(name) || CALLER_ONLY.has(name) || named?.has(name) === true) continue;
    if (name.startsWith('x-forwarded-')) continue;
    out[name] = incoming[name];
  }
  // `Fastify trustProxy` decides whether a client-sent chain is believed; `ip` is its verdict.
  out['x-forwarded-for'] = forwarded.ip;
  out['x-forwarded-proto'] = forwarded.proto;
  out['x-forwarded-host'] = forwarded.host;
  if (forwarded.prefix !== '') out['x-forwarded-prefix'] = forwarded.prefix;
  for (const name in extra) out[name.toLowerCase()] = extra[name];
  out[inject.header] = inject.value;
  return out;
}

/**
 * The upstream's response headers the client gets, from undici's raw `[name, value, …]` list:
 * hop-by-hop fields removed, the rest kept (a repeated field becomes an array, as node:http's
 * `writeHead` expects for `Set-Cookie`).
 */
export function clientResponseHeaders(raw: readonly Buffer[], ctx: ProxyContext): HeaderMap {
  let out: HeaderMap = {};
  let connection: string | string[] | undefined;
  for (let i = 1; i < raw.length; i += 2) {
    const rawName = raw[i - 1];
    const rawValue = raw[i];
    if (rawName === undefined || rawValue === undefined) continue;
    // undici's own lookup of the common names: no string built for those.
    const name = util.headerNameToString(rawName);
    const value = rawValue.toString('latin1');
    if (name === 'connection') connection = connection === undefined ? value : [connection, value].flat();
    // A field named `__proto__` would replace the object's prototype, not add a header.
    if (HOP_BY_HOP.has(name) || name === '__proto__') continue;
    const seen = out[name];
    if (seen === undefined) out[name] = value;
    else if (typeof seen === 'string') out[name] = [seen, value];
    else seen.push(value);
  }
  const named = connectionTokens(connection);
  // Rare (a `Connection` naming an end-to-end field): a copy without them.
  if (named !== undefined) out = without(out, named);
  if (ctx.service.proxy.rewrite.locationHeaders) {
    for (const name of ['location', 'content-location']) {
      const v = out[name];
      if (typeof v === 'string') out[name] = toProxyUrl(v, ctx);
    }
  }
  return out;
}

function without(headers: HeaderMap, names: ReadonlySet<string>): HeaderMap {
  const kept: HeaderMap = {};
  for (const name in headers) if (!names.has(name)) kept[name] = headers[name];
  return kept;
}

function connectionTokens(value: string | string[] | undefined): Set<string> | undefined {
  if (value === undefined) return undefined;
  // The common values name only hop-by-hop options, already dropped: no Set per request.
  if (typeof value === 'string' && COMMON_CONNECTION.has(value)) return undefined;
  const joined = Array.isArray(value) ? value.join(',') : value;
  return new Set(joined.split(',').map((t) => t.trim().toLowerCase()));
}

/**
 * Maps an upstream URL (absolute or path-absolute) under the service's base onto the proxy,
 * keeping its percent-encoding (only the base is swapped). On a host route only the origin
 * changes. URLs elsewhere (another host, outside the base path) are left alone.
 */
export function toProxyUrl(value: string, ctx: ProxyContext): string {
  const base = ctx.upstreamBase;
  let path: string;
  if (value.startsWith('/') && !value.startsWith('//')) {
    path = value;
  } else {
    const origin = base.origin;
    if (!value.toLowerCase().startsWith(origin.toLowerCase())) return value;
    path = value.slice(origin.length);
    if (path !== '' && !path.startsWith('/') && !path.startsWith('?')) return value;
    if (path === '') path = '/';
  }
  if (ctx.hostRouted) return ctx.proxyBase.replace(/\/$/, '') + path;
  const root = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
  if (path.startsWith(root)) return ctx.proxyBase + path.slice(root.length);
  if (`${path}/` === root) return ctx.proxyBase.replace(/\/$/, '');
  return value;
}
