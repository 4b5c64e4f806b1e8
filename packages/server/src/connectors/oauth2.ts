import * as oidc from 'openid-client';
import type { ServiceConfig } from '../config/service-schema.js';
import { allowsHttp, clientAuth, CodeFlow, permitHttp } from './code-flow.js';
import type {
  AuthorizationStart,
  CompleteInput,
  Connector,
  ConnectorTokens,
  RefreshInput,
  RevocationOutcome,
  RevokeInput,
} from './connector.js';

type OAuth2Settings = Extract<ServiceConfig['connector'], { type: 'oauth2' }>;

/**
 * `oauth2`: the oidc connector's flow with endpoints written in the catalogue, for providers that
 * publish no discovery document. `iss` (RFC 9207) is checked when the issuer is configured.
 */
export class OAuth2Connector implements Connector {
  readonly type = 'oauth2' as const;
  readonly service: ServiceConfig;
  readonly #configuration: oidc.Configuration;
  readonly #flow: CodeFlow;

  constructor(service: ServiceConfig, settings: OAuth2Settings, devMode: boolean) {
    this.service = service;
    const metadata: oidc.ServerMetadata = {
      // openid-client needs an issuer identifier; without one, `iss` is not compared (see CodeFlow).
      issuer: settings.issuer ?? new URL(settings.authorizationEndpoint).origin,
      authorization_endpoint: settings.authorizationEndpoint,
      token_endpoint: settings.tokenEndpoint,
      ...(settings.revocationEndpoint !== undefined && { revocation_endpoint: settings.revocationEndpoint }),
    };
    this.#configuration = permitHttp(
      new oidc.Configuration(
        metadata,
        settings.clientId,
        settings.clientSecret,
        clientAuth(settings.tokenEndpointAuthMethod, settings.clientSecret),
      ),
      allowsHttp(settings.tokenEndpoint, devMode) && allowsHttp(settings.authorizationEndpoint, devMode),
    );
    this.#flow = new CodeFlow({
      scopes: settings.scopes,
      resource: settings.resource,
      audience: settings.audience,
      pkce: settings.pkce,
      authorizationParams: settings.authorizationParams,
      issuer: settings.issuer,
    });
  }

  startAuthorization(input: { state: string; redirectUri: string }): Promise<AuthorizationStart> {
    return this.#flow.authorizationUrl(this.#configuration, input);
  }

  completeAuthorization(input: CompleteInput): Promise<ConnectorTokens> {
    return this.#flow.exchange(this.#configuration, input);
  }

  refresh(input: RefreshInput): Promise<ConnectorTokens> {
    return this.#flow.refresh(this.#configuration, input.refreshToken);
  }

  revoke(input: RevokeInput): Promise<RevocationOutcome> {
    return this.#flow.revoke(this.#configuration, input);
  }
}
