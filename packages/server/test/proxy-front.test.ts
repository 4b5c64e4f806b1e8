import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { connectThroughConsent, createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';
import { raw } from './helpers/raw-http.js';

/**
 * The proxy's front door serves `/proxy/…` before Fastify routes anything: what Fastify gave
 * every route must still hold there (request ids, problem documents, metrics, trusted-proxy
 * addresses), and everything else must still reach Fastify.
 */
describe('proxy front door (served ahead of the framework)', () => {
  const data = tempDataDir();
  let store: Store;
  let server: RunningServer;
  let bed: ProxyBed;
  let base: string;
  let token: string;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startProxyBed(base);
    server = await startServer(
      testConfig(data.dir, {
        server: { port, trustProxy: '127.0.0.1' },
        services: bed.services,
      }),
      { store },
    );
    const idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'echo', 'alice');
    token = await createApiToken(base, idp, ['echo'], ['read']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await store.close();
    data.cleanup();
  });

  it("keeps a caller's sane X-Request-Id and mints one otherwise, on answers and refusals", async () => {
    const kept = await raw(base, 'GET', '/proxy/echo/x', {
      authorization: `Bearer ${token}`,
      'x-request-id': 'trace-42',
    });
    expect(kept.status, kept.body).toBe(200);
    expect(kept.headers['x-request-id']).toBe('trace-42');

    const refused = await raw(base, 'GET', '/proxy/echo/x', { 'x-request-id': 'bad id with spaces' });
    expect(refused.status).toBe(401);
    const id = refused.headers['x-request-id'];
    expect(id).toMatch(/^req_/);
    expect(refused.headers['content-type']).toBe('application/problem+json');
    const problem = JSON.parse(refused.body) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 401, code: 'unauthenticated', requestId: id });
    expect(problem.type).toMatch(/^https:\/\//);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="latchkey"/);
  });

  it('serves a warm request from the caches without waiting on the store, and a cold one from the store', async () => {
    const { apiTokenVerifier, freshTokens } = server.services;
    const { user } = await apiTokenVerifier.verify(token, '127.0.0.1');
    const verify = vi.spyOn(apiTokenVerifier, 'verify');
    const acquire = vi.spyOn(freshTokens, 'acquire');
    try {
      const get = () => raw(base, 'GET', '/proxy/echo/warm', { authorization: `Bearer ${token}` });
      expect((await get()).status).toBe(200);
      verify.mockClear();
      acquire.mockClear();
      for (let i = 0; i < 3; i++) expect((await get()).status).toBe(200);
      expect(verify).not.toHaveBeenCalled();
      expect(acquire).not.toHaveBeenCalled();
      // Both caches forget the user's entries on a change notice: the store is asked again.
      server.services.bus.announceLocally({ kind: 'user', id: user.id });
      expect((await get()).status).toBe(200);
      expect(verify).toHaveBeenCalledTimes(1);
      expect(acquire).toHaveBeenCalledTimes(1);
    } finally {
      verify.mockRestore();
      acquire.mockRestore();
    }
  });

  it('refuses a write with a read-only token as insufficient_scope, nothing sent upstream', async () => {
    const before = bed.upstream.seen.length;
    const res = await raw(base, 'PUT', '/proxy/echo/x', { authorization: `Bearer ${token}` }, 'data');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'insufficient_scope', required: ['write'] });
    expect(bed.upstream.seen.length).toBe(before);
    // The connection is still usable afterwards (the refused body was drained).
    const again = await raw(base, 'GET', '/proxy/echo/y', { authorization: `Bearer ${token}` });
    expect(again.status).toBe(200);
  });

  it('believes X-Forwarded-* only from the trusted proxy address', async () => {
    const before = bed.upstream.seen.length;
    const res = await raw(base, 'GET', '/proxy/echo/fwd', {
      authorization: `Bearer ${token}`,
      'x-forwarded-for': '203.0.113.9',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'suite.example.test',
    });
    expect(res.status, res.body).toBe(200);
    const got = bed.upstream.seen.slice(before)[0]!;
    // The loopback peer is the trusted proxy: its chain names the client.
    expect(got.headers['x-forwarded-for']).toBe('203.0.113.9');
    expect(got.headers['x-forwarded-proto']).toBe('https');
    expect(got.headers['x-forwarded-host']).toBe('suite.example.test');
  });

  it('leaves unknown services and every other route to the API', async () => {
    const unknown = await raw(base, 'GET', '/proxy/nope/x', { authorization: `Bearer ${token}` });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ code: 'route_not_found' });
    const prefixOnly = await raw(base, 'GET', '/proxy/echoes/x', { authorization: `Bearer ${token}` });
    expect(prefixOnly.status).toBe(404);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
  });

  it('counts proxied requests in the request-duration metric under the route template', async () => {
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const line = metrics
      .split('\n')
      .find(
        (l) =>
          l.startsWith('latchkey_http_request_duration_seconds_count{') &&
          l.includes('route="/proxy/echo/*"') &&
          l.includes('status="200"'),
      );
    expect(line).toBeDefined();
    expect(Number(line?.split(' ').pop())).toBeGreaterThanOrEqual(3);
    expect(metrics).toMatch(/latchkey_proxy_requests_total\{service="echo",outcome="refused"\} [1-9]/);
  });
});
