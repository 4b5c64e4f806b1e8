import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { AppError } from '../errors.js';
import type { AuditEventInput } from '../audit/record.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { HeaderMap, ProxyContext, ProxyHooks } from './hooks.js';
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
 * How a forwarding ends, for the front door: `failure` is set when nothing was sent to the client
 * yet (it answers with a problem); otherwise the response went out, whole or interrupted.
 */
export type Forwarded = (call: ProxyCall, failure?: unknown) => void;

/**
 * The last step: sends the request to the service's base and streams the answer back, then calls
 * `done`. Rules: the raw path is forwarded byte for byte below the base (or as is on a host
 * route); headers as in headers.ts plus the service's hooks; bodies streamed both ways (a body is
 * read only when a hook rewrites it); an upstream 401 to a replayable request refreshes the token
 * once and retries once; 429/503 and their `Retry-After` pass through like any answer.
 */
export function forward(call: ProxyCall, deps: ForwardDeps, done: Forwarded): void {
  let forwarding: Forwarding;
  try {
    forwarding = new Forwarding(call, deps, done);
  } catch (err) {
    done(call, err ?? new AppError('internal_error'));
    return;
  }
  forwarding.start();
}

/**
 * One forwarding in flight, and the undici dispatch handler of its upstream request. It uses
 * undici's core handler callbacks (`onConnect`/`onHeaders`/`onData`/`onComplete`/`onError`),
 * which the client calls directly: `pool.stream` or `pool.request` would add a handler, an async
 * resource, a promise and stream-end listeners per request on the proxy's hot path. The upstream
 * body is written straight into the client's socket, with undici paused while the socket drains.
 */
class Forwarding implements Dispatcher.DispatchHandler {
  readonly #call: ProxyCall;
  readonly #deps: ForwardDeps;
  readonly #done: Forwarded;
  readonly #ctx: ProxyContext;
  readonly #headers: HeaderMap;
  readonly #audited: AuditEventInput['action'] | undefined;
  #options: Dispatcher.DispatchOptions | undefined;
  #replayable = false;
  /** Set once the upstream answered 401 to a replayable request (it is retried once). */
  #refused = false;
  /** The body of the refused answer is being read and dropped before the retry. */
  #discarding = false;
  #upstreamDone = false;
  /** `done` was called: nothing more is reported, late callbacks are ignored. */
  #settled = false;
  /** The client's connection closed before the upstream request started. */
  #gone = false;
  #abort: ((err?: Error) => void) | undefined;
  #resume: (() => void) | undefined;
  #sink: Writable;
  #drainHooked = false;
  #status = 0;
  #requestBytes = 0;
  #responseBytes = 0;
  #sentAt = 0;

  constructor(call: ProxyCall, deps: ForwardDeps, done: Forwarded) {
    const { request, target } = call;
    const token = call.token;
    if (token === undefined) throw new AppError('internal_error', 'forward without a token');
    this.#call = call;
    this.#deps = deps;
    this.#done = done;
    this.#sink = request.res;
    this.#audited = auditAction(call, deps.auditReads);
    const upstreamPath = call.hostRouted
      ? call.rawPath
      : upstreamPathOf(target.basePath, target.upstreamBase.pathname, call.rawPath);
    this.#ctx = {
      service: target.service,
      method: request.method,
      proxyBase: call.hostRouted ? `${request.protocol}://${request.host}/` : target.prefixBase,
      upstreamBase: target.upstreamBase,
      hostRouted: call.hostRouted,
      upstreamPath,
    };
    this.#headers = upstreamRequestHeaders(
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
    target.hooks.rewriteRequestHeaders?.(this.#ctx, this.#headers);
  }

