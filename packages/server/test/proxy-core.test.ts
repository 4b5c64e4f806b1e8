import { request as httpRequest } from 'node:http';
import { raw } from './helpers/raw-http.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { browse, CookieJar } from './helpers/browser-jar.js';
import { connectThroughConsent, createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { consentAtPeer } from './helpers/peer-consent.js';
import { HOSTED_HOST, startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';
import { storeTiers } from './helpers/store-tiers.js';

describe('transparent proxy (SPEC §6.1) against a token-checking upstream', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: ProxyBed;
  let base: string;
  let idp: string;
  let full: string;
  let readOnly: string;

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startProxyBed(base);
    server = await startServer(
      testConfig(data.dir, { server: { port }, services: bed.services, audit: { proxyReads: false } }),
      { store },
    );
    idp = await devIdpToken(base, 'alice');
    for (const id of ['echo', 'mail', 'hosted']) await connectThroughConsent(base, idp, id, 'alice');
    full = await createApiToken(base, idp, ['*'], ['read', 'write', 'delete']);
    readOnly = await createApiToken(base, idp, ['echo', 'mail'], ['read']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  it('forwards method, raw path, query and end-to-end headers; injects the connection token; strips caller credentials', async () => {
    const before = bed.upstream.seen.length;
    const res = await raw(base, 'GET', '/proxy/echo/a%20b/c%2Bd.txt?x=1&y=%2F', {
      authorization: `Bearer ${full}`,
      cookie: 'lk_session=secret',
      depth: '1',
      'if-none-match': '"v0"',
      range: 'bytes=0-9',
      'x-custom-in': 'yes',
      'latchkey-tenant': 'demo',
    });
    expect(res.status, res.body).toBe(200);
    const seen = bed.upstream.seen.slice(before);
    expect(seen).toHaveLength(1);
    const got = seen[0]!;
    expect(got.url).toBe('/api/a%20b/c%2Bd.txt?x=1&y=%2F');
    expect(got.token).toMatch(/^eyJ/);
    expect(got.headers.cookie).toBeUndefined();
    expect(got.headers['latchkey-tenant']).toBeUndefined();
    expect(got.headers.depth).toBe('1');
    expect(got.headers['if-none-match']).toBe('"v0"');
    expect(got.headers.range).toBe('bytes=0-9');
    expect(got.headers['x-custom-in']).toBe('yes');
    expect(got.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(got.headers['x-forwarded-proto']).toBe('http');
    expect(got.headers['x-forwarded-host']).toBe(new URL(base).host);
    expect(got.headers['x-forwarded-prefix']).toBe('/proxy/echo');
    expect(res.headers.etag).toBe('"v1"');
    expect(res.headers['x-request-id']).toMatch(/\S/);
    expect(res.headers['x-custom']).toBe('kept');
    expect(res.headers['x-hop']).toBeUndefined();
    expect(res.headers['ratelimit-limit']).toBeDefined();
  });

  it('counts one lookup per cache for a proxied request: the API token, then the downstream token', async () => {
    const lookups = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      const read = (cache: string) =>
        Number(
          new RegExp(`latchkey_token_cache_lookups_total\\{cache="${cache}",outcome="hit"\\} (\\d+)`).exec(
            text,
          )?.[1] ?? 0,
        );
      return { apiToken: read('api_token'), downstream: read('downstream') };
    };
    // Warm both caches, then one more request.
    expect((await raw(base, 'GET', '/proxy/echo/warm', { authorization: `Bearer ${full}` })).status).toBe(
      200,
    );
    const before = await lookups();
    expect((await raw(base, 'GET', '/proxy/echo/once', { authorization: `Bearer ${full}` })).status).toBe(
      200,
    );
    const after = await lookups();
    expect({
      apiToken: after.apiToken - before.apiToken,
      downstream: after.downstream - before.downstream,
    }).toEqual({
      apiToken: 1,
      downstream: 1,
    });
  });

  it('accepts the API token as the HTTP Basic password (user name ignored)', async () => {
    const basic = Buffer.from(`anyone:${full}`).toString('base64');
    const res = await raw(base, 'GET', '/proxy/echo/x', { authorization: `Basic ${basic}` });
    expect(res.status, res.body).toBe(200);
    const wrong = Buffer.from(`anyone:lk_nope`).toString('base64');
    const refused = await raw(base, 'GET', '/proxy/echo/x', { authorization: `Basic ${wrong}` });
    expect(refused.status).toBe(401);
    const none = await raw(base, 'GET', '/proxy/echo/x');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('on a dav service, challenges with Basic first so password-only clients prompt', async () => {
    for (const authorization of [undefined, `Basic ${Buffer.from('me:lk_wrong').toString('base64')}`]) {
      const res = await raw(
        base,
        'PROPFIND',
        '/proxy/davish/',
        authorization === undefined ? {} : { authorization },
      );
      expect(res.status, res.body).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="Latchkey", Bearer /);
    }
  });

  it('accepts the user’s IdP access token as well as an API token', async () => {
    const res = await raw(base, 'GET', '/proxy/echo/as-user', { authorization: `Bearer ${idp}` });
    expect(res.status, res.body).toBe(200);
    expect(res.headers['ratelimit-limit']).toBeUndefined();
  });

  it('passes status codes through, 429 and 503 with Retry-After', async () => {
    for (const code of [201, 404, 429, 503]) {
      const res = await raw(base, 'GET', `/proxy/echo/status/${code}`, { authorization: `Bearer ${full}` });
      expect(res.status).toBe(code);
      expect(res.headers['x-upstream']).toBe('yes');
      if (code === 429 || code === 503) expect(res.headers['retry-after']).toBe('7');
    }
  });

  it('rewrites Location and Content-Location from the upstream base to the proxy', async () => {
    const res = await raw(base, 'GET', '/proxy/echo/redirect', { authorization: `Bearer ${full}` });
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${base}/proxy/echo/moved?x=1`);
    expect(res.headers['content-location']).toBe(`${base}/proxy/echo/here%20it%20is`);
  });

  it('routes a service host to the upstream keeping its paths', async () => {
    const before = bed.upstream.seen.length;
    const res = await raw(base, 'GET', '/api/v1/me?q=1', {
      authorization: `Bearer ${full}`,
      host: HOSTED_HOST,
    });
    expect(res.status, res.body).toBe(200);
    expect(bed.upstream.seen.slice(before).map((s) => s.url)).toEqual(['/api/v1/me?q=1']);
  });

  it('refreshes once and retries once when the upstream refuses the token (401)', async () => {
    const first = await raw(base, 'GET', '/proxy/echo/who', { authorization: `Bearer ${full}` });
    expect(first.status).toBe(200);
    const used = bed.upstream.seen.at(-1)!.token;
    bed.upstream.revoked.add(used);
    const before = bed.upstream.seen.length;
    const res = await raw(base, 'GET', '/proxy/echo/who', { authorization: `Bearer ${full}` });
    expect(res.status, res.body).toBe(200);
    const tries = bed.upstream.seen.slice(before);
    expect(tries).toHaveLength(2);
    expect(tries[0]!.token).toBe(used);
    expect(tries[1]!.token).not.toBe(used);
  });

  it('answers 409 with an authorizationUrl when the caller has no connection', async () => {
    const adam = await devIdpToken(base, 'adam');
    const res = await raw(base, 'GET', '/proxy/echo/x', { authorization: `Bearer ${adam}` });
    expect(res.status, res.body).toBe(409);
    const problem = JSON.parse(res.body) as { code: string; authorizationUrl: string };
    expect(problem.code).toBe('connection_required');
    expect(problem.authorizationUrl.startsWith(bed.peer.issuer)).toBe(true);
  });

  it('hands a client retrying without a connection the same consent URL until it is used', async () => {
    const adam = await devIdpToken(base, 'adam');
    const ask = async () => {
      const res = await raw(base, 'GET', '/proxy/echo/x', { authorization: `Bearer ${adam}` });
      expect(res.status, res.body).toBe(409);
      return (JSON.parse(res.body) as { authorizationUrl: string }).authorizationUrl;
    };
    const first = await ask();
    expect(await ask()).toBe(first);
    expect(await ask()).toBe(first);

    // The user consents through that URL: the proxy works, the URL is spent.
    const callback = await consentAtPeer(first, `${base}/connect/`, 'allow', 'adam');
    expect((await browse(new CookieJar(), callback)).status).toBe(303);
    expect((await raw(base, 'GET', '/proxy/echo/x', { authorization: `Bearer ${adam}` })).status).toBe(200);

    // Disconnected again: the next refusal starts a new consent, never the spent one.
    const listed = await fetch(`${base}/api/v1/connections`, {
      headers: { authorization: `Bearer ${adam}` },
    });
    const { items } = (await listed.json()) as { items: { id: string; service: string }[] };
    const echo = items.find((c) => c.service === 'echo');
    expect(echo).toBeDefined();
    const removed = await fetch(`${base}/api/v1/connections/${echo!.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${adam}` },
    });
    expect(removed.status).toBe(204);
    const again = await ask();
    expect(again).not.toBe(first);
    expect(new URL(again).searchParams.get('state')).not.toBe(new URL(first).searchParams.get('state'));
  });

  it('answers parallel first refusals with one consent URL', async () => {
    const gina = await devIdpToken(base, 'gina');
    const answers = await Promise.all(
      [1, 2, 3, 4].map(() => raw(base, 'GET', '/proxy/hosted/x', { authorization: `Bearer ${gina}` })),
    );
    const urls = answers.map((res) => {
      expect(res.status, res.body).toBe(409);
      return (JSON.parse(res.body) as { authorizationUrl: string }).authorizationUrl;
    });
    expect(new Set(urls).size).toBe(1);
  });

  it('refuses an unknown service and a service outside the token scope', async () => {
    const hosted = await raw(base, 'GET', '/proxy/hosted/x', { authorization: `Bearer ${readOnly}` });
    expect(hosted.status).toBe(403);
    expect(hosted.headers['www-authenticate']).toContain('service:hosted');
    const unknown = await raw(base, 'GET', '/proxy/nope/x', { authorization: `Bearer ${full}` });
    expect(unknown.status).toBe(404);
  });

  it('relays the final answer after a 1xx interim one, repeated Set-Cookie fields kept apart', async () => {
    const res = await raw(base, 'GET', '/proxy/echo/interim', { authorization: `Bearer ${full}` });
    expect(res.status, res.body).toBe(200);
    expect(res.body).toBe('done');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('cuts the client connection when the upstream breaks mid-body, then serves the next request', async () => {
    const cut = await partialGet(base, '/proxy/echo/break', full);
    expect(cut.status).toBe(200);
    expect(cut.complete).toBe(false);
    expect(cut.bytes).toBeLessThan(1000);
    const next = await raw(base, 'GET', '/proxy/echo/after-break', { authorization: `Bearer ${full}` });
    expect(next.status, next.body).toBe(200);
  });

  it('stops the upstream transfer when the client goes away mid-download', async () => {
    const before = bed.upstream.unfinished;
    // 1 GiB: far more than the sockets buffer, so the upstream is still sending when the client leaves.
    const gone = await partialGet(base, `/proxy/echo/bytes/${2 ** 30}`, full, 256 * 1024);
    expect(gone.status).toBe(200);
    expect(gone.complete).toBe(false);
    // Well inside the 300 s body timeout: the proxy itself aborted the upstream request.
    await vi.waitFor(
      () => {
        expect(bed.upstream.unfinished).toBeGreaterThan(before);
      },
      { timeout: 10_000, interval: 50 },
    );
    const next = await raw(base, 'GET', '/proxy/echo/after-leave', { authorization: `Bearer ${full}` });
    expect(next.status, next.body).toBe(200);
  });
});

/**
 * A GET that reports how its response ended instead of failing on a cut connection; with
 * `leaveAfter` the client hangs up once that many body bytes arrived.
 */
function partialGet(
  base: string,
  path: string,
  token: string,
  leaveAfter?: number,
): Promise<{ status: number; bytes: number; complete: boolean }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        answered = true;
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (leaveAfter !== undefined && bytes >= leaveAfter) req.destroy();
        });
        res.on('error', () => undefined);
        res.on('close', () => {
          resolve({ status: res.statusCode ?? 0, bytes, complete: res.complete });
        });
      },
    );
    // Once the answer started, how it ended is reported by `close` above.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.end();
  });
}
