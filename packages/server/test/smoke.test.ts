import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';

describe('embedded default answers', () => {
  const data = tempDataDir();
  let store: Store;
  let app: FastifyInstance;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    ({ app } = await buildApp(testConfig(data.dir), { store }));
  });
  afterAll(async () => {
    await app.close();
    await store.close();
    data.cleanup();
  });

  it('is live and ready once migrations are applied', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/ready');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', store: 'pglite' });
  });

  it('serves /api/v1/me to a demo user with a development IdP token', async () => {
    const minted = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'adam' } });
    expect(minted.statusCode).toBe(200);
    const token = minted.json<{ access_token: string }>().access_token;
    const me = await app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      credential: 'idp_token',
      user: { subject: 'adam', email: 'adam@demo.test', platformAdmin: false },
      tenant: { slug: 'demo', role: 'admin' },
    });
  });
});
