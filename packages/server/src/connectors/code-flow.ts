import * as oidc from 'openid-client';
import type { ConnectorTokens, RevocationOutcome } from './connector.js';
import { toConnectorError } from './provider-errors.js';
import { checkAccessTokenAudience, checkAuthorizationError, checkResponseIssuer } from './token-checks.js';

/** What the authorization code flow needs to know about one provider and client. */
export interface CodeFlowOptions {
  scopes: readonly string[];
  resource?: string | undefined;
  /** Expected `aud` of JWT access tokens. */
  audience?: string | undefined;
  pkce: boolean;
  authorizationParams: Readonly<Record<string, string>>;
  /** The issuer `iss` must equal (RFC 9207); undefined when the provider's issuer is unknown. */
  issuer: string | undefined;
}

type TokenResponse = oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;

function toTokens(response: TokenResponse, requested: readonly string[]): ConnectorTokens {
  const expiresIn = response.expiresIn();
  const claims = response.claims();
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token,
    tokenType: response.token_type.toLowerCase() === 'bearer' ? 'Bearer' : response.token_type,
    expiresAt: expiresIn === undefined ? undefined : new Date(Date.now() + expiresIn * 1000),
    // RFC 6749 §5.1: scope is omitted when identical to the one requested.
    scopes: response.scope === undefined ? [...requested] : response.scope.split(' ').filter(Boolean),
    account: claims === undefined ? undefined : { issuer: claims.iss, subject: claims.sub },
  };
}

/**
 * OAuth 2.0 authorization code grant with PKCE S256 (RFC 6749 §4.1, RFC 7636), RFC 8707 resource
 * indicators and RFC 7009 revocation, on openid-client. Shared by the oidc, oauth2 and oauth2-dcr
 * connectors, which differ only in how they obtain the client configuration.
 */
export class CodeFlow {
  readonly #options: CodeFlowOptions;

  constructor(options: CodeFlowOptions) {
    this.#options = options;
  }

