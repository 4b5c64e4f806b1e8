import * as oidc from 'openid-client';
import type { Keyring } from '../crypto/keyring.js';
import { randomSecret, sha256Hex } from '../crypto/hash.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import type { Db } from '../store/db.js';
import { consumeLoginRequest, deleteExpiredLoginRequests, insertLoginRequest } from '../store/sessions.js';
import type { IdentityClaims } from './user-directory.js';

export interface ConsoleClient {
  issuer: string;
  clientId: string;
  clientSecret?: string | undefined;
  scopes: readonly string[];
  /**
   * How an operator sign-in asks the IdP for an operator-audience access token: an RFC 8707
   * resource indicator and/or extra scopes (e.g. a Keycloak client scope with an audience mapper).
   * Absent: the console has no operator sign-in.
   */
  operator?: { resource?: string | undefined; scopes: readonly string[] } | undefined;
}

/** Checks the access token the console received at sign-in, as the API would. */
export type AccessTokenCheck = (
  token: string,
) => Promise<{ issuer: string; subject: string; operatorAudience: boolean }>;

export interface ClaimNames {
  email: string;
  name: string;
  groups: string;
}

const LOGIN_TTL_MS = 10 * 60 * 1000;

/** Same-origin paths only: `returnTo` must not turn the login into an open redirect. */
export function safeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\'))
    return '/';
  for (const ch of value) if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) return '/';
  return value;
}

/**
 * Console sign-in: OIDC authorization code + PKCE S256 with state and nonce (RFC 7636, OIDC
 * Core §3.1). The pending request lives in the store — hashed state, encrypted verifier, single
 * use, 10 minutes — so any replica can finish a login another one started.
 */
