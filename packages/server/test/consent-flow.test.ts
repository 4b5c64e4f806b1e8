import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { sha256Hex } from '../src/crypto/hash.js';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import {
  auditEvents,
  clientRegistrations,
  connectionAuthorizations,
  connections,
} from '../src/store/schema/index.js';
import { browse, CookieJar, type Page } from './helpers/browser-jar.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { PEER_CLIENTS, PEER_RESOURCES, startOAuthPeer, type OAuthPeer } from './helpers/oauth-peer.js';
import { startMatrixHomeserver, type MatrixHomeserver } from './helpers/matrix-homeserver.js';
import { consentAtPeer } from './helpers/peer-consent.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * The consent flow of SPEC §4.2 through Latchkey's HTTP API, against a real authorization server
 * on loopback: every way a callback can be wrong ends on the error page with nothing stored.
 */
describe.each(storeTiers())('consent flow and its refusals ($name)', (tier) => {
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let peer: OAuthPeer;
  let homeserver: MatrixHomeserver;
  let base: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    if (!tier.available) return;
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    peer = await startOAuthPeer({
      redirectUris: [`${base}/connect/peer/callback`, `${base}/connect/peer-other/callback`],
    });
    const downPort = await freePort('127.0.0.1');
    homeserver = await startMatrixHomeserver();
    const oidc = (resource: string, issuer = peer.issuer) => ({
      type: 'oidc' as const,
      issuer,
      clientId: PEER_CLIENTS.basic.id,
      clientSecret: PEER_CLIENTS.basic.secret,
      scopes: ['openid', 'offline_access', 'api'],
      resource,
      audience: PEER_RESOURCES.api.audience,
    });
    server = await startServer(
      testConfig(data.dir, {
        server: { port },
        services: [
          {
            id: 'peer',
            name: 'Peer API',
            baseUrl: 'https://api.peer.test/',
            connector: oidc(PEER_RESOURCES.api.resource),
          },
          {
            id: 'peer-other',
            name: 'Peer (wrong audience)',
            baseUrl: 'https://other.peer.test/',
            connector: oidc(PEER_RESOURCES.other.resource),
          },
          {
            id: 'drive',
            name: 'Drive (dynamic registration)',
            baseUrl: 'https://drive.peer.test/',
            connector: {
              type: 'oauth2-dcr',
              issuer: peer.issuer,
              scopes: ['openid', 'offline_access', 'api'],
              resource: PEER_RESOURCES.api.resource,
              audience: PEER_RESOURCES.api.audience,
            },
          },
          {
            id: 'chat',
            name: 'Chat',
            baseUrl: `${homeserver.url}/`,
            connector: { type: 'matrix-sso', homeserver: homeserver.url },
          },
          {
            id: 'peer-down',
            name: 'Peer (down)',
            baseUrl: 'https://down.peer.test/',
            connector: oidc(PEER_RESOURCES.api.resource, `http://127.0.0.1:${downPort}`),
          },
        ],
      }),
      { store },
    );
    for (const user of ['alice', 'adam']) {
      const res = await fetch(`${base}/dev-idp/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user }),
      });
      tokens[user] = ((await res.json()) as { access_token: string }).access_token;
    }
  });
  afterAll(async () => {
    if (!tier.available) return;
    await server.close();
    await peer.close();
    await homeserver.close();
    await dispose();
    data.cleanup();
  });

  function api(user: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${tokens[user] ?? ''}`);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${base}${path}`, { ...init, headers });
  }

  async function startConsent(service: string, user = 'alice'): Promise<URL> {
    const res = await api(user, '/api/v1/connections', { method: 'POST', body: JSON.stringify({ service }) });
    expect(res.status, await res.clone().text()).toBe(202);
    return new URL(((await res.json()) as { authorizationUrl: string }).authorizationUrl);
  }

  async function storedConnections(): Promise<number> {
    return store.db.$count(connections);
  }

  async function lastRejection(): Promise<Record<string, unknown> | undefined> {
    const rows = await store.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'connection.callback_rejected'));
    return rows.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime()).at(-1)?.metadata;
  }

  /** The error page: reason named, no referrer, no asset from anywhere, nothing stored. */
  async function expectRefused(page: Page, reason: string, status = 400): Promise<void> {
    expect(page.status, page.body).toBe(status);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.body).toContain(`<code>${reason}</code>`);
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.headers.getSetCookie()).toEqual([]);
    expect(await lastRejection()).toEqual({ reason });
  }

  const callbackPrefix = () => `${base}/connect/`;

  /** Every row of every table, as text: what a database dump would hold. */
  async function dumpDatabase(): Promise<string> {
    return store.withClient(async (client) => {
      const tables = await client.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public'`,
      );
      const parts: string[] = [];
      for (const { tablename } of tables.rows) {
        const rows = await client.query<{ row: string }>(`select t::text as row from "${tablename}" t`);
        parts.push(...rows.rows.map((r) => r.row));
      }
      return parts.join('\n');
    });
  }

  it.skipIf(!tier.available)('refuses a state it never issued', async () => {
    const before = await storedConnections();
    const page = await browse(
      new CookieJar(),
      new URL(`${base}/connect/peer/callback?code=abc&state=forged-state`),
    );
    await expectRefused(page, 'unknown');
    expect(await storedConnections()).toBe(before);
  });

  it.skipIf(!tier.available)('refuses an expired state (10 minutes)', async () => {
    const url = await startConsent('peer');
    const stateHash = sha256Hex(url.searchParams.get('state') ?? '');
    const callback = await consentAtPeer(url.href, callbackPrefix());
    await store.db
      .update(connectionAuthorizations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(connectionAuthorizations.stateHash, stateHash));
    await expectRefused(await browse(new CookieJar(), callback), 'expired');
    expect(await storedConnections()).toBe(0);
  });

  it.skipIf(!tier.available)('refuses a state started by another user', async () => {
    const callback = await consentAtPeer((await startConsent('peer', 'alice')).href, callbackPrefix());
    const page = await browse(new CookieJar(), callback, {
      headers: { authorization: `Bearer ${tokens.adam ?? ''}` },
    });
    await expectRefused(page, 'other_user');
    expect(await storedConnections()).toBe(0);
    // The state was consumed: alice herself cannot use it afterwards either.
    await expectRefused(await browse(new CookieJar(), callback), 'used');
  });

  it.skipIf(!tier.available)('refuses an authorization response from another issuer (RFC 9207)', async () => {
    const callback = await consentAtPeer((await startConsent('peer')).href, callbackPrefix());
    expect(callback.searchParams.get('iss')).toBe(peer.issuer);
    callback.searchParams.set('iss', 'https://evil.example');
    await expectRefused(await browse(new CookieJar(), callback), 'issuer_mismatch');
    expect(await storedConnections()).toBe(0);
  });

  it.skipIf(!tier.available)('refuses a token minted for another audience', async () => {
    const callback = await consentAtPeer((await startConsent('peer-other')).href, callbackPrefix());
    await expectRefused(await browse(new CookieJar(), callback), 'audience_mismatch');
    expect(await storedConnections()).toBe(0);
  });

  it.skipIf(!tier.available)('shows access_denied when the user declines at the provider', async () => {
    const callback = await consentAtPeer((await startConsent('peer')).href, callbackPrefix(), 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    await expectRefused(await browse(new CookieJar(), callback), 'access_denied');
    expect(await storedConnections()).toBe(0);
  });

  it.skipIf(!tier.available)('shows invalid_grant when the provider refuses the code', async () => {
    const callback = await consentAtPeer((await startConsent('peer')).href, callbackPrefix());
    callback.searchParams.set('code', 'not-a-code-the-peer-issued');
    await expectRefused(await browse(new CookieJar(), callback), 'invalid_grant');
    expect(await storedConnections()).toBe(0);
  });

  let aliceConnection = '';

  it.skipIf(!tier.available)('connects, then refuses the same callback again (single use)', async () => {
    const callback = await consentAtPeer((await startConsent('peer')).href, callbackPrefix());
    const done = await browse(new CookieJar(), callback);
    expect(done.status).toBe(303);
    expect(done.location?.pathname).toBe('/tokens');
    const { items } = (await (await api('alice', '/api/v1/connections')).json()) as {
      items: { id: string; service: string; status: string; account: string | null }[];
    };
    expect(items).toEqual([
      expect.objectContaining({ service: 'peer', status: 'active', account: 'peer-user' }),
    ]);
    aliceConnection = items[0]?.id ?? '';

    await expectRefused(await browse(new CookieJar(), callback), 'used');
    expect(await storedConnections()).toBe(1);
  });

  it.skipIf(!tier.available)('keeps no plaintext token anywhere in the database', async () => {
    const [row] = await store.db.select().from(connections).where(eq(connections.id, aliceConnection));
    const keyring = server.services.keyring;
    const secrets = [
      openToken(keyring, aliceConnection, 'access_token', row!.accessTokenEnc!),
      openToken(keyring, aliceConnection, 'refresh_token', row!.refreshTokenEnc!),
    ];
    const dump = await dumpDatabase();
    expect(dump).toContain(aliceConnection);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(20);
      expect(dump).not.toContain(secret);
      // Not even a JWT's signature or payload part.
      for (const part of secret.split('.')) if (part.length > 16) expect(dump).not.toContain(part);
    }
  });

  it.skipIf(!tier.available)(
    'marks the connection needs_consent when the provider answers invalid_grant to a refresh',
    async () => {
      const [row] = await store.db.select().from(connections).where(eq(connections.id, aliceConnection));
      const refreshToken = openToken(
        server.services.keyring,
        aliceConnection,
        'refresh_token',
        row!.refreshTokenEnc!,
      );
      // The grant is revoked at the provider behind Latchkey's back (RFC 7009).
      const revoked = await fetch(`${peer.issuer}/token/revocation`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${PEER_CLIENTS.basic.id}:${PEER_CLIENTS.basic.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }),
      });
      expect(revoked.status).toBe(200);

      const res = await api('alice', `/api/v1/connections/${aliceConnection}/refresh`, { method: 'POST' });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ code: 'connection_needs_consent' });
      const shown = await api('alice', `/api/v1/connections/${aliceConnection}`);
      expect(await shown.json()).toMatchObject({ status: 'needs_consent' });
      const failed = await store.db
        .select()
        .from(auditEvents)
        .where(
          and(eq(auditEvents.action, 'connection.refresh_failed'), eq(auditEvents.targetId, aliceConnection)),
        );
      expect(failed[0]?.metadata).toMatchObject({ failure: 'invalid_grant', retryable: false });
      // Connecting again asks for a new consent.
      expect(
        (
          await api('alice', '/api/v1/connections', {
            method: 'POST',
            body: JSON.stringify({ service: 'peer' }),
          })
        ).status,
      ).toBe(202);
    },
  );

  it.skipIf(!tier.available)(
    'oauth2-dcr: keeps the registration encrypted, and deletes it (RFC 7592) on disconnect',
    async () => {
      const url = await startConsent('drive');
      const [registration] = await store.db.select().from(clientRegistrations);
      expect(registration?.clientId).toBe(url.searchParams.get('client_id'));
      expect(registration?.registrationEnc).toMatch(/^lk1\./);
      const secrets = server.services.keyring.decryptString(registration!.registrationEnc, {
        table: 'client_registrations',
        rowId: registration!.id,
        field: 'registration',
      });
      const { clientSecret, registrationAccessToken } = JSON.parse(secrets) as Record<string, string>;
      expect(clientSecret).toBeTruthy();
      const dump = await dumpDatabase();
      for (const secret of [clientSecret, registrationAccessToken]) {
        expect(secret?.length).toBeGreaterThan(16);
        expect(dump).not.toContain(secret);
      }

      const done = await browse(new CookieJar(), await consentAtPeer(url.href, callbackPrefix()));
      expect(done.status).toBe(303);
      const { items } = (await (await api('alice', '/api/v1/connections')).json()) as {
        items: { id: string; service: string; status: string }[];
      };
      const drive = items.find((c) => c.service === 'drive');
      expect(drive?.status).toBe('active');
      const [row] = await store.db.select().from(connections).where(eq(connections.id, drive!.id));
      expect(row?.registrationId).toBe(registration!.id);

      const removed = await api('alice', `/api/v1/connections/${drive!.id}`, { method: 'DELETE' });
      expect(removed.status).toBe(204);
      expect(await store.db.$count(clientRegistrations)).toBe(0);
      expect(peer.calls).toContain(`DELETE /reg/${registration!.clientId}`);
      const read = await fetch(`${peer.issuer}/reg/${registration!.clientId}`, {
        headers: { authorization: `Bearer ${registrationAccessToken ?? ''}` },
      });
      expect(read.status).toBeGreaterThanOrEqual(400);
    },
  );

  it.skipIf(!tier.available)(
    'matrix-sso: SSO redirect back with loginToken and our state, then a stored device login',
    async () => {
      const url = await startConsent('chat');
      const sso = await fetch(url, { redirect: 'manual' });
      const callback = new URL(sso.headers.get('location') ?? '');
      expect(callback.href.startsWith(`${base}/connect/chat/callback?state=`)).toBe(true);
      expect(callback.searchParams.get('loginToken')).toBeTruthy();
      const done = await browse(new CookieJar(), callback);
      expect(done.status).toBe(303);
      const { items } = (await (await api('alice', '/api/v1/connections')).json()) as {
        items: {
          id: string;
          service: string;
          status: string;
          account: string | null;
          refreshable: boolean;
        }[];
      };
      expect(items.find((c) => c.service === 'chat')).toMatchObject({
        status: 'active',
        account: '@peer:localhost',
        refreshable: true,
      });
      // A replayed SSO callback is refused like any other.
      await expectRefused(await browse(new CookieJar(), callback), 'used');
    },
  );

  it.skipIf(!tier.available)('answers 503 provider_unavailable when the provider is down', async () => {
    const res = await api('alice', '/api/v1/connections', {
      method: 'POST',
      body: JSON.stringify({ service: 'peer-down' }),
    });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ code: 'provider_unavailable' });
  });

  it.skipIf(!tier.available)('answers 404 unknown_service for a service not in the catalogue', async () => {
    const res = await api('alice', '/api/v1/connections', {
      method: 'POST',
      body: JSON.stringify({ service: 'nope' }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'unknown_service' });
  });
});
