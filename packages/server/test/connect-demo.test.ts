import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { auditEvents, connectionAuthorizations, connections } from '../src/store/schema/index.js';
import { browse, CookieJar, followUntil, submitForm } from './helpers/browser-jar.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { storeTiers } from './helpers/store-tiers.js';

interface ConnectionBody {
  id: string;
  service: string;
  status: string;
  expiresAt: string | null;
  refreshable: boolean;
  scopes: string[];
}

/**
 * The embedded default's tour, step one: a demo user connects the demo service through the normal
 * `oidc` connector and consent flow against the development IdP (a real oidc-provider), and the
 * stored token is one the demo API accepts — a JWT for audience `demo`.
 */
describe.each(storeTiers())('connecting the embedded demo service ($name)', (tier) => {
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;

  beforeAll(async () => {
    if (!tier.available) return;
    ({ store, dispose } = await tier.open());
    server = await startServer(testConfig(data.dir), { store });
  });
  afterAll(async () => {
    if (!tier.available) return;
    await server.close();
    await dispose();
    data.cleanup();
  });

  const at = (path: string): URL => new URL(path, server.url);

  async function idpToken(user: string): Promise<string> {
    const res = await fetch(at('/dev-idp/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  function api(token: string, path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token}`);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(at(path), { ...init, headers });
  }

  /** Consent in the development IdP as `user`, up to the redirect back to Latchkey. */
  async function consentAs(
    authorizationUrl: string,
    user: string,
  ): Promise<{ jar: CookieJar; callback: URL }> {
    const jar = new CookieJar();
    const isCallback = (u: URL) => u.pathname.startsWith('/connect/');
    const { page } = await followUntil(jar, new URL(authorizationUrl), isCallback);
    expect(page.status, page.body).toBe(200);
    expect(page.url.pathname).toMatch(/^\/dev-idp\/interaction\//);
    const posted = await submitForm(jar, page, { user });
    const location = posted.location;
    if (location === undefined) expect.fail(`the IdP did not redirect (${posted.status})`);
    const { stoppedAt } = isCallback(location)
      ? { stoppedAt: location }
      : await followUntil(jar, location, isCallback);
    if (stoppedAt === undefined) expect.fail('the IdP did not come back to Latchkey');
    return { jar, callback: stoppedAt };
  }

  it.skipIf(!tier.available)(
    'answers 202 consent_required with a PKCE + resource authorization URL',
    async () => {
      const token = await idpToken('alice');
      const res = await api(token, '/api/v1/connections', {
        method: 'POST',
        body: JSON.stringify({ service: 'demo' }),
      });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { status: string; authorizationUrl: string; expiresAt: string };
      expect(body.status).toBe('consent_required');
      const url = new URL(body.authorizationUrl);
      expect(url.origin + url.pathname).toBe(`${server.url}/dev-idp/auth`);
      expect(url.searchParams.get('client_id')).toBe('latchkey-demo');
      expect(url.searchParams.get('redirect_uri')).toBe(`${server.url}/connect/demo/callback`);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
      expect(url.searchParams.get('resource')).toBe(`${server.url}/demo-api/`);
      expect(url.searchParams.get('scope')?.split(' ')).toEqual(['openid', 'offline_access', 'notes']);
      const ttl = Date.parse(body.expiresAt) - Date.now();
      expect(ttl).toBeGreaterThan(9 * 60_000);
      expect(ttl).toBeLessThanOrEqual(10 * 60_000);

      // The pending authorization keeps a hash of the state, never the state itself.
      const state = url.searchParams.get('state') ?? '';
      const rows = await store.db.select().from(connectionAuthorizations);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.stateHash).not.toBe(state);
        expect(row.codeVerifierEnc).toMatch(/^lk1\./);
      }
    },
  );

  it.skipIf(!tier.available)(
    'connects alice end to end; the token is a demo-audience JWT the demo API accepts',
    async () => {
      const token = await idpToken('alice');
      const start = await api(token, '/api/v1/connections', {
        method: 'POST',
        body: JSON.stringify({ service: 'demo', returnTo: '/console/connections' }),
      });
      const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
      const { jar, callback } = await consentAs(authorizationUrl, 'alice');
      expect(callback.pathname).toBe('/connect/demo/callback');
      // RFC 9207: the development IdP names itself in the response.
      expect(callback.searchParams.get('iss')).toBe(`${server.url}/dev-idp`);

      const done = await browse(jar, callback);
      expect(done.status).toBe(303);
      expect(done.headers.get('referrer-policy')).toBe('no-referrer');
      expect(done.location?.href).toBe(`${server.url}/console/connections?connected=demo`);

      const list = await api(token, '/api/v1/connections');
      expect(list.status).toBe(200);
      const { items } = (await list.json()) as { items: ConnectionBody[] };
      expect(items).toHaveLength(1);
      const connection = items[0]!;
      expect(connection).toMatchObject({ service: 'demo', status: 'active', refreshable: true });
      expect(connection.id).toMatch(/^con_/);
      expect(Date.parse(connection.expiresAt ?? '')).toBeGreaterThan(Date.now());
      expect(JSON.stringify(items)).not.toMatch(/eyJ/); // no JWT, no token of any kind

      // The stored token is what the demo API wants: a JWT for audience demo, signed by the dev IdP.
      const [row] = await store.db.select().from(connections).where(eq(connections.id, connection.id));
      const accessToken = openToken(server.services.keyring, row!.id, 'access_token', row!.accessTokenEnc!);
      const [, payload = ''] = accessToken.split('.');
      expect(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'))).toMatchObject({
        aud: 'demo',
        sub: 'alice',
        iss: `${server.url}/dev-idp`,
      });
      const created = await api(accessToken, '/demo-api/notes', {
        method: 'POST',
        body: JSON.stringify({ title: 'hello', body: 'from the tour' }),
      });
      expect(created.status).toBe(201);
      const notes = await api(accessToken, '/demo-api/notes');
      expect(((await notes.json()) as { items: { title: string }[] }).items.map((n) => n.title)).toEqual([
        'hello',
      ]);

      // A Latchkey-audience token is not a demo token.
      const refused = await api(token, '/demo-api/notes');
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="demo", error="invalid_token"/);

      // Connecting again answers the usable connection.
      const again = await api(token, '/api/v1/connections', {
        method: 'POST',
        body: JSON.stringify({ service: 'demo' }),
      });
      expect(again.status).toBe(200);
      expect(((await again.json()) as ConnectionBody).id).toBe(connection.id);

      const actions = (await store.db.select().from(auditEvents)).map((e) => e.action);
      expect(actions).toContain('connection.consent_started');
      expect(actions).toContain('connection.created');
    },
  );

  it.skipIf(!tier.available)(
    'refuses a consent given at the IdP by another account than the one who asked',
    async () => {
      // adam has no demo connection yet; the consent screen is answered by alice's account instead.
      const token = await idpToken('adam');
      const start = await api(token, '/api/v1/connections', {
        method: 'POST',
        body: JSON.stringify({ service: 'demo' }),
      });
      expect(start.status).toBe(202);
      const { authorizationUrl } = (await start.json()) as { authorizationUrl: string };
      const { jar, callback } = await consentAs(authorizationUrl, 'alice');
      const page = await browse(jar, callback);
      expect(page.status).toBe(400);
      expect(page.body).toContain('<code>account_mismatch</code>');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const list = await api(token, '/api/v1/connections');
      expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
    },
  );

  it.skipIf(!tier.available)('refreshes through the connector, rotating the refresh token', async () => {
    const token = await idpToken('alice');
    const { items } = (await (await api(token, '/api/v1/connections')).json()) as { items: ConnectionBody[] };
    const id = items[0]!.id;
    const [before] = await store.db.select().from(connections).where(eq(connections.id, id));
    const res = await api(token, `/api/v1/connections/${id}/refresh`, { method: 'POST' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as ConnectionBody).status).toBe('active');
    const [after] = await store.db.select().from(connections).where(eq(connections.id, id));
    expect(after!.version).toBe(before!.version + 1);
    expect(after!.lastRefreshedAt).not.toBeNull();
    const oldRefresh = openToken(server.services.keyring, id, 'refresh_token', before!.refreshTokenEnc!);
    const newRefresh = openToken(server.services.keyring, id, 'refresh_token', after!.refreshTokenEnc!);
    expect(newRefresh).not.toBe(oldRefresh);
    const actions = (await store.db.select().from(auditEvents)).map((e) => e.action);
    expect(actions).toContain('connection.refreshed');
  });

  it.skipIf(!tier.available)(
    'shares one refresh between concurrent callers (a reused refresh token would kill the grant)',
    async () => {
      const token = await idpToken('alice');
      const { items } = (await (await api(token, '/api/v1/connections')).json()) as {
        items: ConnectionBody[];
      };
      const id = items[0]!.id;
      const countRefreshed = async () =>
        (await store.db.select().from(auditEvents).where(eq(auditEvents.action, 'connection.refreshed')))
          .length;
      const before = await countRefreshed();
      const answers = await Promise.all(
        [1, 2, 3].map(() => api(token, `/api/v1/connections/${id}/refresh`, { method: 'POST' })),
      );
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(await countRefreshed()).toBe(before + 1);
      // The grant survived: a later refresh still works.
      const later = await api(token, `/api/v1/connections/${id}/refresh`, { method: 'POST' });
      expect(later.status).toBe(200);
      expect(((await later.json()) as ConnectionBody).status).toBe('active');
    },
  );

  it.skipIf(!tier.available)(
    'disconnects: revokes at the IdP (RFC 7009), removes the row, audits',
    async () => {
      const token = await idpToken('alice');
      const { items } = (await (await api(token, '/api/v1/connections')).json()) as {
        items: ConnectionBody[];
      };
      const id = items[0]!.id;
      const [row] = await store.db.select().from(connections).where(eq(connections.id, id));
      const accessToken = openToken(server.services.keyring, id, 'access_token', row!.accessTokenEnc!);
      const refreshToken = openToken(server.services.keyring, id, 'refresh_token', row!.refreshTokenEnc!);

      const res = await api(token, `/api/v1/connections/${id}`, {
        method: 'DELETE',
        headers: { origin: server.url },
      });
      expect(res.status).toBe(204);
      expect((await api(token, `/api/v1/connections/${id}`)).status).toBe(404);

      // The IdP no longer honours the refresh token.
      const grant = await fetch(at('/dev-idp/oauth/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: 'latchkey-demo',
        }),
      });
      expect(grant.status).toBeGreaterThanOrEqual(400);
      expect(accessToken.length).toBeGreaterThan(0);
      const [event] = await store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.action, 'connection.revoked'));
      expect(event?.metadata).toMatchObject({ service: 'demo', providerRevocation: 'revoked' });
    },
  );
});
