import type { ServiceConfig } from '../config/service-schema.js';
import {
  ConnectorError,
  type AuthorizationStart,
  type CompleteInput,
  type Connector,
  type ConnectorTokens,
  type RefreshInput,
  type RevocationOutcome,
  type RevokeInput,
} from './connector.js';
import { providerFetch, readProviderJson } from './provider-errors.js';

type MatrixSettings = Extract<ServiceConfig['connector'], { type: 'matrix-sso' }>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * `matrix-sso`, on the Matrix client-server API (v1.x):
 * - `GET /_matrix/client/v3/login/sso/redirect[/{idpId}]?redirectUrl=…` sends the browser through
 *   the homeserver's SSO, which comes back to `redirectUrl` with a `loginToken` (§SSO client login);
 * - `POST /_matrix/client/v3/login` `{type: m.login.token, refresh_token: true}` turns it into an
 *   access token, a refresh token and a device (§Login, §Refreshing access tokens);
 * - `POST /_matrix/client/v3/refresh` rotates them; `POST /_matrix/client/v3/logout` invalidates
 *   the access token and its device (§Logout).
 * Matrix SSO carries no `state` of its own, so ours rides in the redirect URL's query.
 */
export class MatrixSsoConnector implements Connector {
  readonly type = 'matrix-sso' as const;
  readonly service: ServiceConfig;
  readonly #settings: MatrixSettings;
  readonly #base: string;

  constructor(service: ServiceConfig, settings: MatrixSettings) {
    this.service = service;
    this.#settings = settings;
    this.#base = `${settings.homeserver.replace(/\/+$/, '')}/_matrix/client/v3`;
  }

  async startAuthorization(input: { state: string; redirectUri: string }): Promise<AuthorizationStart> {
    const back = new URL(input.redirectUri);
    back.searchParams.set('state', input.state);
    const idp = this.#settings.idpId === undefined ? '' : `/${encodeURIComponent(this.#settings.idpId)}`;
    const url = new URL(`${this.#base}/login/sso/redirect${idp}`);
    url.searchParams.set('redirectUrl', back.href);
    return { url: url.href };
  }

  #tokens(body: Record<string, unknown>, doing: string): ConnectorTokens {
    const accessToken = str(body.access_token);
    if (accessToken === undefined)
      throw new ConnectorError('protocol', `the answer to ${doing} has no access_token`);
    const expiresInMs = typeof body.expires_in_ms === 'number' ? body.expires_in_ms : undefined;
    const userId = str(body.user_id);
    const deviceId = str(body.device_id);
    return {
      accessToken,
      refreshToken: str(body.refresh_token),
      tokenType: 'Bearer',
      expiresAt: expiresInMs === undefined ? undefined : new Date(Date.now() + expiresInMs),
      scopes: [],
      account: userId === undefined ? undefined : { subject: userId },
      metadata: deviceId === undefined ? undefined : { deviceId, userId },
    };
  }

  async completeAuthorization(input: CompleteInput): Promise<ConnectorTokens> {
    const loginToken = input.callbackUrl.searchParams.get('loginToken');
    if (loginToken === null || loginToken === '') {
      throw new ConnectorError('access_denied', 'the homeserver sent no login token');
    }
    const res = await providerFetch(
      `${this.#base}/login`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'm.login.token',
          token: loginToken,
          initial_device_display_name: this.#settings.deviceDisplayName,
          refresh_token: true,
        }),
      },
      'the login',
    );
    return this.#tokens(await readProviderJson(res, 'the login'), 'the login');
  }

  async refresh(input: RefreshInput): Promise<ConnectorTokens> {
    const res = await providerFetch(
      `${this.#base}/refresh`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: input.refreshToken }),
      },
      'the refresh',
    );
    return this.#tokens(await readProviderJson(res, 'the refresh'), 'the refresh');
  }

  async revoke(input: RevokeInput): Promise<RevocationOutcome> {
    if (input.accessToken === undefined) return 'unsupported';
    try {
      const res = await providerFetch(
        `${this.#base}/logout`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${input.accessToken}`, 'content-type': 'application/json' },
          body: '{}',
        },
        'the logout',
      );
      await readProviderJson(res, 'the logout');
      return 'revoked';
    } catch {
      return 'failed';
    }
  }
}
