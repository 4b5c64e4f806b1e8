import type { Readable } from 'node:stream';
import { AppError } from '../../errors.js';
import type { HeaderMap, ProxyContext, ProxyHooks } from '../hooks.js';
import { asksIdentityEncoding, responseRewrite, rewritesRequestBody } from './body-policy.js';
import { destinationProblem, rewriteDestination, rewriteIfHeader } from './headers.js';
import { davBase, type DavBases } from './href-map.js';
import { rewriteRequestBody, rewriteResponseBody } from './rewrite-bodies.js';

/** REPORT and SEARCH bodies are queries, not files: a bigger one is refused rather than buffered. */
export const MAX_DAV_QUERY_BYTES = 1024 * 1024;

/**
 * The two bases of one request. On a host route the client uses the upstream's own paths
 * (SPEC §6.1), so only the origin differs and path-only hrefs stay as they are.
 */
export function davBases(ctx: ProxyContext): DavBases {
  const upstream = davBase(ctx.upstreamBase);
  const proxy = davBase(ctx.proxyBase);
  return { upstream, proxy: ctx.hostRouted ? { origin: proxy.origin, path: upstream.path } : proxy };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Reads a query body of at most `limit` bytes. Past the limit the rest is read and discarded,
 * not cut off: destroying the request would reset the connection before the client reads the 413.
 */
function readBounded(body: Readable, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer | string) => {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      if (size <= limit) chunks.push(buffer);
    });
    body.once('error', reject);
    body.once('end', () => {
      if (size > limit)
        reject(new AppError('payload_too_large', `a DAV query body may not exceed ${limit} bytes`));
      else resolve(Buffer.concat(chunks));
    });
  });
}

/**
 * DAV rewriting for services marked `dav: true` (SPEC §6.1): resource names in headers and XML
 * bodies move between the upstream base and the proxy prefix; file bodies are never touched.
 */
export const davHooks: ProxyHooks = {
  rewriteRequestHeaders(ctx: ProxyContext, headers: HeaderMap): void {
    const bases = davBases(ctx);
    const destination = single(headers.destination);
    if (destination !== undefined) {
      const problem = destinationProblem(destination, bases);
      if (problem !== undefined) throw new AppError('bad_request', problem);
      headers.destination = rewriteDestination(destination, bases);
    }
    const condition = single(headers.if);
    if (condition !== undefined) headers.if = rewriteIfHeader(condition, bases);
    // RFC 9110 §12.5.3: the answer is rewritten, so ask for it uncompressed (decoded otherwise).
    if (asksIdentityEncoding(ctx.method)) headers['accept-encoding'] = 'identity';
  },

  transformRequestBody(ctx: ProxyContext, headers: HeaderMap, body: Readable): Promise<Buffer> | undefined {
    if (!rewritesRequestBody(ctx.method, single(headers['content-type']))) return undefined;
    // A coded request body (rare) cannot be read as XML: it passes unchanged.
    if (single(headers['content-encoding']) !== undefined) return undefined;
    const bases = davBases(ctx);
    return readBounded(body, MAX_DAV_QUERY_BYTES).then((buffer) => rewriteRequestBody(buffer, bases));
  },

  transformResponseBody(
    ctx: ProxyContext,
    status: number,
    headers: HeaderMap,
    body: Readable,
  ): Readable | undefined {
    if (ctx.service.proxy.rewrite.davHrefs === false) return undefined;
    const plan = responseRewrite(
      ctx.method,
      status,
      single(headers['content-type']),
      single(headers['content-encoding']),
    );
    if (!plan.rewrite) return undefined;
    // The body leaves identity-coded and of a new length.
    delete headers['content-encoding'];
    delete headers['content-length'];
    return rewriteResponseBody(body, plan, davBases(ctx));
  },
};
