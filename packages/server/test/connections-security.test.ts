import type { FastifyInstance } from 'fastify';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { sealToken } from '../src/connections/secrets.js';
import type { AppServices } from '../src/services.js';
import { openStore, type Store } from '../src/store/db.js';
import { connections, tenants, users } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';

/**
 * The shared security checks on every connections route (STYLE "a security file per route"):
 * no credential, a bad credential, another tenant's id and another user's id (404, never 403),
 * a tenant the caller does not belong to, and the guest role.
 */
describe('connections API security', () => {
  const data = tempDataDir();
  let store: Store;
  let app: FastifyInstance;
  let services: AppServices;
  const token: Record<string, string> = {};
  let foreignId = '';
  let ginaId = '';

  async function plantConnection(tenantId: string, userId: string, id: string): Promise<void> {
    await store.db.insert(connections).values({
      id,
      tenantId,
      userId,
      serviceId: 'demo',
      accessTokenEnc: sealToken(services.keyring, id, 'access_token', `at-${id}`),
      refreshTokenEnc: sealToken(services.keyring, id, 'refresh_token', `rt-${id}`),
      expiresAt: new Date(Date.now() + 3_600_000),
    });
  }

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    ({ app, services } = await buildApp(testConfig(data.dir), { store }));
    for (const user of ['alice', 'gina']) {
      const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user } });
      token[user] = res.json<{ access_token: string }>().access_token;
      // First call creates the user and their membership.
      await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token[user]}` } });
    }
    await store.db
      .insert(tenants)
      .values({ id: 'ten_other', slug: 'other', name: 'Other', status: 'active' });
    await store.db.insert(users).values({ id: 'usr_other', issuer: 'https://idp.other', subject: 'bob' });
    foreignId = 'con_foreigntenant0000000000';
    await plantConnection('ten_other', 'usr_other', foreignId);
    const [gina] = await store.db.select().from(users).where(eq(users.subject, 'gina'));
    const [demo] = await store.db.select().from(tenants).where(eq(tenants.slug, 'demo'));
    ginaId = 'con_ginasown000000000000000';
    await plantConnection(demo!.id, gina!.id, ginaId);
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    data.cleanup();
  });

  const routes = (id: string) => [
    { method: 'GET' as const, url: '/api/v1/connections' },
    { method: 'GET' as const, url: `/api/v1/connections/${id}` },
    { method: 'POST' as const, url: '/api/v1/connections', payload: { service: 'demo' } },
    { method: 'POST' as const, url: `/api/v1/connections/${id}/refresh` },
    { method: 'DELETE' as const, url: `/api/v1/connections/${id}` },
  ];

  it('every route answers 401 unauthenticated without a credential, with a Bearer challenge', async () => {
    for (const route of routes(ginaId)) {
      const res = await app.inject(route);
      expectProblem(res, 401, 'unauthenticated');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('every route answers 401 invalid_token with a bad credential', async () => {
    for (const route of routes(ginaId)) {
      const res = await app.inject({ ...route, headers: { authorization: 'Bearer not.a.jwt' } });
      expectProblem(res, 401, 'invalid_token');
    }
  });

  it("another tenant's connection id is 404 on every route that takes one, and stays untouched", async () => {
    for (const route of routes(foreignId).filter((r) => r.url.includes(foreignId))) {
      const res = await app.inject({ ...route, headers: { authorization: `Bearer ${token.alice}` } });
      expectProblem(res, 404, 'not_found');
    }
    expect(await store.db.$count(connections, eq(connections.id, foreignId))).toBe(1);
  });

  it("another user's connection in the same tenant is 404 too", async () => {
    for (const route of routes(ginaId).filter((r) => r.url.includes(ginaId))) {
      const res = await app.inject({ ...route, headers: { authorization: `Bearer ${token.alice}` } });
      expectProblem(res, 404, 'not_found');
    }
    const list = await app.inject({
      url: '/api/v1/connections',
      headers: { authorization: `Bearer ${token.alice}` },
    });
    expect(list.json<{ items: unknown[] }>().items).toEqual([]);
  });

  it('a tenant the caller does not belong to is 404 (Latchkey-Tenant)', async () => {
    for (const route of routes(ginaId)) {
      const res = await app.inject({
        ...route,
        headers: { authorization: `Bearer ${token.alice}`, 'latchkey-tenant': 'other' },
      });
      expectProblem(res, 404, 'not_found');
    }
  });

  it('a guest sees their connections but may not connect, refresh or disconnect', async () => {
    const auth = { authorization: `Bearer ${token.gina}` };
    const list = await app.inject({ url: '/api/v1/connections', headers: auth });
    expect(list.statusCode).toBe(200);
    expect(list.json<{ items: { id: string }[] }>().items.map((c) => c.id)).toEqual([ginaId]);
    expect((await app.inject({ url: `/api/v1/connections/${ginaId}`, headers: auth })).statusCode).toBe(200);
    for (const route of routes(ginaId).filter((r) => r.method !== 'GET')) {
      expectProblem(await app.inject({ ...route, headers: auth }), 403, 'forbidden');
    }
  });

  it('a suspended tenant answers 403 tenant_suspended on every route', async () => {
    await store.db.update(tenants).set({ status: 'suspended' }).where(eq(tenants.slug, 'demo'));
    try {
      for (const route of routes(ginaId)) {
        const res = await app.inject({ ...route, headers: { authorization: `Bearer ${token.alice}` } });
        expectProblem(res, 403, 'tenant_suspended');
      }
    } finally {
      await store.db.update(tenants).set({ status: 'active' }).where(eq(tenants.slug, 'demo'));
    }
  });

  it('never returns a token: no route body holds the stored access or refresh token', async () => {
    const res = await app.inject({
      url: `/api/v1/connections/${ginaId}`,
      headers: { authorization: `Bearer ${token.gina}` },
    });
    expect(res.body).not.toContain(`at-${ginaId}`);
    expect(res.body).not.toContain(`rt-${ginaId}`);
    expect(Object.keys(res.json<Record<string, unknown>>()).sort()).toEqual([
      'account',
      'createdAt',
      'expiresAt',
      'id',
      'lastRefreshedAt',
      'refreshable',
      'scopes',
      'service',
      'serviceName',
      'status',
      'updatedAt',
    ]);
  });
});
