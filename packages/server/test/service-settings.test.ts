import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { AppServices } from '../src/services.js';
import { auditEvents } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';
import { storeTiers } from './helpers/store-tiers.js';

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(`per-service refresh settings of a tenant (${tier.name})`, () => {
    const data = tempDataDir();
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let services: AppServices;
    const idp: Record<string, string> = {};
    const as = (who: string) => ({ authorization: `Bearer ${idp[who] ?? ''}` });
    const url = '/api/v1/admin/services/demo/settings';

    beforeAll(async () => {
      const opened = await tier.open();
      dispose = opened.dispose;
      ({ app, services } = await buildApp(testConfig(data.dir), { store: opened.store }));
      for (const user of ['alice', 'adam']) {
        const res = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user } });
        idp[user] = res.json<{ access_token: string }>().access_token;
      }
    });
    afterAll(async () => {
      await app.close();
      await dispose();
      data.cleanup();
    });

    it('shows the catalogue defaults until an admin chooses, then the choice, audited', async () => {
      const before = await app.inject({ url, headers: as('adam') });
      expect(before.statusCode, before.body).toBe(200);
      expect(before.json()).toEqual({
        service: 'demo',
        refreshEnabled: true,
        beforeExpirySeconds: 300,
        maxConcurrency: 4,
        overridden: false,
      });
      const chosen = { refreshEnabled: false, beforeExpirySeconds: 900, maxConcurrency: 2 };
      const put = await app.inject({ method: 'PUT', url, headers: as('adam'), payload: chosen });
      expect(put.statusCode, put.body).toBe(200);
      expect(put.json()).toEqual({ service: 'demo', ...chosen, overridden: true });
      expect((await app.inject({ url, headers: as('adam') })).json()).toEqual({
        service: 'demo',
        ...chosen,
        overridden: true,
      });
      const events = await services.store.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.action, 'tenant.settings_changed'), eq(auditEvents.targetId, 'demo')));
      expect(events).toHaveLength(1);
      expect(events[0]?.metadata).toEqual({ serviceSettings: { from: null, to: chosen } });
    });

    it('refuses members, unknown services and out-of-range values (every bad field named)', async () => {
      expectProblem(await app.inject({ url, headers: as('alice') }), 403, 'forbidden');
      expectProblem(
        await app.inject({ url: '/api/v1/admin/services/nope/settings', headers: as('adam') }),
        404,
        'not_found',
      );
      const bad = expectProblem(
        await app.inject({
          method: 'PUT',
          url,
          headers: as('adam'),
          payload: { refreshEnabled: 'yes', beforeExpirySeconds: -1, maxConcurrency: 0 },
        }),
        400,
        'validation_failed',
      );
      expect(bad.errors?.map((e) => e.path).sort()).toEqual([
        'body.beforeExpirySeconds',
        'body.maxConcurrency',
        'body.refreshEnabled',
      ]);
      // The failed write left the previous choice intact.
      expect((await app.inject({ url, headers: as('adam') })).json()).toMatchObject({ maxConcurrency: 2 });
    });
  });
}
