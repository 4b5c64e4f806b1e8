import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { AppError } from '../errors.js';

export interface TrustedIssuer {
  issuer: string;
  audiences: readonly string[];
  operatorAudiences: readonly string[];
  algorithms: readonly string[];
  jwksUri?: string | undefined;
  /** Keys known in-process (the development IdP): no network lookup. */
  localJwks?: JSONWebKeySet | undefined;
}

export interface VerifiedIdpToken {
  issuer: string;
  subject: string;
  audiences: string[];
  /** The token's audience includes one of this issuer's operator audiences. */
  operatorAudience: boolean;
  payload: JWTPayload;
}

/** A fetch for discovery documents, replaceable so the caller controls timeouts. */
export type DiscoveryFetch = (url: string) => Promise<unknown>;

async function defaultDiscoveryFetch(url: string): Promise<unknown> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(5_000),
    headers: { accept: 'application/json' },
  });
  if (!res.ok) throw new Error(`discovery answered ${res.status}`);
  return res.json();
}

/**
 * Verifies IdP access tokens (SPEC §3.1). Checks, in order: shape (three segments) → issuer is
 * configured → algorithm is allowed for it (never `none`, never HS*) → signature with the issuer's
 * JWKS (discovered, cached, refetched on an unknown `kid`) → `iss`, `aud` ∩ configured ≠ ∅,
 * `exp`/`nbf`/`iat` within the clock skew → `sub` present. Errors never quote the token.
 */
export class IdpTokenVerifier {
  readonly #issuers: ReadonlyMap<string, TrustedIssuer>;
  readonly #clockSkewSeconds: number;
  readonly #fetchDiscovery: DiscoveryFetch;
  readonly #keySets = new Map<string, Promise<JWTVerifyGetKey>>();

  constructor(issuers: readonly TrustedIssuer[], clockSkewSeconds: number, fetchDiscovery?: DiscoveryFetch) {
    this.#issuers = new Map(issuers.map((i) => [i.issuer, i]));
    this.#clockSkewSeconds = clockSkewSeconds;
    this.#fetchDiscovery = fetchDiscovery ?? defaultDiscoveryFetch;
  }

  /** Cheap test used to route a bearer credential: JWTs have three base64url segments. */
  static looksLikeJwt(token: string): boolean {
    return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token);
  }

  async verify(token: string): Promise<VerifiedIdpToken> {
    if (!IdpTokenVerifier.looksLikeJwt(token)) throw invalid('the token is not a JWT');
    let unverifiedIss: unknown;
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(token).alg;
      unverifiedIss = decodeJwt(token).iss;
    } catch {
      throw invalid('the token cannot be decoded');
    }
    const trusted = typeof unverifiedIss === 'string' ? this.#issuers.get(unverifiedIss) : undefined;
    if (trusted === undefined) throw invalid('the token was not issued by a trusted issuer');
    if (typeof alg !== 'string' || !trusted.algorithms.includes(alg)) {
      throw invalid('the token is signed with an algorithm that is not allowed');
    }
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.#keySet(trusted);
    } catch (cause) {
      throw new AppError('invalid_token', 'the issuer keys could not be loaded', { cause });
    }
    const accepted = [...trusted.audiences, ...trusted.operatorAudiences];
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: trusted.issuer,
        audience: accepted,
        algorithms: [...trusted.algorithms],
        clockTolerance: this.#clockSkewSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
      return {
        issuer: trusted.issuer,
        subject: payload.sub ?? '',
        audiences,
        operatorAudience: audiences.some((a) => trusted.operatorAudiences.includes(a)),
        payload,
      };
    } catch (err) {
      throw mapJoseError(err);
    }
  }

  #keySet(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
    let keySet = this.#keySets.get(trusted.issuer);
    if (keySet === undefined) {
      keySet = this.#loadKeySet(trusted);
      // A failed discovery must not be cached forever: the next request tries again.
      void keySet.catch(() => this.#keySets.delete(trusted.issuer));
      this.#keySets.set(trusted.issuer, keySet);
    }
    return keySet;
  }

  async #loadKeySet(trusted: TrustedIssuer): Promise<JWTVerifyGetKey> {
    if (trusted.localJwks !== undefined) return createLocalJWKSet(trusted.localJwks);
    let jwksUri = trusted.jwksUri;
    if (jwksUri === undefined) {
      const url = `${trusted.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
      const doc = (await this.#fetchDiscovery(url)) as { issuer?: unknown; jwks_uri?: unknown };
      // OIDC Discovery §4.3: the document's issuer must be exactly the one we asked about.
      if (doc.issuer !== trusted.issuer) throw new Error('discovery issuer mismatch');
      if (typeof doc.jwks_uri !== 'string') throw new Error('discovery has no jwks_uri');
      jwksUri = doc.jwks_uri;
    }
    // Unknown kid → jose refetches the set (at most every cooldownDuration), so IdP key rotation works.
    return createRemoteJWKSet(new URL(jwksUri), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
      timeoutDuration: 5_000,
    });
  }
}

function invalid(detail: string): AppError {
  return new AppError('invalid_token', detail, {
    headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
  });
}

function mapJoseError(err: unknown): AppError {
  if (err instanceof joseErrors.JWTExpired) {
    return new AppError('token_expired', 'the token has expired', {
      headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="expired"' },
    });
  }
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    return invalid(`the token's "${err.claim}" claim is not acceptable`);
  }
  if (err instanceof joseErrors.JWKSNoMatchingKey) return invalid('no key of the issuer matches the token');
  if (err instanceof joseErrors.JWSSignatureVerificationFailed)
    return invalid('the token signature is invalid');
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return invalid('the token algorithm is not allowed');
  if (err instanceof joseErrors.JOSEError) return invalid('the token is not valid');
  return new AppError('invalid_token', 'the token could not be verified', { cause: err });
}
