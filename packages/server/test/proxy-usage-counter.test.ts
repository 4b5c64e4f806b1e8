import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyUsageCounter } from '../src/proxy/usage-counter.js';
import { proxyUsageByHour } from '../src/store/activity.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';

const HOUR = 3_600_000;

/** The Dashboard's call counters: summed across flushes and replicas, kept through a failed write. */
describe('ProxyUsageCounter', () => {
  let store: Store;
  let now = Date.UTC(2026, 11, 4, 10, 30);
  const errors: unknown[] = [];
  const counter = () =>
    new ProxyUsageCounter({
      db: store.db,
      flushMs: 0,
      now: () => now,
      onError: (err) => errors.push(err),
    });

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    await runMigrations(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('adds the counts of two replicas into one row per hour and service', async () => {
    const a = counter();
    const b = counter();
    a.count('ten_1', 'usr_1', 'mail', false);
    a.count('ten_1', 'usr_1', 'mail', true);
    b.count('ten_1', 'usr_1', 'mail', false);
    b.count('ten_1', 'usr_1', 'drive', false);
    now += HOUR;
    a.count('ten_1', 'usr_1', 'mail', false);
    a.count('ten_2', 'usr_2', 'mail', false);
    await Promise.all([a.flush(), b.flush()]);
    await a.flush(); // nothing left: adds nothing

    const rows = await proxyUsageByHour(store.db, { tenantId: 'ten_1', userId: 'usr_1' }, new Date(0));
    expect(rows.map((r) => ({ ...r, hour: r.hour.getTime() }))).toEqual([
      { hour: now - HOUR - 30 * 60_000, serviceId: 'drive', calls: 1, failed: 0 },
      { hour: now - HOUR - 30 * 60_000, serviceId: 'mail', calls: 3, failed: 1 },
      { hour: now - 30 * 60_000, serviceId: 'mail', calls: 1, failed: 0 },
    ]);
    expect(errors).toEqual([]);
  });

  it('counts the same caller again after a flush, and while a flush is being written', async () => {
    const c = counter();
    c.count('ten_4', 'usr_4', 'mail', false);
    await c.flush();
    c.count('ten_4', 'usr_4', 'mail', false);
    const writing = c.flush();
    c.count('ten_4', 'usr_4', 'mail', true);
    await writing;
    await c.flush();
    const rows = await proxyUsageByHour(store.db, { tenantId: 'ten_4' }, new Date(0));
    expect(rows).toEqual([expect.objectContaining({ serviceId: 'mail', calls: 3, failed: 1 })]);
  });

  it('keeps the counts of a failed write for the next flush', async () => {
    const c = counter();
    c.count('ten_3', 'usr_3', 'chat', false);
    await store.withClient((client) => client.query('alter table proxy_usage rename to proxy_usage_away'));
    await c.flush();
    expect(errors).toHaveLength(1);
    c.count('ten_3', 'usr_3', 'chat', true);
    await store.withClient((client) => client.query('alter table proxy_usage_away rename to proxy_usage'));
    await c.flush();
    const rows = await proxyUsageByHour(store.db, { tenantId: 'ten_3' }, new Date(0));
    expect(rows).toEqual([expect.objectContaining({ serviceId: 'chat', calls: 2, failed: 1 })]);
  });
});