export class ConsoleLogin {
  readonly #db: Db;
  readonly #keyring: Keyring;
  readonly #client: ConsoleClient;
  readonly #redirectUri: string;
  readonly #claims: ClaimNames;
  readonly #allowHttp: boolean;
  readonly #checkAccessToken: AccessTokenCheck;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(deps: {
    db: Db;
    keyring: Keyring;
    client: ConsoleClient;
    publicUrl: string;
    claims: ClaimNames;
    allowHttp: boolean;
    checkAccessToken: AccessTokenCheck;
  }) {
    this.#db = deps.db;
    this.#keyring = deps.keyring;
    this.#client = deps.client;
    this.#redirectUri = `${deps.publicUrl}/auth/callback`;
    this.#claims = deps.claims;
    this.#allowHttp = deps.allowHttp;
    this.#checkAccessToken = deps.checkAccessToken;
  }

  get redirectUri(): string {
    return this.#redirectUri;
  }

  #discover(): Promise<oidc.Configuration> {
    if (this.#configuration === undefined) {
      // Plain-HTTP issuers only for the development IdP or a loopback IdP in tests.
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      const execute = this.#allowHttp ? [oidc.allowInsecureRequests] : [];
      this.#configuration = oidc.discovery(
        new URL(this.#client.issuer),
        this.#client.clientId,
        { redirect_uris: [this.#redirectUri] },
        this.#client.clientSecret === undefined
          ? oidc.None()
          : oidc.ClientSecretBasic(this.#client.clientSecret),
        { execute, timeout: 5 },
      );
      // Retry discovery on the next login if the IdP was down this time.
      void this.#configuration.catch(() => (this.#configuration = undefined));
    }
    return this.#configuration;
  }

  get offersOperatorSignIn(): boolean {
    return this.#client.operator !== undefined;
  }

  /**
   * Starts a login; answers the IdP authorization URL to redirect the browser to. An operator
   * sign-in also asks for the operator audience (SPEC §3.2: a step up, never the everyday session).
   */
  async start(returnTo: string, options: { operator?: boolean } = {}): Promise<string> {
    const operator = options.operator === true ? this.#client.operator : undefined;
    if (options.operator === true && operator === undefined)
      throw new AppError('not_found', 'operator sign-in is not configured (idp.console.operator)');
    let configuration: oidc.Configuration;
    try {
      configuration = await this.#discover();
    } catch (cause) {
      throw new AppError('idp_unavailable', 'the identity provider cannot be reached', { cause });
    }
    const state = randomSecret(32);
    const nonce = randomSecret(16);
    const verifier = oidc.randomPKCECodeVerifier();
    const id = newId('lgn');
    const now = Date.now();
    await deleteExpiredLoginRequests(this.#db, new Date(now));
    await insertLoginRequest(this.#db, {
      id,
      stateHash: sha256Hex(state),
      codeVerifierEnc: this.#keyring.encrypt(verifier, {
        table: 'login_requests',
        rowId: id,
        field: 'code_verifier',
      }),
      nonce,
      returnTo: safeReturnTo(returnTo),
      expiresAt: new Date(now + LOGIN_TTL_MS),
    });
    const scopes = [...this.#client.scopes, ...(operator?.scopes ?? [])];
    const url = oidc.buildAuthorizationUrl(configuration, {
      ...(operator?.resource === undefined ? {} : { resource: operator.resource }),
      redirect_uri: this.#redirectUri,
      scope: [...new Set(scopes)].join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return url.href;
  }

  /**
   * Finishes a login from the callback URL: the state must match a live, unused request; the
   * code is exchanged with its PKCE verifier; the ID token's nonce and issuer are checked.
   */
  async finish(callbackUrl: URL): Promise<{ identity: IdentityClaims; returnTo: string; operator: boolean }> {
    const state = callbackUrl.searchParams.get('state');
    if (state === null || state.length > 200)
      throw new AppError('login_failed', 'the sign-in response has no state');
    const request = await consumeLoginRequest(this.#db, sha256Hex(state), new Date());
    if (request === undefined) {
      throw new AppError(
        'login_failed',
        'this sign-in link is unknown, expired or already used; start again',
      );
    }
    const idpError = callbackUrl.searchParams.get('error');
    if (idpError !== null) {
      throw new AppError(
        'login_failed',
        `the identity provider refused the sign-in (${idpError.slice(0, 64)})`,
      );
    }
    const verifier = this.#keyring.decryptString(request.codeVerifierEnc, {
      table: 'login_requests',
      rowId: request.id,
      field: 'code_verifier',
    });
    let claims: Record<string, unknown>;
    let accessToken: string;
    try {
      const configuration = await this.#discover();
      const tokens = await oidc.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      claims = tokens.claims() ?? {};
      accessToken = tokens.access_token;
    } catch (cause) {
      throw new AppError('login_failed', 'the sign-in could not be completed with the identity provider', {
        cause,
      });
    }
    const sub = claims.sub;
    const iss = claims.iss;
    if (typeof sub !== 'string' || typeof iss !== 'string')
      throw new AppError('login_failed', 'the ID token has no subject');
    const groups = claims[this.#claims.groups];
    return {
      operator: await this.#grantsOperator(accessToken, iss, sub),
      identity: {
        issuer: iss,
        subject: sub,
        email: typeof claims[this.#claims.email] === 'string' ? (claims[this.#claims.email] as string) : null,
        name: typeof claims[this.#claims.name] === 'string' ? (claims[this.#claims.name] as string) : null,
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      },
      returnTo: request.returnTo,
    };
  }

  /**
   * The session may use the operator API only when the access token the IdP handed the console
   * passes the API's own checks, carries an operator audience and names the same user. An opaque
   * or foreign token simply makes an everyday session.
   */
  async #grantsOperator(accessToken: string, issuer: string, subject: string): Promise<boolean> {
    try {
      const verified = await this.#checkAccessToken(accessToken);
      return verified.operatorAudience && verified.issuer === issuer && verified.subject === subject;
    } catch {
      return false;
    }
  }
}
