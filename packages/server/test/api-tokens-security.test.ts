import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';

/** Every API-token route, with a body that would be valid for an authorised caller. */
const routes: {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT';
  url: string;
  payload?: Record<string, unknown>;
}[] = [
  {
    method: 'POST',
    url: '/api/v1/api-tokens',
    payload: { name: 'x', services: ['*'], permissions: ['read'], expiresInDays: 7 },
  },
  { method: 'GET', url: '/api/v1/api-tokens' },
  { method: 'GET', url: '/api/v1/api-tokens/tok_unknown' },
  { method: 'DELETE', url: '/api/v1/api-tokens/tok_unknown' },
  { method: 'POST', url: '/api/v1/api-tokens/tok_unknown/rotate', payload: {} },
  { method: 'GET', url: '/api/v1/admin/api-tokens' },
  { method: 'DELETE', url: '/api/v1/admin/api-tokens/tok_unknown' },
  { method: 'POST', url: '/api/v1/admin/revocations', payload: { ids: ['tok_unknown'] } },
  { method: 'GET', url: '/api/v1/admin/token-policy' },
  { method: 'PUT', url: '/api/v1/admin/token-policy', payload: { maxLifetimeDays: 30 } },
];

describe('API-token routes refuse missing and bad credentials (security set)', () => {
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

  it.each(routes)('$method $url: no credential → 401 unauthenticated', async (route) => {
    const res = await app.inject({
      method: route.method,
      url: route.url,
      ...(route.payload && { payload: route.payload }),
    });
    expectProblem(res, 401, 'unauthenticated');
  });

  it.each(routes)('$method $url: forged JWT and unknown lk_ token → 401 invalid_token', async (route) => {
    const { generateApiToken } = await import('../src/api-tokens/format.js');
    for (const token of ['eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.', generateApiToken()]) {
      const res = await app.inject({
        method: route.method,
        url: route.url,
        headers: { authorization: `Bearer ${token}` },
        ...(route.payload && { payload: route.payload }),
      });
      expectProblem(res, 401, 'invalid_token');
    }
  });
});
