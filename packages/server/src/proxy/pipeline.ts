import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Permission } from '../api-tokens/permissions.js';
import { permissionForMethod } from '../api-tokens/permissions.js';
import { assertScope } from '../api-tokens/require-scope.js';
import type { AuditActor } from '../audit/record.js';
import { callerMeta, type Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import type { ConnectionOwner } from '../connections/manage.js';
import { activeMembership, TENANT_HEADER } from '../auth/tenant-context.js';
import type { ConsentFlow } from '../connections/consent.js';
import { AppError } from '../errors.js';
import type { DownstreamToken, FreshTokenSource } from '../refresh/fresh-token.js';
import type { MembershipView } from '../store/users.js';
import { pathProblem } from './check-path.js';
import { classifyJmap } from './classify-jmap.js';
import type { RateDecision, TokenBucketLimiter } from './rate-limit.js';
import type { ProxyTarget } from './targets.js';

/** A JMAP request object is small (RFC 8620 §2 `maxSizeRequest` is typically 10 MB, we allow 1 MiB). */
const MAX_CLASSIFIED_BODY = 1024 * 1024;

/** The services every step may use, built once by the route plugin. */
export interface ProxyDeps {
  authenticator: Authenticator;
  freshTokens: FreshTokenSource;
  consent: ConsentFlow;
  limiter: TokenBucketLimiter | undefined;
  maxBodyBytes: number;
}

/**
 * The client's request as the proxy sees it: node:http's own objects (no framework, see
 * front.ts) plus what was derived once (request id, client address under `server.trustProxy`).
 */
export interface ProxyRequest {
  readonly raw: IncomingMessage;
  readonly res: ServerResponse;
  readonly id: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly ip: string;
  readonly protocol: string;
  readonly host: string;
}

/** One proxied request as it goes through the steps; each step fills in what it establishes. */
export interface ProxyCall {
  readonly request: ProxyRequest;
  readonly target: ProxyTarget;
  readonly hostRouted: boolean;
  /** The client's raw path (and query) below the service root: `/a%20b.txt?x=1`. */
  readonly rawPath: string;
  readonly startedAt: number;
  principal?: Principal;
  membership?: MembershipView;
  needed?: Permission[];
  /** The request body, when a step had to read it (JMAP classification); then it is replayable. */
  body?: Buffer;
  rate?: RateDecision;
  token?: DownstreamToken;
}

/**
 * A step returns a promise only when it has to wait (a cache miss, a body to read): with warm
 * caches every step runs synchronously and the request reaches `forward` without a microtask.
 */
type Step = (call: ProxyCall, deps: ProxyDeps) => void | Promise<void>;

/**
 * SSRF and traversal rules of SPEC §6.1 (see check-path.ts) on the path below the service root;
 * the body-size limit on a declared length (a chunked body is counted while it streams).
 */
const checkRequest: Step = (call, deps) => {
  const q = call.rawPath.indexOf('?');
  const path = q < 0 ? call.rawPath : call.rawPath.slice(0, q);
  const problem = pathProblem(path === '' ? '/' : path);
  if (problem !== undefined) throw new AppError('bad_request', problem);
  const length = call.request.headers['content-length'];
  if (length !== undefined && Number(length) > deps.maxBodyBytes) {
    throw new AppError('payload_too_large', `request bodies are limited to ${deps.maxBodyBytes} bytes`);
  }
};

/**
 * Who is calling: an API token (Bearer or, for DAV clients, the Basic password), an IdP token or
 * the console session, verified as on every other route (auth/authenticate.ts).
 */
const authenticate: Step = (call, deps) => {
  const now = deps.authenticator.authenticateNow(call.request, call.target.auth);
  if (now === undefined) return authenticateWaiting(call, deps);
  identified(call, now);
};

async function authenticateWaiting(call: ProxyCall, deps: ProxyDeps): Promise<void> {
  identified(call, await deps.authenticator.authenticate(call.request, call.target.auth));
}

function identified(call: ProxyCall, principal: Principal | null): void {
  if (principal === null) throw new AppError('unauthenticated');
  call.principal = principal;
}

/**
 * The tenant the call acts in is active (SPEC §3.2: a suspended or deleted tenant's tokens and
 * connections stop at once → 403 `tenant_suspended`); `Latchkey-Tenant` picks among several.
 */
const checkTenantActive: Step = (call) => {
  const { principal, request } = call;
  if (principal === undefined) throw new AppError('unauthenticated');
  const requested = request.headers[TENANT_HEADER];
  call.membership = activeMembership(principal, typeof requested === 'string' ? requested : undefined);
};

/** Per-API-token token bucket (SPEC §6.1 limits): 429 + `Retry-After` when empty. */
const checkRateLimit: Step = (call, deps) => {
  const token = call.principal?.apiToken;
  if (token === undefined || deps.limiter === undefined) return;
  const rate = deps.limiter.take(token.id);
  call.rate = rate;
  if (!rate.allowed) {
    const headers: Record<string, string> = { 'retry-after': String(rate.retryAfterSeconds) };
    addRateLimitHeaders(headers, rate);
    throw new AppError('rate_limited', `this API token may send ${rate.limit} requests in a burst`, {
      headers,
    });
  }
};

/**
 * The permission the request needs (SPEC §5): by method, or for `classifier: jmap` services per
 * JMAP method call of a POST body (read before anything is sent, at most 1 MiB). The one scope
 * check of every route (`requireScope`) decides.
 */
const checkScope: Step = (call) => {
  const { request, target } = call;
  if (
    target.service.proxy.classifier === 'jmap' &&
    request.method === 'POST' &&
    call.principal?.apiToken !== undefined
  ) {
    return checkJmapScope(call);
  }
  scoped(call, [permissionForMethod(request.method)]);
};

async function checkJmapScope(call: ProxyCall): Promise<void> {
  call.body = await readSmallBody(call.request, MAX_CLASSIFIED_BODY);
  scoped(call, classifyJmap(parseJson(call.body)));
}

function scoped(call: ProxyCall, needed: Permission[]): void {
  call.needed = needed;
  assertScope(call.principal?.apiToken, call.target.service.id, needed);
}

/**
 * A usable downstream token for the caller's connection (SPEC §4.4 on demand): refreshed first
 * when it expires soon. No connection, or one that needs a new consent → 409 with the
 * `authorizationUrl` of a consent started for the caller, so SDKs and the CLI can send the user
 * there.
 */
const ensureFresh: Step = (call, deps) => {
  const membership = call.membership;
  const principal = call.principal;
  if (membership === undefined || principal === undefined) throw new AppError('unauthenticated');
  const owner = { tenantId: membership.tenantId, userId: principal.user.id };
  const cached = deps.freshTokens.cached(owner, call.target.service.id);
  if (cached === undefined) return acquireToken(call, deps, owner);
  call.token = cached;
};

async function acquireToken(call: ProxyCall, deps: ProxyDeps, owner: ConnectionOwner): Promise<void> {
  try {
    call.token = await deps.freshTokens.acquire(owner, call.target.service.id, { actor: actorOf(call) });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code !== 'not_found' && err.code !== 'connection_needs_consent') throw err;
    throw await consentError(call, deps, err.code === 'not_found');
  }
}

