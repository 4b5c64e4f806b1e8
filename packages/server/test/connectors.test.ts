import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceSchema, type ServiceConfig } from '../src/config/service-schema.js';
import { ConnectorError, type ConnectingUser, type ConnectorTokens } from '../src/connectors/connector.js';
import { MatrixSsoConnector } from '../src/connectors/matrix-sso.js';
import { OAuth2DcrConnector } from '../src/connectors/oauth2-dcr.js';
import { createConnector } from '../src/connectors/registry.js';
import { freePort } from '../src/server.js';
import { startMatrixHomeserver, type MatrixHomeserver } from './helpers/matrix-homeserver.js';
import { PEER_CLIENTS, PEER_RESOURCES, startOAuthPeer, type OAuthPeer } from './helpers/oauth-peer.js';
import { consentAtPeer } from './helpers/peer-consent.js';

const REDIRECT = 'http://127.0.0.1:9/connect/svc/callback';
const user: ConnectingUser = {
  id: 'usr_1',
  issuer: 'https://idp.example',
  subject: 'alice',
  email: 'alice@example.com',
};

function service(connector: Record<string, unknown>): ServiceConfig {
  return serviceSchema.parse({ id: 'svc', name: 'Service', baseUrl: 'https://svc.example/', connector });
}

async function connectorError(promise: Promise<unknown>): Promise<ConnectorError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConnectorError);
  return err as ConnectorError;
}

/** Authorize at the peer, then hand the redirect back to the connector. */
async function connect(
  connector: ReturnType<typeof createConnector>,
  options: { decision?: 'allow' | 'deny'; tamper?: (url: URL) => void } = {},
): Promise<ConnectorTokens> {
  const state = `state-${Math.random().toString(36).slice(2)}`;
  const start = await connector.startAuthorization({ state, redirectUri: REDIRECT, user });
  const callbackUrl = await consentAtPeer(start.url, REDIRECT, options.decision ?? 'allow');
  options.tamper?.(callbackUrl);
  return connector.completeAuthorization({
    callbackUrl,
    state,
    redirectUri: REDIRECT,
    codeVerifier: start.codeVerifier,
    nonce: start.nonce,
    user,
    registration: start.newRegistration,
  });
}

