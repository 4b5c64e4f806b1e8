import type { Readable } from 'node:stream';
import type { ServiceConfig } from '../config/service-schema.js';
import { davHooks } from './dav/dav-hooks.js';

/** Headers as sent upstream or back to the client: lower-case names, repeated ones as arrays. */
export type HeaderMap = Record<string, string | string[] | undefined>;

/**
 * What the forward step knows about one proxied request, for the rewriting hooks. Paths are raw
 * (percent-encoding kept, never decoded): SPEC §6.1 forwards them byte for byte.
 */
export interface ProxyContext {
  readonly service: ServiceConfig;
  /** Upper-case method as received. */
  readonly method: string;
  /**
   * Absolute URL the client sees for the service's root, always ending in `/`:
   * `https://latchkey.example.com/proxy/files/` on the path prefix,
   * `https://files.proxy.example.com/` on a host route.
   */
  readonly proxyBase: string;
  /** The service's `baseUrl` as a URL (its pathname is the upstream root). */
  readonly upstreamBase: URL;
  /** True on a host-based route (paths are the upstream's own: no href rewriting needed). */
  readonly hostRouted: boolean;
  /** Raw path and query forwarded upstream (`/dav/a%20b.txt?x=1`). */
  readonly upstreamPath: string;
}

/**
 * Where service-specific rewriting plugs into the forward step (proxy/forward.ts). Every hook is
 * optional; a service without hooks is a pure streaming pass-through. DAV services get
 * `davHooks` (proxy/dav/dav-hooks.ts). Hooks must never buffer bodies they do not rewrite (SPEC §6.1: large
 * files stay streamed).
 */
export interface ProxyHooks {
  /**
   * Called once the hygienic outgoing headers are built (caller credentials and hop-by-hop
   * removed, token injected, `X-Forwarded-*` set) and before the request is sent. Mutate in place
   * (e.g. `Destination`, `If`, `Accept-Encoding: identity`).
   */
  rewriteRequestHeaders?(ctx: ProxyContext, headers: HeaderMap): void;
  /**
   * Called when the request has a body. Return `undefined` to stream it unchanged, a `Readable`
   * to stream a transformed body (its length unknown: `content-length` is dropped, chunked sent),
   * or a `Buffer` for a body rewritten in full (`content-length` set to its length; a buffer of at
   * most 1 MiB also makes the request replayable for the retry after a 401).
   */
  transformRequestBody?(
    ctx: ProxyContext,
    headers: HeaderMap,
    body: Readable,
  ): Readable | Buffer | Promise<Buffer> | undefined;
  /**
   * Called with the upstream's response headers after the generic hygiene (hop-by-hop removed,
   * `Location`/`Content-Location` rewritten to the proxy when `proxy.rewrite.locationHeaders`).
   * Mutate in place.
   */
  rewriteResponseHeaders?(ctx: ProxyContext, status: number, headers: HeaderMap): void;
  /**
   * Called before the response body is streamed to the client. Return `undefined` to pass it
   * through, or a `Readable` that replaces it (e.g. a 207 multistatus href rewriter). When the
   * body is replaced, the forward step drops `content-length` (and the hook should drop
   * `content-encoding` if it decompressed).
   */
  transformResponseBody?(
    ctx: ProxyContext,
    status: number,
    headers: HeaderMap,
    body: Readable,
  ): Readable | undefined;
}

const noHooks: ProxyHooks = {};

/** The hooks of one service of the catalogue, chosen once when the proxy routes are built. */
export function hooksFor(service: ServiceConfig): ProxyHooks {
  return service.dav ? davHooks : noHooks;
}
