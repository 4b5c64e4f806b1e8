import { PassThrough, Transform, Writable, type Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AppError } from '../errors.js';
import type { AuditEventInput } from '../audit/record.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { ProxyContext } from './hooks.js';
import type { ProxyMetrics } from './metrics.js';
import { actorOf, addRateLimitHeaders, type ProxyCall, type ProxyDeps } from './pipeline.js';

/** SPEC §6.1: a request is replayed after a 401 only when its body is absent or buffered ≤ 1 MiB. */
const MAX_REPLAYABLE = 1024 * 1024;

export interface ForwardDeps extends ProxyDeps {
  metrics: ProxyMetrics;
  log: Logger;
  audit: (event: AuditEventInput) => void;
  auditReads: boolean;
  /** Counts a forwarded call for the Dashboard (usage-counter.ts). */
  usage: (tenantId: string, userId: string, serviceId: string, failed: boolean) => void;
}

/**
 * The last step: sends the request to the service's base and streams the answer back.
 * Rules: the raw path is forwarded byte for byte below the base (or as is on a host route);
 * headers as in headers.ts plus the service's hooks; bodies streamed both ways (a body is read
 * only when a hook rewrites it); an upstream 401 to a replayable request refreshes the token once
 * and retries once; 429/503 and their `Retry-After` pass through like any answer.
 */
export async function forward(call: ProxyCall, deps: ForwardDeps): Promise<void> {
  const { request, target } = call;
  const res = request.res;
  const token = call.token;
  if (token === undefined) throw new AppError('internal_error', 'forward without a token');
  const upstreamPath = call.hostRouted
    ? call.rawPath
    : upstreamPathOf(target.basePath, target.upstreamBase.pathname, call.rawPath);
  const ctx: ProxyContext = {
    service: target.service,
    method: request.method,
    proxyBase: call.hostRouted ? `${request.protocol}://${request.host}/` : target.prefixBase,
    upstreamBase: target.upstreamBase,
    hostRouted: call.hostRouted,
    upstreamPath,
  };
  const headers = upstreamRequestHeaders(
    request.headers,
    {
      ip: request.ip,
      proto: request.protocol,
      host: request.host,
      prefix: call.hostRouted ? '' : target.prefix,
    },
    { header: target.injectHeader, value: inject(target.injectParts, token.accessToken) },
    target.service.proxy.headers,
  );
  target.hooks.rewriteRequestHeaders?.(ctx, headers);

  let body: Readable | Buffer | null = call.body ?? null;
  let requestBytes = call.body?.length ?? 0;
  if (body === null && hasBody(request.headers)) {
    let stream: Readable = request.raw;
    if (request.headers['content-length'] === undefined) stream = stream.pipe(byteLimit(deps.maxBodyBytes));
    const replaced = target.hooks.transformRequestBody?.(ctx, headers, stream);
    if (replaced === undefined) body = stream;
    else if (Buffer.isBuffer(replaced) || !('pipe' in replaced)) body = await replaced;
    else {
      body = replaced;
      delete headers['content-length'];
    }
  }
  if (Buffer.isBuffer(body)) {
    headers['content-length'] = String(body.length);
    delete headers['transfer-encoding'];
    requestBytes = body.length;
  } else if (body !== null) {
    requestBytes = Number(request.headers['content-length'] ?? 0);
  }
  const replayable = body === null || (Buffer.isBuffer(body) && body.length <= MAX_REPLAYABLE);

  const state: Forwarding = {
    call,
    deps,
    ctx,
    audited: auditAction(call, deps.auditReads),
    replayable,
    refused: false,
    status: 0,
    responseBytes: 0,
    sentAt: performance.now(),
  };
  const options = { method: request.method, path: upstreamPath, headers, body, opaque: state };
  let outcome = 'forwarded';
  try {
    await target.pool.stream(options, respond);
    if (state.refused && call.membership !== undefined && call.principal !== undefined) {
      // SPEC §6.1: the upstream refused the token — refresh once (unless someone already did)
      // and retry once.
      const fresh = await deps.freshTokens.acquire(
        { tenantId: call.membership.tenantId, userId: call.principal.user.id },
        target.service.id,
        { rejected: token.accessToken, actor: actorOf(call) },
      );
      headers[target.injectHeader] = inject(target.injectParts, fresh.accessToken);
      await target.pool.stream(options, respond);
    }
  } catch (err) {
    if (!res.headersSent) throw upstreamError(err);
    // The client went away or the upstream broke mid-body: the status line is already sent, so
    // the only honest signal left is the closed connection.
    outcome = 'upstream_error';
    res.destroy();
    deps.log.info(
      { reqId: request.id, code: (err as { code?: unknown }).code },
      'proxied response interrupted',
    );
  }
  deps.metrics.countRequest(target.service.id, outcome);
  const { audited, status } = state;
  if (call.membership !== undefined && call.principal !== undefined) {
    deps.usage(
      call.membership.tenantId,
      call.principal.user.id,
      target.service.id,
      outcome !== 'forwarded' || status >= 400,
    );
  }
  if (audited !== undefined && call.membership !== undefined) {
    deps.audit({
      action: audited,
      tenantId: call.membership.tenantId,
      actor: actorOf(call),
      target: { type: 'service', id: target.service.id, label: target.service.name },
      outcome: status < 400 ? 'success' : 'failure',
      metadata: {
        method: request.method,
        service: target.service.id,
        path: pathOnly(call.rawPath),
        status,
        requestBytes,
        responseBytes: state.responseBytes,
        durationMs: Math.round(performance.now() - call.startedAt),
        tokenId: call.principal?.apiToken?.id ?? null,
      },
    });
  }
}