describe('connectors against a real authorization server on loopback (oidc-provider)', () => {
  let peer: OAuthPeer;
  beforeAll(async () => {
    peer = await startOAuthPeer({ redirectUris: [REDIRECT] });
  });
  afterAll(async () => {
    await peer.close();
  });

  const oidcService = (over: Record<string, unknown> = {}) =>
    service({
      type: 'oidc',
      issuer: peer.issuer,
      clientId: PEER_CLIENTS.basic.id,
      clientSecret: PEER_CLIENTS.basic.secret,
      scopes: ['openid', 'offline_access', 'api'],
      resource: PEER_RESOURCES.api.resource,
      audience: PEER_RESOURCES.api.audience,
      ...over,
    });

  describe('oidc: discovery, code + PKCE S256 (RFC 7636), resource (RFC 8707), refresh, revocation (RFC 7009)', () => {
    it('builds the authorization request from discovery', async () => {
      const connector = createConnector(oidcService(), false);
      const start = await connector.startAuthorization({ state: 's1', redirectUri: REDIRECT, user });
      const url = new URL(start.url);
      expect(url.origin).toBe(peer.issuer);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(url.searchParams.get('resource')).toBe(PEER_RESOURCES.api.resource);
      // OIDC Core §11: offline_access needs prompt=consent.
      expect(url.searchParams.get('prompt')).toBe('consent');
      expect(url.searchParams.get('nonce')).toBe(start.nonce);
      expect(start.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    });

    it('exchanges the code for a JWT for the service audience and a refresh token; refreshes; revokes', async () => {
      const connector = createConnector(oidcService(), false);
      const tokens = await connect(connector);
      expect(decodeJwt(tokens.accessToken)).toMatchObject({
        aud: 'peer-api',
        sub: 'peer-user',
        iss: peer.issuer,
      });
      expect(tokens.refreshToken).toBeTruthy();
      expect(tokens.account).toEqual({ issuer: peer.issuer, subject: 'peer-user' });
      expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now());

      const refreshed = await connector.refresh({ refreshToken: tokens.refreshToken!, metadata: {} });
      expect(refreshed.accessToken).not.toBe(tokens.accessToken);
      expect(refreshed.refreshToken).toBeTruthy();
      expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
      expect(decodeJwt(refreshed.accessToken).aud).toBe('peer-api');

      expect(await connector.revoke({ ...refreshed, metadata: {} })).toBe('revoked');
      expect(peer.calls).toContain('POST /token/revocation');
      const afterRevoke = await connectorError(
        connector.refresh({ refreshToken: refreshed.refreshToken!, metadata: {} }),
      );
      expect(afterRevoke).toMatchObject({
        failure: 'invalid_grant',
        retryable: false,
        providerCode: 'invalid_grant',
      });
      // The rotated-out refresh token is dead too (RFC 9700 §4.14.2).
      const reuse = await connectorError(
        connector.refresh({ refreshToken: tokens.refreshToken!, metadata: {} }),
      );
      expect(reuse.failure).toBe('invalid_grant');
    });

    it('refuses a JWT access token minted for another audience', async () => {
      const connector = createConnector(oidcService({ resource: PEER_RESOURCES.other.resource }), false);
      const err = await connectorError(connect(connector));
      expect(err.failure).toBe('audience_mismatch');
    });

    it('refuses an authorization response from another issuer (RFC 9207 §2.4)', async () => {
      const connector = createConnector(oidcService(), false);
      const err = await connectorError(
        connect(connector, {
          tamper: (u) => {
            u.searchParams.set('iss', 'https://evil.example');
          },
        }),
      );
      expect(err.failure).toBe('issuer_mismatch');
    });

    it('reports access_denied when the user declines (RFC 6749 §4.1.2.1)', async () => {
      const err = await connectorError(connect(createConnector(oidcService(), false), { decision: 'deny' }));
      expect(err).toMatchObject({ failure: 'access_denied', retryable: false });
    });

    it('reports invalid_grant for a code the server does not know', async () => {
      const err = await connectorError(
        connect(createConnector(oidcService(), false), {
          tamper: (u) => {
            u.searchParams.set('code', 'forged');
          },
        }),
      );
      expect(err).toMatchObject({ failure: 'invalid_grant', retryable: false });
    });

    it('reports a provider that is down as unavailable and retryable', async () => {
      const port = await freePort('127.0.0.1');
      const connector = createConnector(oidcService({ issuer: `http://127.0.0.1:${port}` }), false);
      const err = await connectorError(
        connector.startAuthorization({ state: 's', redirectUri: REDIRECT, user }),
      );
      expect(err).toMatchObject({ failure: 'unavailable', retryable: true });
    });
  });

  describe('oauth2: explicit endpoints, each token endpoint authentication method (RFC 6749 §2.3)', () => {
    const oauth2Service = (client: 'basic' | 'post' | 'public') =>
      service({
        type: 'oauth2',
        issuer: peer.issuer,
        authorizationEndpoint: `${peer.issuer}/auth`,
        tokenEndpoint: `${peer.issuer}/token`,
        revocationEndpoint: `${peer.issuer}/token/revocation`,
        clientId: PEER_CLIENTS[client].id,
        ...(client === 'public' ? { tokenEndpointAuthMethod: 'none' } : {}),
        ...(client === 'post'
          ? { clientSecret: PEER_CLIENTS.post.secret, tokenEndpointAuthMethod: 'client_secret_post' }
          : {}),
        ...(client === 'basic' ? { clientSecret: PEER_CLIENTS.basic.secret } : {}),
        scopes: ['api'],
        resource: PEER_RESOURCES.api.resource,
        audience: PEER_RESOURCES.api.audience,
      });

    for (const client of ['basic', 'post', 'public'] as const) {
      it(`obtains, refreshes and revokes tokens as the ${client} client`, async () => {
        const connector = createConnector(oauth2Service(client), false);
        const tokens = await connect(connector);
        expect(decodeJwt(tokens.accessToken).aud).toBe('peer-api');
        expect(tokens.account).toBeUndefined(); // no ID token without openid
        const refreshed = await connector.refresh({ refreshToken: tokens.refreshToken!, metadata: {} });
        expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
        expect(await connector.revoke({ ...refreshed, metadata: {} })).toBe('revoked');
      });
    }

    it('checks iss against the configured issuer', async () => {
      const err = await connectorError(
        connect(createConnector(oauth2Service('basic'), false), {
          tamper: (u) => {
            u.searchParams.set('iss', 'http://127.0.0.1:1');
          },
        }),
      );
      expect(err.failure).toBe('issuer_mismatch');
    });
  });

  describe('oauth2-dcr: RFC 7591 registration per user, code + PKCE, RFC 7592 deletion on disconnect', () => {
    it('registers a client, connects with it, refreshes, then revokes and deletes the registration', async () => {
      const connector = createConnector(
        service({
          type: 'oauth2-dcr',
          issuer: peer.issuer,
          clientName: 'Latchkey test',
          scopes: ['openid', 'offline_access', 'api'],
          resource: PEER_RESOURCES.api.resource,
          audience: PEER_RESOURCES.api.audience,
        }),
        false,
      );
      expect(connector).toBeInstanceOf(OAuth2DcrConnector);
      const state = 'dcr-state';
      const start = await connector.startAuthorization({ state, redirectUri: REDIRECT, user });
      const registration = start.newRegistration!;
      expect(registration).toMatchObject({ instanceUrl: peer.issuer });
      expect(registration.clientId).toBeTruthy();
      expect(registration.clientSecret).toBeTruthy();
      expect(registration.registrationAccessToken).toBeTruthy();
      expect(registration.registrationClientUri).toMatch(new RegExp(`^${peer.issuer}/reg/`));
      expect(new URL(start.url).searchParams.get('client_id')).toBe(registration.clientId);

      // An existing registration is reused, not registered again.
      const again = await connector.startAuthorization({
        state: 'x',
        redirectUri: REDIRECT,
        user,
        registration,
      });
      expect(again.newRegistration).toBeUndefined();

      const callbackUrl = await consentAtPeer(start.url, REDIRECT);
      const tokens = await connector.completeAuthorization({
        callbackUrl,
        state,
        redirectUri: REDIRECT,
        codeVerifier: start.codeVerifier,
        nonce: start.nonce,
        user,
        registration,
      });
      expect(decodeJwt(tokens.accessToken).aud).toBe('peer-api');
      expect(tokens.metadata).toEqual({ instanceUrl: peer.issuer });
      const refreshed = await connector.refresh({
        refreshToken: tokens.refreshToken!,
        registration,
        metadata: {},
      });

      expect(await connector.revoke({ ...refreshed, registration, metadata: {} })).toBe('revoked');
      expect(peer.calls.filter((c) => c.startsWith('DELETE /reg/'))).toHaveLength(1);
      // RFC 7592 §2.1: the deleted client's configuration can no longer be read.
      const read = await fetch(registration.registrationClientUri!, {
        headers: { authorization: `Bearer ${registration.registrationAccessToken!}` },
      });
      expect(read.status).toBeGreaterThanOrEqual(400);
    });

    it('fills {username} of an instance pattern from the user', () => {
      const connector = new OAuth2DcrConnector(
        service({ type: 'oauth2-dcr', issuer: 'https://{username}.drive.example.com' }),
        {
          type: 'oauth2-dcr',
          issuer: 'https://{username}.drive.example.com',
          discovery: true,
          endpoints: {},
          clientName: 'L',
          registrationMetadata: {},
          scopes: [],
          pkce: true,
          authorizationParams: {},
        },
        false,
      );
      expect(connector.instanceUrl(user)).toBe('https://alice.drive.example.com');
      expect(connector.instanceUrl({ ...user, email: 'Jean.Dupont@example.com' })).toBe(
        'https://jean-dupont.drive.example.com',
      );
    });
  });
});

