import * as oidc from 'openid-client';
import type { ServiceConfig } from '../config/service-schema.js';
import { allowsHttp, clientAuth, CodeFlow, permitHttp, requestOptions } from './code-flow.js';
import {
  ConnectorError,
  type AuthorizationStart,
  type ClientRegistration,
  type CompleteInput,
  type ConnectingUser,
  type Connector,
  type ConnectorTokens,
  type RefreshInput,
  type RevocationOutcome,
  type RevokeInput,
} from './connector.js';
import { providerFetch, readProviderJson, toConnectorError } from './provider-errors.js';

type DcrSettings = Extract<ServiceConfig['connector'], { type: 'oauth2-dcr' }>;

/** The `{username}` of an instance pattern: the e-mail's local part as a DNS label, else the subject. */
export function usernameOf(user: ConnectingUser): string {
  const local = user.email?.split('@')[0] ?? user.subject;
  const label = local
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '');
  return label.slice(0, 63) || 'user';
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `oauth2-dcr`: registers a client per user at the user's instance with RFC 7591 dynamic client
 * registration (as Cozy drives require), keeps the registration — client secret and RFC 7592
 * registration access token — for refresh and deletion, then runs the code + PKCE flow with it.
 * Disconnecting revokes the tokens and deletes the registration (RFC 7592 §2.3).
 */
export class OAuth2DcrConnector implements Connector {
  readonly type = 'oauth2-dcr' as const;
  readonly service: ServiceConfig;
  readonly #settings: DcrSettings;
  readonly #devMode: boolean;
  readonly #flow: CodeFlow;
  readonly #metadata = new Map<string, Promise<oidc.ServerMetadata>>();

