import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Metrics } from '../src/http/metrics.js';
import type { ChangeBus } from '../src/notify/change-bus.js';
import { BackgroundRefresher } from '../src/refresh/background.js';
import type { RefreshEngine } from '../src/refresh/engine.js';
import type { ConnectorRegistry } from '../src/connectors/registry.js';
import type { Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { connections } from '../src/store/schema/index.js';
import { updateTenantSettings } from '../src/store/tenants.js';
import {
  REFRESH_SERVICE,
  refreshService,
  refreshStack,
  seedConnection,
  seedTenant,
  testKeyring,
} from './helpers/refresh-fixtures.js';
import { RefreshProvider } from './helpers/refresh-provider.js';
import { storeTiers } from './helpers/store-tiers.js';

const keyring = testKeyring();
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

/**
 * SPEC §4.4 background: due connections claimed under a lease, refreshed with bounded
 * concurrency, rescheduled from the expiry the provider returned; tenant settings honoured.
 */
describe.each(storeTiers())('background refresher ($name)', (tier) => {
  const provider = new RefreshProvider();
  let store: Store;
  let dispose: () => Promise<void>;
  let engine: RefreshEngine;
  let bus: ChangeBus;
  let connectors: ConnectorRegistry;
  let metrics: Metrics;
  let tenant = 0;

  beforeAll(async () => {
    if (!tier.available) return;
    await provider.start();
    ({ store, dispose } = await tier.open());
    await runMigrations(store);
    ({ engine, bus, connectors, metrics } = await refreshStack(store, refreshService(provider), keyring));
  });
  afterAll(async () => {
    if (!tier.available) return;
    await bus.stop();
    await dispose();
    await provider.stop();
  });
  afterEach(() => {
    provider.mode = { kind: 'ok' };
  });

  const refresher = (options: Partial<{ batchSize: number; concurrency: number }> = {}) =>
    new BackgroundRefresher({
      db: store.db,
      engine,
      connectors,
      metrics,
      options: { batchSize: 50, leaseMs: 30_000, concurrency: 8, ...options },
      log: { warn: () => undefined },
    });
  /** A tenant of its own per test: the due queue spans tenants, so tests must not share one. */
  const freshTenant = async (due: number, notDue = 0) => {
    const tenantId = await seedTenant(store, `ten_bg${++tenant}`);
    const seeded = [];
    for (let i = 0; i < due; i++) {
      seeded.push(
        await seedConnection(store, keyring, provider, {
          tenantId,
          expiresAt: inSeconds(200),
          nextRefreshAt: inSeconds(-1),
        }),
      );
    }
    for (let i = 0; i < notDue; i++) {
      seeded.push(
        await seedConnection(store, keyring, provider, {
          tenantId,
          expiresAt: inSeconds(3600),
          nextRefreshAt: inSeconds(3300),
        }),
      );
    }
    return { tenantId, ids: seeded.map((s) => s.id) };
  };
  const rows = (ids: string[]) => store.db.select().from(connections).where(inArray(connections.id, ids));

  it.skipIf(!tier.available)(
    'refreshes what is due, reschedules from the returned expiry, leaves the rest',
    async () => {
      const { ids } = await freshTenant(6, 2);
      const before = provider.refreshes;
      expect(await refresher().runOnce()).toBe(false);
      expect(provider.refreshes - before).toBe(6);
      const after = await rows(ids);
      for (const r of after.filter((x) => ids.slice(0, 6).includes(x.id))) {
        expect(r.version).toBe(2);
        expect(r.leaseOwner).toBeNull();
        expect(r.nextRefreshAt?.getTime()).toBe((r.expiresAt?.getTime() ?? 0) - 300_000);
        expect((r.expiresAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(3_500_000);
      }
      for (const r of after.filter((x) => ids.slice(6).includes(x.id))) expect(r.version).toBe(1);
      // /metrics: refreshes by service, trigger and outcome; their latency.
      const exposed = await metrics.registry.metrics();
      expect(exposed).toContain(
        'latchkey_refreshes_total{service="files",trigger="background",outcome="success"} 6',
      );
      expect(exposed).toContain('latchkey_refresh_duration_seconds_count{service="files"} 6');
      // Nothing left: a second pass asks the provider nothing.
      await refresher().runOnce();
      expect(provider.refreshes - before).toBe(6);
    },
  );

  it.skipIf(!tier.available)("honours the tenant's maxConcurrency and beforeExpirySeconds", async () => {
    const { tenantId, ids } = await freshTenant(6);
    await updateTenantSettings(store.db, tenantId, {
      services: { [REFRESH_SERVICE]: { refreshEnabled: true, beforeExpirySeconds: 900, maxConcurrency: 2 } },
    });
    provider.mode = { kind: 'slow', ms: 150 };
    provider.maxInFlight = 0;
    await refresher({ concurrency: 8 }).runOnce();
    // Counted at the provider: never more than two of this tenant's refreshes at once.
    expect(provider.maxInFlight).toBe(2);
    for (const r of await rows(ids))
      expect(r.nextRefreshAt?.getTime()).toBe((r.expiresAt?.getTime() ?? 0) - 900_000);
  });

  it.skipIf(!tier.available)(
    'refresh switched off for a tenant: nothing is refreshed, looked at again later',
    async () => {
      const { tenantId, ids } = await freshTenant(3);
      await updateTenantSettings(store.db, tenantId, {
        services: {
          [REFRESH_SERVICE]: { refreshEnabled: false, beforeExpirySeconds: 300, maxConcurrency: 4 },
        },
      });
      const before = provider.requests;
      await refresher().runOnce();
      expect(provider.requests).toBe(before);
      for (const r of await rows(ids)) {
        expect(r.version).toBe(1);
        expect(r.leaseOwner).toBeNull();
        expect((r.nextRefreshAt?.getTime() ?? 0) - Date.now()).toBeGreaterThan(9 * 60_000);
      }
    },
  );

  it.skipIf(!tier.available)(
    'a transient failure backs off: retried after the cool-down, not before',
    async () => {
      const { ids } = await freshTenant(2);
      provider.mode = { kind: 'status', status: 503, retryAfter: '30' };
      const before = provider.requests;
      await refresher().runOnce();
      expect(provider.requests - before).toBe(2);
      await refresher().runOnce();
      expect(provider.requests - before).toBe(2);
      for (const r of await rows(ids)) {
        expect(r.status).toBe('active');
        expect(r.failureCount).toBe(1);
        expect(r.nextRefreshAt?.getTime()).toBe(r.cooldownUntil?.getTime());
        expect((r.cooldownUntil?.getTime() ?? 0) - Date.now()).toBeGreaterThan(25_000);
      }
    },
  );

  it.skipIf(!tier.available)("takes over a dead replica's expired lease, and counts it", async () => {
    const { ids } = await freshTenant(1);
    const id = ids[0] ?? '';
    await store.db
      .update(connections)
      .set({ leaseOwner: 'dead-replica', leaseExpiresAt: inSeconds(-1) })
      .where(eq(connections.id, id));
    const live = await freshTenant(1);
    await store.db
      .update(connections)
      .set({ leaseOwner: 'busy-replica', leaseExpiresAt: inSeconds(60) })
      .where(eq(connections.id, live.ids[0] ?? ''));
    const takeovers = (await metrics.refreshLeaseTakeovers.get()).values[0]?.value ?? 0;
    await refresher().runOnce();
    expect((await metrics.refreshLeaseTakeovers.get()).values[0]?.value).toBe(takeovers + 1);
    const [taken] = await rows([id]);
    expect(taken?.version).toBe(2);
    // A lease still running is not touched.
    const [held] = await rows(live.ids);
    expect(held?.version).toBe(1);
    expect(held?.leaseOwner).toBe('busy-replica');
  });
});
