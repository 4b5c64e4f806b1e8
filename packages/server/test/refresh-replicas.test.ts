import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { connections } from '../src/store/schema/index.js';
import { createTempDatabase, postgresUrl } from './helpers/postgres.js';
import { seedConnection, seedTenant, testKeyring } from './helpers/refresh-fixtures.js';
import { RefreshProvider } from './helpers/refresh-provider.js';
import { startRefreshReplica, type RefreshReplica } from './helpers/refresh-replica.js';

const keyring = testKeyring();
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * SPEC §4.4 across replicas: separate processes on one PostgreSQL, a rotating OAuth token
 * endpoint on loopback that counts every refresh and revokes a grant whose spent refresh token
 * comes back (RFC 9700 §4.14.2).
 */
describe.skipIf(postgresUrl === undefined)('refresh across replica processes (postgres)', () => {
  const provider = new RefreshProvider();
  let store: Store;
  let drop: () => Promise<void>;
  let url: string;
  let tenantId: string;
  const started: RefreshReplica[] = [];
  const replica = (spec: object) => {
    const r = startRefreshReplica({ databaseUrl: url, provider: providerSpec(), tenantId, ...spec });
    started.push(r);
    return r;
  };
  const providerSpec = () => ({
    url: provider.url,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
  });

  beforeAll(async () => {
    await provider.start();
    const db = await createTempDatabase();
    url = db.url;
    drop = db.drop;
    store = await openStore({ url, poolSize: 4 });
    await runMigrations(store);
    tenantId = await seedTenant(store);
  });
  afterAll(async () => {
    for (const r of started)
      if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
    await Promise.all(started.map((r) => r.exited));
    await store.close();
    await drop();
    await provider.stop();
  });

  it('50 concurrent requests in two processes: one refresh reaches the provider, all get the new token', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(20) });
    // A slow provider keeps the first refresh in flight while the other process arrives.
    provider.mode = { kind: 'slow', ms: 300 };
    const a = replica({ mode: 'acquire', userId: c.userId, count: 25 });
    const b = replica({ mode: 'acquire', userId: c.userId, count: 25 });
    await Promise.all([a.message('ready'), b.message('ready')]);
    const before = provider.requests;
    a.send('go');
    b.send('go');
    const [ra, rb] = await Promise.all([
      a.message<{ tokens?: string[]; error?: string }>('tokens'),
      b.message<{ tokens?: string[]; error?: string }>('tokens'),
    ]);
    provider.mode = { kind: 'ok' };
    expect(provider.requests - before).toBe(1);
    const all = [...(ra.tokens ?? []), ...(rb.tokens ?? [])];
    expect(all).toHaveLength(50);
    expect(new Set(all)).toEqual(new Set([c.accessToken.replace(/-0$/, '-1')]));
    expect(provider.reuseDetected).toBe(0);
  }, 60_000);

  it('kill -9 mid-batch: another replica finishes after the lease expires; every grant still accepted', async () => {
    const seeded = await Promise.all(
      Array.from({ length: 24 }, () =>
        seedConnection(store, keyring, provider, {
          tenantId,
          expiresAt: inSeconds(120),
          nextRefreshAt: inSeconds(-1),
        }),
      ),
    );
    const before = provider.requests;
    const refreshedBefore = provider.refreshes;
    provider.mode = { kind: 'slow', ms: 300 };
    const a = replica({ mode: 'background', leaseMs: 2_000, batchSize: 24, concurrency: 4 });
    await a.message('ready');
    // Two rounds done, then the provider holds what comes next: once all four of A's refreshes
    // are waiting at the provider, none is between the provider's answer and A's commit.
    await until(() => provider.requests - before >= 8, 30_000, 'two rounds of refreshes');
    provider.mode = { kind: 'hold' };
    await until(() => provider.held === 4, 30_000, "A's four refreshes held at the provider");
    a.child.kill('SIGKILL');
    await a.exited;
    // The provider sees the four hang up: they exchanged nothing.
    await until(() => provider.held === 0, 30_000, 'the held requests to end');
    const doneByA = provider.refreshes - refreshedBefore;

    provider.mode = { kind: 'ok' };
    const b = replica({ mode: 'background', leaseMs: 2_000, batchSize: 24, concurrency: 4 });
    await b.message('ready');
    const ids = seeded.map((s) => s.id);
    await until(
      async () => {
        const rows = await store.db.select().from(connections).where(eq(connections.tenantId, tenantId));
        const ours = rows.filter((r) => ids.includes(r.id));
        return ours.every((r) => r.nextRefreshAt !== null && r.nextRefreshAt.getTime() > Date.now() + 60_000);
      },
      30_000,
      'every connection refreshed',
    ).catch(async (err: unknown) => {
      // Say where it stuck: the rows' refresh state and what B printed.
      const rows = await store.db.select().from(connections).where(eq(connections.tenantId, tenantId));
      const state = rows.map((r) => [r.status, r.nextRefreshAt, r.leaseOwner, r.leaseExpiresAt, r.lastError]);
      throw new Error(`${String(err)}\n${JSON.stringify(state)}\n${b.debug()}`);
    });
    b.send('stop');
    const report = await b.message<{ takeovers: number; refreshes: number }>('takeovers');
    await b.exited;

    // A died with leases on what it had not finished; B took them over once they expired.
    expect(doneByA).toBeGreaterThanOrEqual(8);
    expect(report.takeovers).toBe(24 - doneByA);
    // Each connection refreshed exactly once, by one replica or the other.
    expect(doneByA + report.refreshes).toBe(24);
    expect(provider.refreshes - refreshedBefore).toBe(24);
    const rows = await store.db.select().from(connections).where(eq(connections.tenantId, tenantId));
    for (const id of ids) {
      const row = rows.find((r) => r.id === id);
      expect(row?.status).toBe('active');
      expect(row?.leaseOwner).toBeNull();
      // The refresh token Latchkey holds is the one the provider accepts now: no grant was lost.
      expect(provider.accepts(openToken(keyring, id, 'refresh_token', row?.refreshTokenEnc ?? ''))).toBe(
        true,
      );
    }
    expect(provider.reuseDetected).toBe(0);
  }, 90_000);
});
