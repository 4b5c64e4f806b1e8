import * as oidc from 'openid-client';
import type { ServiceConfig } from '../config/service-schema.js';
import { allowsHttp, clientAuth, CodeFlow, requestOptions } from './code-flow.js';
import type {
  AuthorizationStart,
  CompleteInput,
  Connector,
  ConnectorTokens,
  RefreshInput,
  RevocationOutcome,
  RevokeInput,
} from './connector.js';
import { toConnectorError } from './provider-errors.js';

type OidcSettings = Extract<ServiceConfig['connector'], { type: 'oidc' }>;

/**
 * `oidc`: authorization code + PKCE against an OpenID Connect issuer whose endpoints come from
 * discovery (OIDC Discovery §4), `offline_access` for a refresh token, RFC 8707 resource, RFC 7009
 * revocation, and the audience of JWT access tokens checked before anything is stored.
 */
export class OidcConnector implements Connector {
  readonly type = 'oidc' as const;
  readonly service: ServiceConfig;
  readonly #settings: OidcSettings;
  readonly #flow: CodeFlow;
  readonly #allowHttp: boolean;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(service: ServiceConfig, settings: OidcSettings, devMode: boolean) {
    this.service = service;
    this.#settings = settings;
    this.#allowHttp = allowsHttp(settings.issuer, devMode);
    this.#flow = new CodeFlow({
      scopes: settings.scopes,
      resource: settings.resource,
      audience: settings.audience,
      pkce: settings.pkce,
      authorizationParams: settings.authorizationParams,
      issuer: undefined,
    });
  }

  /** Discovery once per process; a failure is forgotten so the next call retries. */
  async #discover(): Promise<oidc.Configuration> {
    if (this.#configuration === undefined) {
      const s = this.#settings;
      this.#configuration = oidc.discovery(
        new URL(s.issuer),
        s.clientId,
        s.clientSecret,
        clientAuth(s.tokenEndpointAuthMethod, s.clientSecret),
        requestOptions(this.#allowHttp),
      );
      this.#configuration.catch(() => (this.#configuration = undefined));
    }
    try {
      return await this.#configuration;
    } catch (err) {
      throw toConnectorError(err, 'discovery');
    }
  }

  /** The issuer `iss` must equal: the one discovery confirmed (OIDC Discovery §4.3). */
  #flowFor(configuration: oidc.Configuration): CodeFlow {
    return this.#flow.withIssuer(configuration.serverMetadata().issuer);
  }

  async startAuthorization(input: { state: string; redirectUri: string }): Promise<AuthorizationStart> {
    const configuration = await this.#discover();
    return this.#flowFor(configuration).authorizationUrl(configuration, input);
  }

  async completeAuthorization(input: CompleteInput): Promise<ConnectorTokens> {
    const configuration = await this.#discover();
    return this.#flowFor(configuration).exchange(configuration, input);
  }

  async refresh(input: RefreshInput): Promise<ConnectorTokens> {
    const configuration = await this.#discover();
    return this.#flow.refresh(configuration, input.refreshToken);
  }

  async revoke(input: RevokeInput): Promise<RevocationOutcome> {
    let configuration: oidc.Configuration;
    try {
      configuration = await this.#discover();
    } catch {
      return 'failed';
    }
    return this.#flow.revoke(configuration, input);
  }
}
