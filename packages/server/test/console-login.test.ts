import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/crypto/hash.js';
import { sessions } from '../src/store/schema/index.js';
import { openStore, type Store } from '../src/store/db.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDataDir, testConfig } from './helpers/config.js';

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * The cookie handling of a browser, for one origin: Path scoping (RFC 6265 §5.1.4, §5.4) and
 * deletion by Max-Age/Expires, so a cookie set for the wrong path is not sent where it is needed.
 */
class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();

  receive(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname.slice(0, Math.max(1, url.pathname.lastIndexOf('/')));
      let expired = false;
      for (const attribute of attributes) {
        const [key = '', v = ''] = attribute.split('=', 2).map((s) => s.trim());
        if (/^path$/i.test(key) && v.startsWith('/')) path = v;
        if (/^max-age$/i.test(key) && Number(v) <= 0) expired = true;
        if (/^expires$/i.test(key) && Date.parse(v) <= Date.now()) expired = true;
      }
      const key = `${name}\u0000${path}`;
      if (expired) this.#cookies.delete(key);
      else this.#cookies.set(key, { name, value, path });
    }
  }

  header(url: URL): string | undefined {
    const sent = [...this.#cookies.values()].filter(
      (c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`),
    );
    return sent.length === 0 ? undefined : sent.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  value(name: string): string | undefined {
    return [...this.#cookies.values()].find((c) => c.name === name)?.value;
  }
}

interface Page {
  url: URL;
  status: number;
  headers: Headers;
  body: string;
  /** The redirect target, resolved against the page URL. */
  location: URL | undefined;
}

/** One request the way a browser makes it: cookies from the jar, redirects not followed. */
async function browse(jar: CookieJar, url: URL, init: RequestInit = {}): Promise<Page> {
  const headers = new Headers(init.headers);
  const cookie = jar.header(url);
  if (cookie !== undefined) headers.set('cookie', cookie);
  const res = await fetch(url, { ...init, headers, redirect: 'manual' });
  jar.receive(url, res.headers);
  const location = res.headers.get('location');
  return {
    url,
    status: res.status,
    headers: res.headers,
    body: await res.text(),
    location: location === null ? undefined : new URL(location, url),
  };
}

function captureLog(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('console sign-in (OIDC code + PKCE)', () => {
  const data = tempDataDir();
  const log = captureLog();
  let store: Store;
  let server: RunningServer;
  /** Values that must never reach the log: session cookies, codes, states. */
  const secrets: string[] = [];

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(testConfig(data.dir, { log: { level: 'trace' } }), {
      store,
      logStream: log.stream,
    });
  });

  afterAll(async () => {
    await server.close();
    await store.close();
    data.cleanup();
  });

  const at = (path: string): URL => new URL(path, server.url);

  /**
   * Drives a sign-in up to the redirect back to Latchkey: /auth/login → the development IdP's
   * authorization endpoint → its demo-user page → pick `user` → back to /auth/callback.
   */
  async function reachCallback(
    user: string,
    returnTo?: string,
    options: { operator?: boolean } = {},
  ): Promise<{ jar: CookieJar; authorize: URL; callback: URL }> {
    const jar = new CookieJar();
    const query = new URLSearchParams();
    if (returnTo !== undefined) query.set('returnTo', returnTo);
    if (options.operator === true) query.set('operator', '1');
    const login = await browse(jar, at(`/auth/login${query.size === 0 ? '' : `?${query.toString()}`}`));
    expect(login.status).toBe(302);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const authorize = login.location;
    if (authorize === undefined) throw new Error('/auth/login did not redirect');

    let page = await browse(jar, authorize);
    for (let hops = 0; page.location !== undefined && hops < 5; hops += 1)
      page = await browse(jar, page.location);
    expect(page.status).toBe(200);
    expect(page.url.pathname).toMatch(/^\/dev-idp\/interaction\/[^/]+$/);
    const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
    if (action === undefined) throw new Error('the sign-in page has no form');

    let next = await browse(jar, new URL(action, page.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user }).toString(),
    });
    for (let hops = 0; hops < 5; hops += 1) {
      if (next.location === undefined || next.location.pathname === '/auth/callback') break;
      next = await browse(jar, next.location);
    }
    const callback = next.location;
    if (callback?.pathname !== '/auth/callback') {
      throw new Error(`the IdP did not send the browser back (status ${next.status})`);
    }
    secrets.push(callback.searchParams.get('code') ?? '', callback.searchParams.get('state') ?? '');
    return { jar, authorize, callback };
  }

  /** A complete sign-in; answers the jar holding the session cookie. */
  async function signIn(user: string, options: { operator?: boolean } = {}): Promise<CookieJar> {
    const { jar, callback } = await reachCallback(user, undefined, options);
    const finish = await browse(jar, callback);
    expect(finish.status).toBe(303);
    const cookie = jar.value('lk_session');
    if (cookie === undefined) throw new Error('no session cookie');
    secrets.push(cookie);
    return jar;
  }

  async function meWith(jar: CookieJar): Promise<Page> {
    return browse(jar, at('/api/v1/me'));
  }

  async function sessionCount(): Promise<number> {
    return store.db.$count(sessions);
  }

  let aliceCallback: URL;

  it('signs alice in: PKCE S256, state and nonce, then an HttpOnly SameSite=Lax session', async () => {
    const { jar, authorize, callback } = await reachCallback('alice', '/console/tokens?tab=mine');
    aliceCallback = callback;

    expect(authorize.origin).toBe(server.url);
    expect(authorize.pathname).toBe('/dev-idp/auth');
    const params = authorize.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('redirect_uri')).toBe(`${server.url}/auth/callback`);
    expect(params.get('code_challenge_method')).toBe('S256');
    // RFC 7636 §4.2: BASE64URL(SHA-256(verifier)) is 43 characters.
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(params.get('nonce')?.length).toBeGreaterThanOrEqual(16);
    expect(params.get('scope')?.split(' ')).toContain('openid');
    // The IdP returns the same state (RFC 6749 §4.1.2) and a code.
    expect(callback.searchParams.get('state')).toBe(params.get('state'));
    expect(callback.searchParams.get('code')).toBeTruthy();

    const before = await sessionCount();
    const finish = await browse(jar, callback);
    expect(finish.status).toBe(303);
    expect(finish.location?.href).toBe(`${server.url}/console/tokens?tab=mine`);
    const setCookie = finish.headers.getSetCookie().find((c) => c.startsWith('lk_session='));
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/;\s*HttpOnly(;|$)/i);
    expect(setCookie).toMatch(/;\s*SameSite=Lax(;|$)/i);
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/i);
    expect(await sessionCount()).toBe(before + 1);
    secrets.push(jar.value('lk_session') ?? '');

    const me = await meWith(jar);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({
      credential: 'session',
      user: {
        subject: 'alice',
        issuer: `${server.url}/dev-idp`,
        email: 'alice@demo.test',
        platformAdmin: false,
      },
      tenant: { slug: 'demo', role: 'member' },
      operator: false,
    });
  });

  it('refuses a replayed callback: 400 login_failed and no new session', async () => {
    const before = await sessionCount();
    const replay = await browse(new CookieJar(), aliceCallback);
    expect(replay.status).toBe(400);
    expect(replay.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(replay.body)).toMatchObject({ code: 'login_failed' });
    expect(replay.headers.getSetCookie().some((c) => c.startsWith('lk_session='))).toBe(false);
    expect(await sessionCount()).toBe(before);
  });

  it('refuses a callback whose state it never issued', async () => {
    const before = await sessionCount();
    const forged = at(
      `/auth/callback?code=${randomBytes(16).toString('hex')}&state=${randomBytes(32).toString('base64url')}`,
    );
    for (const url of [forged, at('/auth/callback?code=abc')]) {
      const res = await browse(new CookieJar(), url);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'login_failed' });
    }
    expect(await sessionCount()).toBe(before);
  });

  it('does not turn returnTo into an open redirect', async () => {
    for (const returnTo of ['//evil.example', '/\\evil.example', 'https://evil.example/']) {
      const { jar, callback } = await reachCallback('gina', returnTo);
      const finish = await browse(jar, callback);
      expect(finish.status).toBe(303);
      expect(finish.location?.href).toBe(`${server.url}/`);
    }
  });

  it('checks Origin on sign-out (CSRF), then the session is gone', async () => {
    const jar = await signIn('alice');
    const logout = (headers: Record<string, string>) =>
      browse(jar, at('/auth/logout'), { method: 'POST', headers });

    const bare = await logout({});
    expect(bare.status).toBe(403);
    expect(JSON.parse(bare.body)).toMatchObject({ code: 'csrf_rejected' });
    const foreign = await logout({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'csrf_rejected' });
    expect((await meWith(jar)).status).toBe(200);

    const cookie = jar.value('lk_session') ?? '';
    const ok = await logout({ origin: server.url });
    expect(ok.status).toBe(204);
    expect(jar.value('lk_session')).toBeUndefined();

    // The server revoked the session: the old cookie, sent again, no longer works.
    const again = new CookieJar();
    again.receive(at('/'), new Headers({ 'set-cookie': `lk_session=${cookie}; Path=/` }));
    const me = await meWith(again);
    expect(me.status).toBe(401);
    expect(JSON.parse(me.body)).toMatchObject({ code: 'unauthenticated' });
  });

  it('gives olga platformAdmin in a session, but the operator API only with an operator-audience token', async () => {
    const session = await meWith(await signIn('olga'));
    expect(session.status).toBe(200);
    expect(JSON.parse(session.body)).toMatchObject({
      credential: 'session',
      user: { subject: 'olga', platformAdmin: true },
      operator: false,
    });

    const operatorToken = async (user: string): Promise<Page> => {
      const minted = await fetch(at('/dev-idp/token'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user, audience: 'latchkey-operator' }),
      });
      expect(minted.status).toBe(200);
      const { access_token: token } = (await minted.json()) as { access_token: string };
      secrets.push(token);
      return browse(new CookieJar(), at('/api/v1/me'), { headers: { authorization: `Bearer ${token}` } });
    };
    const olga = await operatorToken('olga');
    expect(olga.status).toBe(200);
    expect(JSON.parse(olga.body)).toMatchObject({
      credential: 'idp_token',
      user: { subject: 'olga', platformAdmin: true },
      operator: true,
    });
    // Both are required: the audience alone does not make alice an operator.
    expect(JSON.parse((await operatorToken('alice')).body)).toMatchObject({ operator: false });
  });

  it('opens the operator API to a session only after an operator sign-in of a platform admin', async () => {
    const tenants = (jar: CookieJar) => browse(jar, at('/api/v1/operator/tenants'));

    // The everyday session of a platform admin: no operator API (SPEC §3.2, both conditions).
    const everyday = await signIn('olga');
    const refused = await tenants(everyday);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    // The operator sign-in asks the IdP for the operator resource (RFC 8707) and scope.
    const { authorize } = await reachCallback('olga', '/operator/tenants', { operator: true });
    expect(authorize.searchParams.get('resource')).toBe(`${server.url}/api/v1/operator`);
    expect(authorize.searchParams.get('scope')?.split(' ')).toContain('latchkey:operator');

    const operator = await signIn('olga', { operator: true });
    expect(JSON.parse((await meWith(operator)).body)).toMatchObject({
      credential: 'session',
      user: { subject: 'olga', platformAdmin: true },
      operator: true,
    });
    const listed = await tenants(operator);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(JSON.parse(listed.body))).toContain('"demo"');
    const lifetime = async (jar: CookieJar) => {
      const [row] = await store.db
        .select()
        .from(sessions)
        .where(eq(sessions.tokenHash, sha256Hex(jar.value('lk_session') ?? '')));
      if (row === undefined) throw new Error('no session row');
      return { operator: row.operator, seconds: (row.expiresAt.getTime() - row.createdAt.getTime()) / 1000 };
    };
    // An operator session lives `session.operatorTtlSeconds` (1 h), not the everyday 12 h.
    expect(await lifetime(operator)).toEqual({ operator: true, seconds: 3_600 });
    expect(await lifetime(everyday)).toEqual({ operator: false, seconds: 43_200 });

    // The same sign-in by someone who is not a platform admin opens nothing.
    const alice = await signIn('alice', { operator: true });
    expect(JSON.parse((await meWith(alice)).body)).toMatchObject({ operator: false });
    expect((await tenants(alice)).status).toBe(403);
  });

  it('never writes a session cookie, code, state or token to the log', () => {
    const text = log.text();
    expect(text).toContain('/auth/callback');
    const checked = secrets.filter((s) => s.length >= 16);
    expect(checked.length).toBeGreaterThan(10);
    for (const secret of checked) expect(text).not.toContain(secret);
  });
});