  /** The same flow, comparing `iss` with this issuer (known only after discovery). */
  withIssuer(issuer: string): CodeFlow {
    return new CodeFlow({ ...this.#options, issuer });
  }

  get #openid(): boolean {
    return this.#options.scopes.includes('openid');
  }

  async authorizationUrl(
    configuration: oidc.Configuration,
    input: { state: string; redirectUri: string },
  ): Promise<{ url: string; codeVerifier: string | undefined; nonce: string | undefined }> {
    const o = this.#options;
    const codeVerifier = o.pkce ? oidc.randomPKCECodeVerifier() : undefined;
    const nonce = this.#openid ? oidc.randomNonce() : undefined;
    const params: Record<string, string> = {
      ...o.authorizationParams,
      response_type: 'code',
      redirect_uri: input.redirectUri,
      state: input.state,
    };
    if (o.scopes.length > 0) params.scope = o.scopes.join(' ');
    // OIDC Core §11: offline_access is only honoured with prompt=consent.
    if (this.#openid && o.scopes.includes('offline_access') && params.prompt === undefined)
      params.prompt = 'consent';
    if (codeVerifier !== undefined) {
      params.code_challenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
      params.code_challenge_method = 'S256';
    }
    if (nonce !== undefined) params.nonce = nonce;
    if (o.resource !== undefined) params.resource = o.resource;
    return { url: oidc.buildAuthorizationUrl(configuration, params).href, codeVerifier, nonce };
  }

  /**
   * Named steps: the provider's error answer, RFC 9207 `iss`, then the code exchange (which
   * checks state, PKCE and the ID token's nonce), then the access token's audience.
   */
  async exchange(
    configuration: oidc.Configuration,
    input: { callbackUrl: URL; state: string; codeVerifier?: string | undefined; nonce?: string | undefined },
  ): Promise<ConnectorTokens> {
    const o = this.#options;
    checkAuthorizationError(input.callbackUrl);
    const issRequired =
      configuration.serverMetadata().authorization_response_iss_parameter_supported === true;
    checkResponseIssuer(input.callbackUrl, o.issuer, issRequired && o.issuer !== undefined);
    const callbackUrl = new URL(input.callbackUrl);
    // Without a known issuer there is nothing to compare `iss` with (RFC 9207 §2.4 needs one).
    if (o.issuer === undefined) callbackUrl.searchParams.delete('iss');
    let response: TokenResponse;
    try {
      response = await oidc.authorizationCodeGrant(
        configuration,
        callbackUrl,
        {
          ...(input.codeVerifier !== undefined && { pkceCodeVerifier: input.codeVerifier }),
          expectedState: input.state,
          ...(input.nonce !== undefined && { expectedNonce: input.nonce }),
          idTokenExpected: this.#openid && input.nonce !== undefined,
        },
        o.resource === undefined ? undefined : { resource: o.resource },
      );
    } catch (err) {
      throw toConnectorError(err, 'the code exchange');
    }
    checkAccessTokenAudience(response.access_token, o.audience ?? o.resource);
    return toTokens(response, o.scopes);
  }

  async refresh(configuration: oidc.Configuration, refreshToken: string): Promise<ConnectorTokens> {
    const o = this.#options;
    let response: TokenResponse;
    try {
      response = await oidc.refreshTokenGrant(
        configuration,
        refreshToken,
        o.resource === undefined ? undefined : { resource: o.resource },
      );
    } catch (err) {
      throw toConnectorError(err, 'the refresh');
    }
    checkAccessTokenAudience(response.access_token, o.audience ?? o.resource);
    return toTokens(response, o.scopes);
  }

  /**
   * RFC 7009: the refresh token first (§2.1: revoking it should also invalidate the access tokens
   * of the same grant), then the access token. Best effort: any failure is reported, not thrown.
   */
  async revoke(
    configuration: oidc.Configuration,
    tokens: { accessToken?: string | undefined; refreshToken?: string | undefined },
  ): Promise<RevocationOutcome> {
    if (configuration.serverMetadata().revocation_endpoint === undefined) return 'unsupported';
    let outcome: RevocationOutcome = 'revoked';
    const pairs: [string | undefined, string][] = [
      [tokens.refreshToken, 'refresh_token'],
      [tokens.accessToken, 'access_token'],
    ];
    for (const [token, hint] of pairs) {
      if (token === undefined) continue;
      try {
        await oidc.tokenRevocation(configuration, token, { token_type_hint: hint });
      } catch (err) {
        // RFC 7009 §2.2.1: a server that cannot revoke this kind of token (e.g. a self-contained
        // JWT access token) says unsupported_token_type; revoking the refresh token ended the grant.
        const unsupported = err instanceof oidc.ResponseBodyError && err.error === 'unsupported_token_type';
        if (!unsupported) outcome = 'failed';
      }
    }
    return outcome;
  }
}

/** Plain-HTTP providers only on loopback or in development mode. */
export function allowsHttp(url: string, devMode: boolean): boolean {
  return devMode || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url);
}

/** Client authentication at the token endpoint (RFC 6749 §2.3.1), as configured. */
export function clientAuth(
  method: 'client_secret_basic' | 'client_secret_post' | 'none' | undefined,
  secret: string | undefined,
): oidc.ClientAuth {
  const chosen = method ?? (secret === undefined ? 'none' : 'client_secret_basic');
  if (chosen === 'none' || secret === undefined) return oidc.None();
  return chosen === 'client_secret_post' ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret);
}

/** Lets openid-client talk plain HTTP to a provider when `allowsHttp` said so. */
export function permitHttp(configuration: oidc.Configuration, allowed: boolean): oidc.Configuration {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback and development only
  if (allowed) oidc.allowInsecureRequests(configuration);
  return configuration;
}

/** Options for openid-client's discovery and requests, with plain HTTP when allowed. */
export function requestOptions(allowed: boolean): {
  execute: ((c: oidc.Configuration) => void)[];
  timeout: number;
} {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- loopback and development only
  return { execute: allowed ? [oidc.allowInsecureRequests] : [], timeout: 10 };
}
