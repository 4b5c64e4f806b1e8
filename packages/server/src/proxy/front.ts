import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Authenticator } from '../auth/authenticate.js';
import { AppError } from '../errors.js';
import type { CellHistogram, Observe } from '../http/cell-histogram.js';
import type { ClientAddressing } from '../http/client-address.js';
import { genReqId, loggableUrl } from '../http/logging.js';
import { writeProblem } from '../http/problem.js';
import { added } from '../map-entries.js';
import { forward, type ForwardDeps, type Forwarded } from './forward.js';
import { runSteps, type ProxyCall, type ProxyRequest } from './pipeline.js';
import { serviceForHost, type ProxyTarget } from './targets.js';

/** Methods the RFC 6764 discovery routes answer (routes/proxy/dav-well-known.ts). */
const DISCOVERY_METHODS = new Set(['GET', 'HEAD', 'PROPFIND']);
const WELL_KNOWN_DAV = /^\/\.well-known\/(caldav|carddav)\/?$/;

export interface FrontDeps extends ForwardDeps {
  targets: ReadonlyMap<string, ProxyTarget>;
  hosts: ReadonlyMap<string, string>;
  authenticator: Authenticator;
  addressing: ClientAddressing;
  log: Logger;
  httpDuration: CellHistogram<'method' | 'route' | 'status'>;
}

/**
 * The proxy's front door (SPEC §6.1): `ANY /proxy/{service}/{path…}` and host routes are served
 * here, on the node:http request, before any framework routing. The proxy is the hot path and
 * Fastify's per-request machinery (router, hooks, reply object, child logger) cost as much as the
 * rest of the proxy together; every rule it applied is applied here too, from the same modules:
 * request ids, the authentication of auth/authenticate.ts, problem+json refusals, request
 * metrics and logs, 503 while closing.
 */
export class ProxyFront {
  readonly #deps: FrontDeps;
  /** Duration observers by target, method and status, bound once (no label strings per request). */
  readonly #durations = new Map<ProxyTarget, Map<string, Map<number, Observe>>>();
  #closing = false;

  constructor(deps: FrontDeps) {
    this.#deps = deps;
  }

  /**
   * Serves `req` when it is a proxy request and answers true; false leaves it to Fastify (every
   * other route, unknown services, and the RFC 6764 discovery routes).
   */
  take(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '/';
    const { targets, hosts } = this.#deps;
    let target: ProxyTarget | undefined;
    let hostRouted = false;
    let rawPath: string;
    const hostService = hosts.size === 0 ? undefined : serviceForHost(hosts, req.headers.host);
    if (hostService !== undefined) {
      target = targets.get(hostService);
      hostRouted = true;
      rawPath = url;
    } else {
      if (!url.startsWith('/proxy/')) return false;
      const end = endOfSegment(url, 7);
      target = targets.get(url.slice(7, end));
      if (target === undefined) return false;
      rawPath = url.slice(end);
    }
    if (target === undefined) return false;
    if (target.service.dav && DISCOVERY_METHODS.has(req.method ?? '') && WELL_KNOWN_DAV.test(pathOf(rawPath)))
      return false;
    this.#serve(req, res, target, hostRouted, rawPath);
    return true;
  }

  /** New requests answer 503 from now on; in-flight ones finish. */
  close(): void {
    this.#closing = true;
  }

  #serve(
    req: IncomingMessage,
    res: ServerResponse,
    target: ProxyTarget,
    hostRouted: boolean,
    rawPath: string,
  ): void {
    const deps = this.#deps;
    const startedAt = performance.now();
    const { addressing } = deps;
    const request: ProxyRequest = {
      raw: req,
      res,
      id: genReqId(req),
      method: req.method ?? 'GET',
      headers: req.headers,
      ip: addressing.ip(req),
      protocol: addressing.protocol(req),
      host: addressing.host(req),
    };
    const call: ProxyCall = { request, target, hostRouted, rawPath, startedAt };
    let pending: Promise<void> | undefined;
    try {
      if (this.#closing) throw new AppError('not_ready', 'the server is shutting down');
      pending = runSteps(call, deps);
    } catch (err) {
      this.#finished(call, err);
      return;
    }
    // Warm caches: every step ran synchronously and the request goes out without a microtask.
    if (pending === undefined) forward(call, deps, this.#finished);
    else {
      pending.then(
        () => {
          forward(call, deps, this.#finished);
        },
        (err: unknown) => {
          this.#finished(call, err);
        },
      );
    }
  }

  /** Called once per request: after the response, or with what stopped it before one was sent. */
  readonly #finished: Forwarded = (call, failure) => {
    if (failure !== undefined) this.#refuse(call, failure);
    this.#observe(call);
  };

  /** A refusal or failure before the upstream answered, as problem+json (never a stack or secret). */
  #refuse(call: ProxyCall, err: unknown): void {
    const { request, target } = call;
    const { log, metrics } = this.#deps;
    const appError =
      err instanceof AppError ? err : new AppError('internal_error', undefined, { cause: err });
    metrics.countRequest(
      target.service.id,
      appError.code.startsWith('upstream_') ? 'upstream_error' : 'refused',
    );
    if (appError.status >= 500) log.error({ reqId: request.id, err, code: appError.code }, 'request failed');
    else log.info({ reqId: request.id, code: appError.code, status: appError.status }, 'request refused');
    const res = request.res;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (this.#closing) res.setHeader('connection', 'close');
    // The body may not have been read (refused before forwarding): drain it so a keep-alive
    // connection stays usable, as Fastify does for its own refusals.
    if (!request.raw.readableEnded) request.raw.resume();
    writeProblem(res, request.id, appError);
  }

  /** The request-duration metric and the completion log line Fastify writes for its own routes. */
  #observe(call: ProxyCall): void {
    const { request, target } = call;
    const res = request.res;
    const seconds = (performance.now() - call.startedAt) / 1000;
    const status = res.statusCode;
    this.#durationOf(target, request.method, status)(seconds);
    const log = this.#deps.log;
    if (log.isLevelEnabled('info')) {
      log.info(
        {
          reqId: request.id,
          req: { method: request.method, url: loggableUrl(request.raw.url ?? '/'), ip: request.ip },
          res: { statusCode: status },
          responseTime: seconds * 1000,
        },
        'request completed',
      );
    }
  }

  #durationOf(target: ProxyTarget, method: string, status: number): Observe {
    const byMethod = this.#durations.get(target) ?? added(this.#durations, target, new Map());
    const byStatus = byMethod.get(method) ?? added(byMethod, method, new Map());
    return (
      byStatus.get(status) ??
      added(
        byStatus,
        status,
        this.#deps.httpDuration.bind({ method, route: `${target.prefix}/*`, status: String(status) }),
      )
    );
  }
}

/** Where the path segment starting at `from` ends: the next `/`, `?` or the end. */
function endOfSegment(url: string, from: number): number {
  for (let i = from; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */) return i;
  }
  return url.length;
}

function pathOf(raw: string): string {
  const q = raw.indexOf('?');
  return q < 0 ? raw : raw.slice(0, q);
}
