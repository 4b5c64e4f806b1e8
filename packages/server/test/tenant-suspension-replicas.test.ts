import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { Config } from '../src/config/load.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { signInDemoCallers, type Caller } from './helpers/demo-callers.js';
import { expectProblem } from './helpers/http.js';
import { createTempDatabase, postgresUrl } from './helpers/postgres.js';

/**
 * Two replicas on one PostgreSQL database, each with its own pool and its own LISTEN connection:
 * a suspension on one must reach the other's API-token cache over NOTIFY, not through a shared
 * object in this process.
 */
describe.skipIf(postgresUrl === undefined)(
  'suspension reaches every replica (PostgreSQL LISTEN/NOTIFY)',
  () => {
    const data = tempDataDir();
    let drop: () => Promise<void>;
    const stores: Store[] = [];
    let a: FastifyInstance;
    let b: FastifyInstance;
    let auth: Record<Caller, string>;

    async function replica(config: Config, url: string): Promise<FastifyInstance> {
      const store = await openStore({ url, poolSize: 3 });
      stores.push(store);
      return (await buildApp(config, { store })).app;
    }

    /** Polls `b` until the answer has `status`; returns how long it took. */
    async function until(status: number, budgetMs: number): Promise<number> {
      const started = Date.now();
      for (;;) {
        const res = await b.inject({ url: '/api/v1/me', headers: { authorization: auth.adamToken } });
        if (res.statusCode === status) return Date.now() - started;
        if (Date.now() - started > budgetMs) return Number.POSITIVE_INFINITY;
        await new Promise((r) => setTimeout(r, 20));
      }
    }

    beforeAll(async () => {
      const db = await createTempDatabase();
      drop = db.drop;
      // Same data dir: both replicas share the development IdP key, as replicas share their config.
      const config = testConfig(data.dir);
      a = await replica(config, db.url);
      b = await replica(config, db.url);
      auth = await signInDemoCallers(a);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
      for (const s of stores) await s.close();
      await drop();
      data.cleanup();
    });

    it('refuses the tenant’s API token on the other replica within a second, and accepts it after resume', async () => {
      // Warm b's cache with a positive verification first: the notification must evict it.
      expect(
        (await b.inject({ url: '/api/v1/me', headers: { authorization: auth.adamToken } })).statusCode,
      ).toBe(200);

      const suspended = await a.inject({
        method: 'POST',
        url: '/api/v1/operator/tenants/demo/suspend',
        headers: { authorization: auth.olgaOp },
      });
      expect(suspended.statusCode, suspended.body).toBe(200);
      expect(await until(403, 1000)).toBeLessThan(1000);
      expectProblem(
        await b.inject({ url: '/api/v1/me', headers: { authorization: auth.adamToken } }),
        403,
        'tenant_suspended',
      );

      const resumed = await a.inject({
        method: 'POST',
        url: '/api/v1/operator/tenants/demo/resume',
        headers: { authorization: auth.olgaOp },
      });
      expect(resumed.statusCode, resumed.body).toBe(200);
      expect(await until(200, 1000)).toBeLessThan(1000);
    });
  },
);