describe('matrix-sso against a homeserver following the client-server API', () => {
  let hs: MatrixHomeserver;
  beforeAll(async () => {
    hs = await startMatrixHomeserver();
  });
  afterAll(async () => {
    await hs.close();
  });

  const whoami = (token: string) =>
    fetch(`${hs.url}/_matrix/client/v3/account/whoami`, { headers: { authorization: `Bearer ${token}` } });

  it('SSO redirect → m.login.token login with refresh → refresh → logout', async () => {
    const connector = createConnector(service({ type: 'matrix-sso', homeserver: hs.url }), false);
    expect(connector).toBeInstanceOf(MatrixSsoConnector);
    const start = await connector.startAuthorization({ state: 'mx-state', redirectUri: REDIRECT, user });
    const url = new URL(start.url);
    expect(url.pathname).toBe('/_matrix/client/v3/login/sso/redirect');
    const back = new URL(url.searchParams.get('redirectUrl')!);
    expect(back.searchParams.get('state')).toBe('mx-state');

    const res = await fetch(start.url, { redirect: 'manual' });
    const callbackUrl = new URL(res.headers.get('location')!);
    expect(callbackUrl.searchParams.get('state')).toBe('mx-state');
    expect(callbackUrl.searchParams.get('loginToken')).toBeTruthy();

    const tokens = await connector.completeAuthorization({
      callbackUrl,
      state: 'mx-state',
      redirectUri: REDIRECT,
      user,
    });
    expect(tokens.account).toEqual({ subject: '@peer:localhost' });
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.metadata).toMatchObject({ userId: '@peer:localhost' });
    expect((await whoami(tokens.accessToken)).status).toBe(200);

    // The login token is single use.
    const replay = await connectorError(
      connector.completeAuthorization({ callbackUrl, state: 'mx-state', redirectUri: REDIRECT, user }),
    );
    expect(replay).toMatchObject({ failure: 'invalid_grant', providerCode: 'M_FORBIDDEN' });

    const refreshed = await connector.refresh({ refreshToken: tokens.refreshToken!, metadata: {} });
    expect(refreshed.refreshToken).not.toBe(tokens.refreshToken);
    expect((await whoami(refreshed.accessToken)).status).toBe(200);
    const stale = await connectorError(
      connector.refresh({ refreshToken: tokens.refreshToken!, metadata: {} }),
    );
    expect(stale).toMatchObject({
      failure: 'invalid_grant',
      retryable: false,
      providerCode: 'M_UNKNOWN_TOKEN',
    });

    expect(await connector.revoke({ accessToken: refreshed.accessToken, metadata: {} })).toBe('revoked');
    expect((await whoami(refreshed.accessToken)).status).toBe(401);
  });

  it('reports a homeserver that is down as unavailable', async () => {
    const port = await freePort('127.0.0.1');
    const connector = createConnector(
      service({ type: 'matrix-sso', homeserver: `http://127.0.0.1:${port}` }),
      false,
    );
    const err = await connectorError(connector.refresh({ refreshToken: 'x', metadata: {} }));
    expect(err).toMatchObject({ failure: 'unavailable', retryable: true });
  });
});