  constructor(service: ServiceConfig, settings: DcrSettings, devMode: boolean) {
    this.service = service;
    this.#settings = settings;
    this.#devMode = devMode;
    this.#flow = new CodeFlow({
      scopes: settings.scopes,
      resource: settings.resource,
      audience: settings.audience,
      pkce: settings.pkce,
      authorizationParams: settings.authorizationParams,
      issuer: undefined,
    });
  }

  instanceUrl(user: ConnectingUser): string {
    return this.#settings.issuer.replaceAll('{username}', usernameOf(user)).replace(/\/+$/, '');
  }

  #endpoint(instance: string, value: string | undefined): string | undefined {
    return value === undefined ? undefined : new URL(value, `${instance}/`).href;
  }

  /** Endpoints of an instance: its discovery document (OIDC, else RFC 8414) overlaid with the catalogue's. */
  async #serverMetadata(instance: string): Promise<oidc.ServerMetadata> {
    let pending = this.#metadata.get(instance);
    if (pending === undefined) {
      pending = this.#discover(instance);
      this.#metadata.set(instance, pending);
      pending.catch(() => this.#metadata.delete(instance));
    }
    return pending;
  }

  async #discover(instance: string): Promise<oidc.ServerMetadata> {
    const s = this.#settings;
    let discovered: oidc.ServerMetadata = { issuer: instance };
    if (s.discovery) {
      const options = requestOptions(allowsHttp(instance, this.#devMode));
      try {
        discovered = (
          await oidc.discovery(new URL(instance), 'discovery', undefined, undefined, options)
        ).serverMetadata();
      } catch {
        try {
          discovered = (
            await oidc.discovery(new URL(instance), 'discovery', undefined, undefined, {
              ...options,
              algorithm: 'oauth2',
            })
          ).serverMetadata();
        } catch (err) {
          throw toConnectorError(err, 'discovery');
        }
      }
    }
    const e = s.endpoints;
    const overrides = Object.fromEntries(
      [
        ['registration_endpoint', this.#endpoint(instance, e.registration)],
        ['authorization_endpoint', this.#endpoint(instance, e.authorization)],
        ['token_endpoint', this.#endpoint(instance, e.token)],
        ['revocation_endpoint', this.#endpoint(instance, e.revocation)],
      ].filter((pair): pair is [string, string] => pair[1] !== undefined),
    );
    const merged: oidc.ServerMetadata = { ...discovered, ...overrides };
    return merged;
  }

  async #configuration(registration: ClientRegistration): Promise<oidc.Configuration> {
    const metadata = await this.#serverMetadata(registration.instanceUrl);
    return permitHttp(
      new oidc.Configuration(
        metadata,
        registration.clientId,
        registration.clientSecret,
        clientAuth(undefined, registration.clientSecret),
      ),
      allowsHttp(registration.instanceUrl, this.#devMode),
    );
  }

  /** RFC 7591 §3.1: POST the client metadata; §3.2.1: the answer carries the client id and secrets. */
  async register(user: ConnectingUser, redirectUri: string): Promise<ClientRegistration> {
    const s = this.#settings;
    const instance = this.instanceUrl(user);
    const metadata = await this.#serverMetadata(instance);
    const endpoint = metadata.registration_endpoint;
    if (endpoint === undefined)
      throw new ConnectorError('protocol', 'the provider advertises no registration endpoint');
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (s.initialAccessToken !== undefined) headers.authorization = `Bearer ${s.initialAccessToken}`;
    const res = await providerFetch(
      endpoint,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({
          ...s.registrationMetadata,
          redirect_uris: [redirectUri],
          client_name: s.clientName,
          ...(s.softwareId !== undefined && { software_id: s.softwareId }),
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          ...(s.scopes.length > 0 && { scope: s.scopes.join(' ') }),
        }),
      },
      'the client registration',
    );
    const body = await readProviderJson(res, 'the client registration');
    const clientId = str(body.client_id);
    if (clientId === undefined)
      throw new ConnectorError('protocol', 'the registration answer has no client_id');
    return {
      instanceUrl: instance,
      clientId,
      clientSecret: str(body.client_secret),
      registrationAccessToken: str(body.registration_access_token),
      registrationClientUri: str(body.registration_client_uri),
    };
  }

  async startAuthorization(input: {
    state: string;
    redirectUri: string;
    user: ConnectingUser;
    registration?: ClientRegistration | undefined;
  }): Promise<AuthorizationStart> {
    const existing = input.registration;
    const registration = existing ?? (await this.register(input.user, input.redirectUri));
    const configuration = await this.#configuration(registration);
    const start = await this.#flowFor(configuration).authorizationUrl(configuration, input);
    return { ...start, newRegistration: existing === undefined ? registration : undefined };
  }

  #flowFor(configuration: oidc.Configuration): CodeFlow {
    // Only a discovered issuer is one the provider vouched for; an explicit-endpoints instance has none.
    return this.#settings.discovery
      ? this.#flow.withIssuer(configuration.serverMetadata().issuer)
      : this.#flow;
  }

  #require(registration: ClientRegistration | undefined): ClientRegistration {
    if (registration === undefined)
      throw new ConnectorError('invalid_client', 'the client registration is missing');
    return registration;
  }

  async completeAuthorization(input: CompleteInput): Promise<ConnectorTokens> {
    const registration = this.#require(input.registration);
    const configuration = await this.#configuration(registration);
    const tokens = await this.#flowFor(configuration).exchange(configuration, input);
    return { ...tokens, metadata: { instanceUrl: registration.instanceUrl } };
  }

  async refresh(input: RefreshInput): Promise<ConnectorTokens> {
    const configuration = await this.#configuration(this.#require(input.registration));
    return this.#flow.refresh(configuration, input.refreshToken);
  }

  async revoke(input: RevokeInput): Promise<RevocationOutcome> {
    const registration = input.registration;
    if (registration === undefined) return 'unsupported';
    let outcome: RevocationOutcome;
    try {
      outcome = await this.#flow.revoke(await this.#configuration(registration), input);
    } catch {
      outcome = 'failed';
    }
    const uri = registration.registrationClientUri;
    const token = registration.registrationAccessToken;
    if (uri === undefined || token === undefined) return outcome;
    // RFC 7592 §2.3: DELETE with the registration access token; 204 on success.
    try {
      const res = await providerFetch(
        uri,
        { method: 'DELETE', headers: { authorization: `Bearer ${token}` } },
        'the registration deletion',
      );
      await res.body?.cancel();
      if (res.status !== 204 && res.status !== 200) return 'failed';
    } catch {
      return 'failed';
    }
    return outcome === 'unsupported' ? 'revoked' : outcome;
  }
}
