import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { auditEvents } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { connectThroughConsent, createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';
import { raw } from './helpers/raw-http.js';
import { storeTiers } from './helpers/store-tiers.js';

const READ = ['GET', 'HEAD', 'OPTIONS', 'PROPFIND', 'REPORT', 'SEARCH'];
const WRITE = ['POST', 'PUT', 'PATCH', 'PROPPATCH', 'MKCOL', 'MKCALENDAR', 'COPY', 'MOVE', 'LOCK', 'UNLOCK'];
const DELETE = ['DELETE'];

describe('proxy security: scopes, SSRF and traversal, limits, audit, tenant state (SPEC §5, §6.1)', () => {
  const tier = storeTiers().find((t) => t.name === 'postgres' && t.available) ?? storeTiers()[0]!;
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bed: ProxyBed;
  let base: string;
  let idp: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    ({ store, dispose } = await tier.open());
    const port = await freePort('127.0.0.1');
    base = `http://127.0.0.1:${port}`;
    bed = await startProxyBed(base);
    server = await startServer(
      testConfig(data.dir, {
        server: { port },
        services: bed.services,
        proxy: {
          rateLimit: { requestsPerSecond: 0.5, burst: 30 },
          headersTimeoutMs: 1_000,
          maxBodyBytes: 1024 * 1024,
        },
      }),
      { store },
    );
    idp = await devIdpToken(base, 'alice');
    await connectThroughConsent(base, idp, 'echo', 'alice');
    await connectThroughConsent(base, idp, 'mail', 'alice');
    for (const p of ['read', 'write', 'delete']) tokens[p] = await createApiToken(base, idp, ['*'], [p]);
    tokens.full = await createApiToken(base, idp, ['*'], ['read', 'write', 'delete']);
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await bed.close();
    await dispose();
    data.cleanup();
  });

  it('scope matrix: every method × permission — forwarded only with the permission the method needs', async () => {
    for (const [needed, methods] of [
      ['read', READ],
      ['write', WRITE],
      ['delete', DELETE],
    ] as const) {
      for (const method of methods) {
        for (const held of ['read', 'write', 'delete']) {
          const before = bed.upstream.seen.length;
          const res = await raw(
            base,
            method,
            '/proxy/echo/matrix',
            { authorization: `Bearer ${tokens[held]!}`, 'content-type': 'text/plain' },
            method === 'GET' || method === 'HEAD' ? undefined : 'x',
          );
          const label = `${method} with ${held}`;
          if (held === needed) {
            expect(res.status, `${label} ${res.body}`).toBe(200);
            expect(bed.upstream.seen.length, label).toBe(before + 1);
          } else {
            expect(res.status, label).toBe(403);
            expect(res.headers['www-authenticate'], label).toContain(`scope="${needed}"`);
            expect(bed.upstream.seen.length, label).toBe(before);
          }
        }
      }
    }
  });

  it('JMAP classifier: a read-only token may Email/get, not Email/set destroy', async () => {
    const call = (methodCalls: unknown[], token: string) =>
      raw(
        base,
        'POST',
        '/proxy/mail/jmap',
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        JSON.stringify({ using: ['urn:ietf:params:jmap:mail'], methodCalls }),
      );
    const get = await call([['Email/get', { ids: ['m1'] }, 'c0']], tokens.read!);
    expect(get.status, get.body).toBe(200);
    expect(JSON.parse(get.body)).toMatchObject({ methodResponses: [['Email/get', { ids: ['m1'] }, 'c0']] });
    const destroy = await call([['Email/set', { destroy: ['m1'] }, 'c0']], tokens.read!);
    expect(destroy.status).toBe(403);
    expect(JSON.parse(destroy.body)).toMatchObject({ code: 'insufficient_scope', required: ['delete'] });
    const writeOnly = await call([['Email/set', { destroy: ['m1'] }, 'c0']], tokens.write!);
    expect(writeOnly.status).toBe(403);
    expect((await call([['Email/set', { destroy: ['m1'] }, 'c0']], tokens.delete!)).status).toBe(200);
    expect((await call([['Email/set', { create: { a: {} } }, 'c0']], tokens.write!)).status).toBe(200);
  });

  it('refuses traversal and SSRF attempts with 400, nothing sent upstream', async () => {
    const attempts = [
      '/proxy/echo/../admin',
      '/proxy/echo/a/../../etc/passwd',
      '/proxy/echo/%2e%2e/admin',
      '/proxy/echo/%2E%2E%2Fadmin',
      '/proxy/echo/a%2fb',
      '/proxy/echo/a%5cb',
      '/proxy/echo/a\\..\\b',
      '/proxy/echo/%252e%252e/admin',
      '/proxy/echo//evil.example/x',
      '/proxy/echo/http://evil.example/',
      '/proxy/echo/a%0d%0aX-Injected:%201',
      '/proxy/echo/a%00b',
      '/proxy/echo/%zz',
    ];
    for (const path of attempts) {
      const before = bed.upstream.seen.length;
      const res = await raw(base, 'GET', path, { authorization: `Bearer ${tokens.full!}` });
      expect(res.status, path).toBe(400);
      expect(bed.upstream.seen.length, path).toBe(before);
    }
    // An absolute-form request target never reaches a service either.
    const before = bed.upstream.seen.length;
    const absolute = await raw(base, 'GET', 'http://evil.example/proxy/echo/x', {
      authorization: `Bearer ${tokens.full!}`,
    });
    expect(absolute.status).toBeGreaterThanOrEqual(400);
    expect(bed.upstream.seen.length).toBe(before);
  });

  it('answers Expect: 100-continue at once and streams the body after it', async () => {
    const res = await raw(
      base,
      'PUT',
      '/proxy/echo/continue',
      { authorization: `Bearer ${tokens.full!}`, expect: '100-continue', 'content-type': 'text/plain' },
      'after continue',
    );
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ bodyBytes: 14 });
  });

  it('answers 504 when the upstream does not answer in time, 413 past the body limit', async () => {
    const slow = await raw(base, 'GET', '/proxy/echo/hang', { authorization: `Bearer ${tokens.full!}` });
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.body)).toMatchObject({ code: 'upstream_timeout' });
    const before = bed.upstream.seen.length;
    const big = await raw(
      base,
      'PUT',
      '/proxy/echo/big',
      { authorization: `Bearer ${tokens.full!}`, 'content-type': 'application/octet-stream' },
      Buffer.alloc(1024 * 1024 + 1),
    );
    expect(big.status).toBe(413);
    expect(bed.upstream.seen.length).toBe(before);
  });

  it('rate-limits each API token (token bucket): 429 with Retry-After and RateLimit-* headers', async () => {
    const token = await createApiToken(base, idp, ['echo'], ['read']);
    let last = await raw(base, 'GET', '/proxy/echo/rl', { authorization: `Bearer ${token}` });
    expect(last.headers['ratelimit-limit']).toBe('30');
    for (let i = 1; i < 30; i++)
      last = await raw(base, 'GET', '/proxy/echo/rl', { authorization: `Bearer ${token}` });
    expect(last.status).toBe(200);
    const before = bed.upstream.seen.length;
    const limited = await raw(base, 'GET', '/proxy/echo/rl', { authorization: `Bearer ${token}` });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(bed.upstream.seen.length).toBe(before);
    // Another token has its own bucket.
    expect(
      (await raw(base, 'GET', '/proxy/echo/rl', { authorization: `Bearer ${tokens.full!}` })).status,
    ).toBe(200);
  });

  it('refuses a revoked API token at once', async () => {
    const token = await createApiToken(base, idp, ['echo'], ['read']);
    expect((await raw(base, 'GET', '/proxy/echo/r', { authorization: `Bearer ${token}` })).status).toBe(200);
    const revoke = await fetch(`${base}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(revoke.status).toBe(200);
    const res = await raw(base, 'GET', '/proxy/echo/r', { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'token_revoked' });
  });

  it('answers 403 tenant_suspended while the tenant is suspended', async () => {
    const minted = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'olga', audience: 'latchkey-operator' }),
    });
    const olga = `Bearer ${((await minted.json()) as { access_token: string }).access_token}`;
    expect((await fetch(`${base}/api/v1/me`, { headers: { authorization: olga } })).status).toBe(200);
    const op = (action: string) =>
      fetch(`${base}/api/v1/operator/tenants/demo/${action}`, {
        method: 'POST',
        headers: { authorization: olga },
      });
    expect((await op('suspend')).status).toBe(200);
    try {
      const before = bed.upstream.seen.length;
      for (const authorization of [`Bearer ${tokens.full!}`, `Bearer ${idp}`]) {
        const res = await raw(base, 'GET', '/proxy/echo/x', { authorization });
        expect(res.status, res.body).toBe(403);
        expect(JSON.parse(res.body)).toMatchObject({ code: 'tenant_suspended' });
      }
      expect(bed.upstream.seen.length).toBe(before);
    } finally {
      expect((await op('resume')).status).toBe(200);
    }
  });

  it('audits writes and deletes with method, service, path, status, bytes, duration and token id', async () => {
    await raw(
      base,
      'PUT',
      '/proxy/echo/audited.txt?secret=1',
      { authorization: `Bearer ${tokens.full!}` },
      '12345',
    );
    await raw(base, 'DELETE', '/proxy/echo/audited.txt', { authorization: `Bearer ${tokens.full!}` });
    await server.app.close().catch(() => undefined);
    const writes = await store.db.select().from(auditEvents).where(eq(auditEvents.action, 'proxy.write'));
    const put = writes.find((e) => (e.metadata as { path?: string }).path === '/audited.txt');
    expect(put?.metadata).toMatchObject({ method: 'PUT', service: 'echo', status: 200, requestBytes: 5 });
    expect(put?.metadata).toHaveProperty('durationMs');
    expect(put?.metadata).toHaveProperty('tokenId');
    expect(JSON.stringify(put?.metadata)).not.toContain('secret');
    const deletes = await store.db.select().from(auditEvents).where(eq(auditEvents.action, 'proxy.delete'));
    expect(deletes.some((e) => (e.metadata as { path?: string }).path === '/audited.txt')).toBe(true);
    const reads = await store.db.select().from(auditEvents).where(eq(auditEvents.action, 'proxy.read'));
    expect(reads).toHaveLength(0);
  });
});
