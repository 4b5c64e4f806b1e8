import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { sendProblem } from '../http/problem.js';
import type { Metrics } from '../http/metrics.js';
import type { ApiTokenVerifier, VerifiedApiToken } from '../api-tokens/verifier.js';
import type { IdpTokenVerifier } from './idp-token-verifier.js';
import type { ApiTokenAccess, AuthRequirement, Principal } from './principal.js';
import type { SessionService } from './sessions.js';
import type { RequestMeta, UserDirectory } from './user-directory.js';
import { listMembershipsOfUser } from '../store/users.js';
import type { Db } from '../store/db.js';

export const SESSION_COOKIE = 'lk_session';

export interface AuthDeps {
  db: Db;
  verifier: IdpTokenVerifier;
  apiTokens: ApiTokenVerifier;
  users: UserDirectory;
  sessions: SessionService;
  metrics: Metrics;
  claims: { email: string; name: string; groups: string };
  /** Origin of the public URL: the only origin allowed to change state with a session. */
  publicOrigin: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requestMeta(request: FastifyRequest): RequestMeta {
  return callerMeta(request);
}

/** The address and user agent of a caller, as audit events and sessions record them. */
export function callerMeta(caller: { ip: string; headers: IncomingHttpHeaders }): RequestMeta {
  const ua = caller.headers['user-agent'];
  return { ip: caller.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function stringClaim(payload: Record<string, unknown>, name: string): string | null {
  const v = payload[name];
  return typeof v === 'string' ? v : null;
}

/**
 * Who is calling (SPEC §3.1), as steps:
 * 1. bearer credential → API token (`lk_…`) or IdP JWT verified against the trusted issuers; on
 *    routes that take it, an API token as the HTTP Basic password;
 * 2. otherwise the console session cookie; state-changing requests must come from our origin (CSRF);
 * 3. the route's requirement decides whether no credential is acceptable.
 * A presented but bad credential is refused even where a credential is optional. Framework-free:
 * the Fastify hook below and the proxy's front door (proxy/front.ts) both call it. A refusal is
 * an AppError that already carries its `WWW-Authenticate` challenge.
 */
export interface Authenticator {
  authenticate(caller: Caller, route: RouteAuth): Promise<Principal | null>;
  /**
   * `authenticate` answered without waiting, when it can be: an API token found in the verifier's
   * cache, or no credential at all. The principal (null: none), or the same refusal thrown;
   * `undefined` when the answer needs I/O — then call `authenticate`. The proxy's hot path.
   */
  authenticateNow(caller: Caller, route: RouteAuth): Principal | null | undefined;
}

/** What authentication reads of a request. */
export interface Caller {
  method: string;
  headers: IncomingHttpHeaders;
  ip: string;
}

/** A route's authentication settings (its Fastify route config, or the proxy's). */
export interface RouteAuth {
  requirement: AuthRequirement;
  apiTokens: ApiTokenAccess | undefined;
  basicAuth: 'accept' | 'challenge' | undefined;
}

/** The credential a request presents, read from its headers alone. */
type Credential = { kind: 'bearer'; token: string } | { kind: 'cookie'; cookie: string } | { kind: 'none' };

function apiTokenPrincipal(verified: VerifiedApiToken): Principal {
  return {
    kind: 'api_token',
    user: verified.user,
    memberships: [verified.membership],
    operatorAudience: false,
    apiToken: verified,
  };
}

export function createAuthenticator(deps: AuthDeps): Authenticator {
  async function fromBearer(caller: Caller, token: string): Promise<Principal> {
    if (token.startsWith('lk_')) return apiTokenPrincipal(await deps.apiTokens.verify(token, caller.ip));
    const verified = await deps.verifier.verify(token);
    const groups = verified.payload[deps.claims.groups];
    const context = await deps.users.resolve(
      {
        issuer: verified.issuer,
        subject: verified.subject,
        email: stringClaim(verified.payload, deps.claims.email),
        name: stringClaim(verified.payload, deps.claims.name),
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      },
      callerMeta(caller),
    );
    if (context.user.deletedAt !== null) throw new AppError('invalid_token', 'this user has been removed');
    return {
      kind: 'idp_token',
      user: context.user,
      memberships: context.memberships,
      operatorAudience: verified.operatorAudience,
    };
  }

  async function fromSession(caller: Caller, cookie: string): Promise<Principal | null> {
    const found = await deps.sessions.find(cookie);
    if (found === undefined || found.user.deletedAt !== null) return null;
    if (!SAFE_METHODS.has(caller.method)) {
      // Origin check (OWASP CSRF cheat sheet): SameSite=Lax alone does not cover every browser path.
      const origin = caller.headers.origin ?? refererOrigin(caller.headers.referer);
      if (origin !== deps.publicOrigin)
        throw new AppError('csrf_rejected', 'state-changing requests must come from the console origin');
    }
    return {
      kind: 'session',
      user: found.user,
      memberships: await listMembershipsOfUser(deps.db, found.user.id),
      operatorAudience: found.session.operator,
      sessionId: found.session.id,
    };
  }

  /** Step 1–2: which credential is presented; a malformed Authorization header is refused. */
  function credentialOf(caller: Caller, route: RouteAuth): Credential {
    const authorization = caller.headers.authorization;
    const basic = route.basicAuth;
    if (authorization !== undefined) {
      const token =
        basic === undefined
          ? bearerToken(authorization)
          : (bearerToken(authorization) ?? basicPassword(authorization));
      if (token === undefined) {
        throw new AppError(
          'invalid_token',
          basic === undefined
            ? 'the Authorization header must be "Bearer <token>"'
            : 'send "Bearer <token>", or an API token as the Basic password',
          { headers: challengeHeaders(basic, 'invalid_token') ?? {} },
        );
      }
      return { kind: 'bearer', token };
    }
    const cookie = readCookie(caller.headers.cookie, SESSION_COOKIE);
    return cookie === undefined ? { kind: 'none' } : { kind: 'cookie', cookie };
  }

  async function identify(caller: Caller, route: RouteAuth): Promise<Principal | null> {
    const credential = credentialOf(caller, route);
    let principal: Principal | null = null;
    if (credential.kind === 'bearer') principal = await fromBearer(caller, credential.token);
    else if (credential.kind === 'cookie') principal = await fromSession(caller, credential.cookie);
    return admitted(principal, route);
  }

  /** `identify` without I/O: `undefined` when the credential needs the store or the IdP's keys. */
  function identifyNow(caller: Caller, route: RouteAuth): Principal | null | undefined {
    const credential = credentialOf(caller, route);
    if (credential.kind === 'cookie') return undefined;
    if (credential.kind === 'none') return admitted(null, route);
    if (!credential.token.startsWith('lk_')) return undefined;
    const verified = deps.apiTokens.verifyCached(credential.token, caller.ip);
    return verified === undefined ? undefined : admitted(apiTokenPrincipal(verified), route);
  }

  /** Step 3: the route's rules on the identified caller (API tokens allowed? anyone at all?). */
  function admitted(principal: Principal | null, route: RouteAuth): Principal | null {
    const basic = route.basicAuth;
    if (principal?.kind === 'api_token' && route.apiTokens === undefined) {
      throw apiTokenNotAllowed(
        'API tokens cannot manage credentials or call this route; use a console session or an IdP token',
      );
    }
    if (principal === null && route.requirement === 'user') {
      throw new AppError(
        'unauthenticated',
        'send an IdP access token, an API token or sign in to the console',
        {
          headers: challengeHeaders(basic, undefined) ?? {},
        },
      );
    }
    return principal;
  }

  /** A refusal as the client gets it: counted, and with the challenge its route calls for. */
  function refusal(err: unknown, route: RouteAuth): unknown {
    if (!(err instanceof AppError)) return err;
    deps.metrics.authFailures.inc({ reason: err.code });
    const challenge =
      route.basicAuth === 'challenge' && err.status === 401
        ? challengeHeaders('challenge', err.code === 'unauthenticated' ? undefined : 'invalid_token')?.[
            'www-authenticate'
          ]
        : bearerChallenge(err);
    if (challenge === undefined) return err;
    return new AppError(err.code, err.message, {
      ...(err.fields === undefined ? {} : { fields: err.fields }),
      ...(err.extra === undefined ? {} : { extra: { ...err.extra } }),
      headers: { ...err.headers, 'www-authenticate': challenge },
      cause: err.cause,
    });
  }

  return {
    async authenticate(caller, route) {
      try {
        return await identify(caller, route);
      } catch (err) {
        throw refusal(err, route);
      }
    },
    authenticateNow(caller, route) {
      try {
        return identifyNow(caller, route);
      } catch (err) {
        throw refusal(err, route);
      }
    },
  };
}

/** Installs authentication as the first `onRequest` hook of every Fastify route. */
export function installAuthentication(app: FastifyInstance, authenticator: Authenticator): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request, reply) => {
    // Unknown routes answer 404 whoever asks; known routes require a user unless they say otherwise.
    const config = request.routeOptions.config;
    const requirement = request.routeOptions.url === undefined ? 'none' : (config.auth ?? 'user');
    if (requirement === 'none') return;
    try {
      request.principal = await authenticator.authenticate(
        { method: request.method, headers: request.headers, ip: request.ip },
        { requirement, apiTokens: config.apiTokens, basicAuth: config.basicAuth },
      );
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return sendProblem(request, reply, err);
    }
  });
}