  /** Picks the body to send (the client's stream, or what a hook made of it) and sends it. */
  start(): void {
    const { request, target } = this.#call;
    // `close` comes once: `on` spares `once`'s wrapper. An inline arrow, not a bound class
    // field: nothing named is created per request.
    request.res.on('close', () => {
      this.#clientClosed();
    });
    let body: Readable | Buffer | null = this.#call.body ?? null;
    if (body === null && hasBody(request.headers)) {
      let stream: Readable = request.raw;
      if (request.headers['content-length'] === undefined) {
        stream = stream.pipe(byteLimit(this.#deps.maxBodyBytes));
      }
      let replaced: ReturnType<NonNullable<ProxyHooks['transformRequestBody']>>;
      try {
        replaced = target.hooks.transformRequestBody?.(this.#ctx, this.#headers, stream);
      } catch (err) {
        this.#fail(err);
        return;
      }
      if (replaced === undefined) body = stream;
      else if (Buffer.isBuffer(replaced) || 'pipe' in replaced) body = replaced;
      else {
        replaced.then(
          (buffered) => {
            this.#send(buffered);
          },
          (err: unknown) => {
            this.#fail(err);
          },
        );
        return;
      }
      if (body !== stream && !Buffer.isBuffer(body)) delete this.#headers['content-length'];
    }
    this.#send(body);
  }

  #send(body: Readable | Buffer | null): void {
    if (this.#settled) return;
    const { request } = this.#call;
    if (Buffer.isBuffer(body)) {
      this.#headers['content-length'] = String(body.length);
      delete this.#headers['transfer-encoding'];
      this.#requestBytes = body.length;
    } else if (body !== null) {
      this.#requestBytes = Number(request.headers['content-length'] ?? 0);
    }
    this.#replayable = body === null || (Buffer.isBuffer(body) && body.length <= MAX_REPLAYABLE);
    this.#options = {
      method: request.method,
      path: this.#ctx.upstreamPath,
      headers: this.#headers as Record<string, string | string[]>,
      body,
    };
    this.#dispatch();
  }

  #dispatch(): void {
    if (this.#options === undefined) return;
    this.#sentAt = performance.now();
    // A refusal of the options (or a closed pool) comes back through `onError`.
    this.#call.target.pool.dispatch(this.#options, this);
  }

  onConnect(abort: (err?: Error) => void): void {
    if (this.#gone) {
      abort(clientGone());
      return;
    }
    this.#abort = abort;
  }

  onHeaders(status: number, raw: Buffer[], resume: () => void): boolean {
    // 1xx interim answers (`102 Processing`…) are not relayed; the final answer follows.
    if (status < 200 || this.#settled) return true;
    if (status === 401 && this.#replayable && !this.#refused) {
      this.#refused = true;
      this.#discarding = true;
      return true;
    }
    this.#discarding = false;
    const deps = this.#deps;
    const call = this.#call;
    const { request, target } = call;
    const res = request.res;
    const ctx = this.#ctx;
    this.#status = status;
    this.#resume = resume;
    deps.metrics.observeUpstream(target.service.id, status, (performance.now() - this.#sentAt) / 1000);
    const out = clientResponseHeaders(raw, ctx);
    target.hooks.rewriteResponseHeaders?.(ctx, status, out);
    if (target.hooks.transformResponseBody !== undefined) {
      const upstreamBody = new PassThrough();
      const replaced = target.hooks.transformResponseBody(ctx, status, out, upstreamBody);
      if (replaced !== undefined) {
        delete out['content-length'];
        replaced.on('error', (err) => res.destroy(err));
        replaced.pipe(this.#counted(res));
        this.#sink = upstreamBody;
      }
    }
    out['x-request-id'] = request.id;
    if (call.rate !== undefined) addRateLimitHeaders(out, call.rate);
    res.writeHead(status, out as Record<string, string | string[]>);
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.#discarding) return true;
    // A rewritten body is counted where it leaves (`#counted`), this one as it passes.
    if (this.#sink === this.#call.request.res) this.#responseBytes += chunk.length;
    if (this.#sink.write(chunk)) return true;
    if (!this.#drainHooked && this.#resume !== undefined) {
      this.#drainHooked = true;
      this.#sink.on('drain', this.#resume);
    }
    return false;
  }

  onComplete(): void {
    if (this.#settled) return;
    if (this.#discarding) {
      this.#discarding = false;
      this.#retry();
      return;
    }
    this.#upstreamDone = true;
    // The client's `close` reports the forwarding once the last byte has left.
    this.#sink.end();
  }

  onError(err: Error): void {
    if (this.#settled) return;
    const res = this.#call.request.res;
    if (!res.headersSent) this.#fail(upstreamError(err));
    else this.#interrupted(err);
  }

  /**
   * SPEC §6.1: the upstream refused the token — refresh once (unless someone already did) and
   * retry once with the same (replayable) body.
   */
  #retry(): void {
    const call = this.#call;
    const { membership, principal, target, token } = call;
    if (membership === undefined || principal === undefined || token === undefined) {
      this.#fail(new AppError('internal_error', 'retry without a caller'));
      return;
    }
    this.#deps.freshTokens
      .acquire({ tenantId: membership.tenantId, userId: principal.user.id }, target.service.id, {
        rejected: token.accessToken,
        actor: actorOf(call),
      })
      .then(
        (fresh) => {
          if (this.#settled) return;
          this.#headers[target.injectHeader] = inject(target.injectParts, fresh.accessToken);
          this.#dispatch();
        },
        (err: unknown) => {
          this.#fail(err);
        },
      );
  }

  /** The client's response closed: after the whole answer, or because the client went away. */
  #clientClosed(): void {
    if (this.#settled) return;
    if (this.#upstreamDone && this.#call.request.res.writableFinished) {
      this.#finish('forwarded');
      return;
    }
    const gone = clientGone();
    this.#gone = true;
    this.#abort?.(gone);
    this.#interrupted(gone);
  }

  /** Nothing reached the client: the front door answers with the problem. */
  #fail(err: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#done(this.#call, err ?? new AppError('internal_error'));
  }

  /**
   * The client went away or the upstream broke mid-body: the status line may already be out, so
   * the only honest signal left is the closed connection.
   */
  #interrupted(err: unknown): void {
    const { request } = this.#call;
    request.res.destroy();
    this.#deps.log.info(
      { reqId: request.id, code: (err as { code?: unknown }).code },
      'proxied response interrupted',
    );
    this.#finish('upstream_error');
  }

  /** Metrics, the Dashboard's usage count and the audit event of a forwarded request. */
  #finish(outcome: 'forwarded' | 'upstream_error'): void {
    this.#settled = true;
    const call = this.#call;
    const { request, target, membership, principal } = call;
    const deps = this.#deps;
    const status = this.#status;
    deps.metrics.countRequest(target.service.id, outcome);
    if (membership !== undefined && principal !== undefined) {
      deps.usage(
        membership.tenantId,
        principal.user.id,
        target.service.id,
        outcome !== 'forwarded' || status >= 400,
      );
    }
    if (this.#audited !== undefined && membership !== undefined) {
      deps.audit({
        action: this.#audited,
        tenantId: membership.tenantId,
        actor: actorOf(call),
        target: { type: 'service', id: target.service.id, label: target.service.name },
        outcome: status < 400 ? 'success' : 'failure',
        metadata: {
          method: request.method,
          service: target.service.id,
          path: pathOnly(call.rawPath),
          status,
          requestBytes: this.#requestBytes,
          responseBytes: this.#responseBytes,
          durationMs: Math.round(performance.now() - call.startedAt),
          tokenId: principal?.apiToken?.id ?? null,
        },
      });
    }
    this.#done(call);
  }

  /** `into`, or when the request is audited a pass-through in front of it counting the bytes. */
  #counted(into: Writable): Writable {
    if (this.#audited === undefined) return into;
    const t = new Transform({
      transform: (chunk: Buffer, _enc, next) => {
        this.#responseBytes += chunk.length;
        next(null, chunk);
      },
    });
    t.pipe(into);
    return t;
  }
}

function clientGone(): Error {
  return Object.assign(new Error('the client closed the connection'), { code: 'CLIENT_CLOSED' });
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