/** The proxy pipeline of SPEC §6.1, in order; `forward` (forward.ts) runs after the last step. */
export const proxySteps: readonly Step[] = [
  checkRequest,
  authenticate,
  checkTenantActive,
  checkRateLimit,
  checkScope,
  ensureFresh,
];

/**
 * Runs the steps in order; a promise only once a step has to wait (the rest then run after it),
 * `undefined` when every step ran synchronously.
 */
export function runSteps(call: ProxyCall, deps: ProxyDeps): Promise<void> | undefined {
  for (let i = 0; i < proxySteps.length; i++) {
    const pending = proxySteps[i]?.(call, deps);
    if (pending !== undefined) return finishSteps(call, deps, pending, i + 1);
  }
  return undefined;
}

async function finishSteps(
  call: ProxyCall,
  deps: ProxyDeps,
  pending: Promise<void>,
  next: number,
): Promise<void> {
  await pending;
  for (let i = next; i < proxySteps.length; i++) {
    const more = proxySteps[i]?.(call, deps);
    if (more !== undefined) await more;
  }
}

/**
 * Adds the `RateLimit-*` response fields (IETF draft-ietf-httpapi-ratelimit-headers) to `into`,
 * in place: on every proxied response, so no object of its own.
 */
export function addRateLimitHeaders(
  into: Record<string, string | string[] | undefined>,
  rate: RateDecision,
): void {
  into['ratelimit-limit'] = String(rate.limit);
  into['ratelimit-remaining'] = String(rate.remaining);
  into['ratelimit-reset'] = String(rate.resetSeconds);
}

export function actorOf(call: ProxyCall): AuditActor {
  const meta = callerMeta(call.request);
  const token = call.principal?.apiToken;
  return token !== undefined
    ? { type: 'api_token', id: token.id, label: token.name, ip: meta.ip, userAgent: meta.userAgent }
    : {
        type: 'user',
        id: call.principal?.user.id ?? null,
        label: call.principal?.user.email ?? null,
        ip: meta.ip,
        userAgent: meta.userAgent,
      };
}

async function consentError(call: ProxyCall, deps: ProxyDeps, missing: boolean): Promise<AppError> {
  const { principal, membership, target } = call;
  const code = missing ? 'connection_required' : 'connection_needs_consent';
  const detail = missing
    ? `connect ${target.service.id} first: open authorizationUrl in a browser`
    : `the connection to ${target.service.id} needs a new consent: open authorizationUrl in a browser`;
  if (principal === undefined || membership === undefined) return new AppError(code, detail);
  const started = await deps.consent.startOnRefusal({
    tenantId: membership.tenantId,
    user: principal.user,
    serviceId: target.service.id,
    actor: actorOf(call),
  });
  if (started.kind !== 'consent_required') return new AppError(code, detail);
  return new AppError(code, detail, {
    extra: {
      service: target.service.id,
      authorizationUrl: started.authorizationUrl,
      expiresAt: started.expiresAt.toISOString(),
    },
  });
}

async function readSmallBody(request: ProxyRequest, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request.raw) {
    const b = chunk as Buffer;
    size += b.length;
    if (size > max) throw new AppError('payload_too_large', `JMAP requests are limited to ${max} bytes here`);
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