/** RFC 6750 §2.1 `Bearer <token>`; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(authorization: string): string | undefined {
  // The shape every client sends, `Bearer ` then printable ASCII, tested on the slice: this runs
  // on every proxied request, and one compiled character class costs a fraction of a JS loop.
  if (authorization.startsWith('Bearer ')) {
    const token = authorization.slice(7);
    if (PRINTABLE_ASCII.test(token)) return token;
  }
  return /^Bearer[ ]+([^\s]+)\s*$/i.exec(authorization)?.[1];
}

/** One or more characters, none a space, control or non-ASCII character. */
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * SPEC §6.1: clients that only know a user name and a password (DAV clients) send an API token as
 * the HTTP Basic password (RFC 7617 §2); the user name is ignored. Only `lk_` tokens are taken
 * from Basic: an IdP JWT is never a password.
 */
function basicPassword(authorization: string): string | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (m?.[1] === undefined) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && password.startsWith('lk_') ? password : undefined;
}

/**
 * RFC 9110 §11.6.1: on routes that take Basic and ask for it (DAV services), the 401 offers both
 * schemes, Basic first so password-only clients prompt (SPEC §6.1).
 */
function challengeHeaders(
  basic: 'accept' | 'challenge' | undefined,
  error: 'invalid_token' | undefined,
): Record<string, string> | undefined {
  const bearer =
    error === undefined ? 'Bearer realm="latchkey"' : `Bearer realm="latchkey", error="${error}"`;
  if (basic === 'challenge') return { 'www-authenticate': `Basic realm="Latchkey", ${bearer}` };
  return error === undefined ? { 'www-authenticate': bearer } : undefined;
}

/**
 * RFC 6750 §3: every 401 carries a Bearer challenge, whichever step refused the credential
 * (malformed header, unloadable issuer keys, removed user…); a step that wrote its own keeps it.
 */
function bearerChallenge(err: AppError): string | undefined {
  if (err.status !== 401 || err.headers?.['www-authenticate'] !== undefined) return undefined;
  return err.code === 'unauthenticated'
    ? 'Bearer realm="latchkey"'
    : 'Bearer realm="latchkey", error="invalid_token"';
}

/**
 * SPEC §5: an API token can never manage credentials. The 403 names what is needed, as RFC 6750
 * §3.1 asks of insufficient_scope.
 */
export function apiTokenNotAllowed(detail: string): AppError {
  return new AppError('api_token_not_allowed', detail, {
    extra: { required: 'user_credential' },
    headers: {
      'www-authenticate': 'Bearer realm="latchkey", error="insufficient_scope", scope="user_credential"',
    },
  });
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