/** One forwarding in flight: undici hands it back to `respond` as the request's `opaque`. */
interface Forwarding {
  readonly call: ProxyCall;
  readonly deps: ForwardDeps;
  readonly ctx: ProxyContext;
  readonly audited: AuditEventInput['action'] | undefined;
  readonly replayable: boolean;
  /** Set when the upstream answered 401 to a replayable request (it is retried once). */
  refused: boolean;
  status: number;
  responseBytes: number;
  readonly sentAt: number;
}

/**
 * undici `stream` factory: the upstream body is written straight into the client's socket (no
 * intermediate Readable), the cheapest path undici offers. Module-level with the call's state as
 * `opaque`, so a request allocates no closures.
 */
function respond({
  statusCode,
  headers: answer,
  opaque: state,
}: Dispatcher.StreamFactoryData<Forwarding>): Writable {
  if (statusCode === 401 && state.replayable && !state.refused) {
    state.refused = true;
    return discard();
  }
  const { call, deps, ctx } = state;
  const { request, target } = call;
  const res = request.res;
  state.status = statusCode;
  deps.metrics.observeUpstream(target.service.id, statusCode, (performance.now() - state.sentAt) / 1000);
  const out = clientResponseHeaders(answer, ctx);
  target.hooks.rewriteResponseHeaders?.(ctx, statusCode, out);
  let sink: Writable = res;
  if (target.hooks.transformResponseBody !== undefined) {
    const upstreamBody = new PassThrough();
    const replaced = target.hooks.transformResponseBody(ctx, statusCode, out, upstreamBody);
    if (replaced !== undefined) {
      delete out['content-length'];
      replaced.on('error', (err) => res.destroy(err));
      sink = upstreamBody;
      replaced.pipe(counting(state, res));
    }
  }
  out['x-request-id'] = request.id;
  if (call.rate !== undefined) addRateLimitHeaders(out, call.rate);
  res.writeHead(statusCode, out as Record<string, string | string[]>);
  return sink === res ? counting(state, res) : sink;
}

/** `into`, or when the request is audited a pass-through in front of it counting response bytes. */
function counting(state: Forwarding, into: Writable): Writable {
  if (state.audited === undefined) return into;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      state.responseBytes += chunk.length;
      done(null, chunk);
    },
  });
  t.pipe(into);
  return t;
}

/** A sink for the body of a 401 that is about to be retried. */
function discard(): Writable {
  return new Writable({
    write(_chunk, _enc, done) {
      done();
    },
  });
}

/** SPEC §6.1 audit: writes and deletes always; reads only with `audit.proxyReads`. */
function auditAction(call: ProxyCall, reads: boolean): AuditEventInput['action'] | undefined {
  const needed = call.needed ?? [];
  if (needed.includes('delete')) return 'proxy.delete';
  if (needed.includes('write')) return 'proxy.write';
  return reads ? 'proxy.read' : undefined;
}

/**
 * The upstream path: the base's path then the client's raw path below the prefix. The bare prefix
 * (`/proxy/files`, no slash) is the base itself, as DAV clients expect (SPEC §6.1).
 */
export function upstreamPathOf(basePath: string, basePathname: string, rawPath: string): string {
  if (rawPath === '') return basePathname;
  if (rawPath.startsWith('?')) return basePathname + rawPath;
  return basePath + rawPath;
}

function inject(parts: readonly [string, string], token: string): string {
  return parts[0] + token + parts[1];
}

function hasBody(headers: Record<string, string | string[] | undefined>): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function pathOnly(raw: string): string {
  const q = raw.indexOf('?');
  return (q < 0 ? raw : raw.slice(0, q)) || '/';
}

/** Counts a chunked body while it streams and stops it past the limit (no length to check first). */
function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(new AppError('payload_too_large', `request bodies are limited to ${max} bytes`));
      else done(null, chunk);
    },
  });
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Upstream failures as problems; the driver's message stays in the log (STYLE.md: no leaks). */
function upstreamError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && TIMEOUTS.has(code)) {
    return new AppError('upstream_timeout', 'the service did not answer in time', { cause: err });
  }
  return new AppError('upstream_unavailable', 'the service could not be reached', { cause: err });
}
