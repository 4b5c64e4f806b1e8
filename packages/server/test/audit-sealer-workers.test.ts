import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPending } from '../src/audit/chain/seal.js';
import { verifyChains } from '../src/audit/chain/verify.js';
import { recordAudit, systemActor } from '../src/audit/record.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { rawRows } from '../src/store/raw-rows.js';
import { intervalWorker, type Worker } from '../src/workers/worker.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './helpers/postgres.js';

const quietLog = { warn: () => undefined, error: () => undefined };

/** Polls `check` until it holds; the suite's timeout bounds the wait (no timed assertion). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 25));
}

async function counts(store: Store): Promise<{ events: number; sealed: number; distinct: number }> {
  const [row] = await rawRows<{ events: string; sealed: string; distinct_sealed: string }>(
    store.db,
    sql`select (select count(*) from audit_events)::text as events,
               (select count(*) from audit_block_events)::text as sealed,
               (select count(distinct event_seq) from audit_block_events)::text as distinct_sealed`,
  );
  return { events: Number(row?.events), sealed: Number(row?.sealed), distinct: Number(row?.distinct_sealed) };
}

warnPostgresTierSkipped();

describe.runIf(postgresUrl !== undefined)('audit sealing across replicas (PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  const stores: Store[] = [];

  beforeAll(async () => {
    db = await createTempDatabase();
    for (let i = 0; i < 2; i++) stores.push(await openStore({ url: db.url, poolSize: 6 }));
    await Promise.all(stores.map((s) => runMigrations(s)));
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.drop();
  });

  it('seals every event written by two replicas at once exactly once, and the chains verify', async () => {
    // Each replica runs its own sealer while both write: writers must never wait for the chain.
    const sealers: Worker[] = stores.map((s, i) =>
      intervalWorker({
        name: `sealer-${i}`,
        intervalMs: 5,
        log: quietLog,
        run: async () => (await sealPending(s.db, { batchSize: 37, stragglerWindowSeconds: 1 })).more,
      }),
    );
    for (const w of sealers) await w.start();
    try {
      const writers = stores.flatMap((s, r) =>
        Array.from({ length: 4 }, (_, w) =>
          (async () => {
            for (let t = 0; t < 15; t++) {
              await s.db.transaction(async (tx) => {
                for (let k = 0; k < 3; k++) {
                  await recordAudit(tx, {
                    action: 'user.updated',
                    tenantId: t % 3 === 0 ? null : `ten_${(r + w + t) % 3}`,
                    actor: systemActor,
                    metadata: { r, w, t, k },
                  });
                }
              });
            }
          })(),
        ),
      );
      await Promise.all(writers);
      await eventually(async () => {
        const c = await counts(stores[0] as Store);
        return c.sealed === c.events;
      });
    } finally {
      for (const w of sealers) await w.stop();
    }
    const c = await counts(stores[0] as Store);
    expect(c).toEqual({ events: 2 * 4 * 15 * 3, sealed: 360, distinct: 360 });
    const report = await verifyChains((stores[1] as Store).db);
    expect(report.firstBroken).toBeNull();
    expect(report.ok).toBe(true);
    expect(report.unsealedEvents).toBe(0);
    expect(report.chains.map((ch) => ch.chainId).sort()).toEqual(['platform', 'ten_0', 'ten_1', 'ten_2']);
    expect(report.chains.reduce((n, ch) => n + ch.events, 0)).toBe(360);
  });

  it('lets only one replica seal at a time: the other backs off without error', async () => {
    const [a, b] = stores as [Store, Store];
    await a.db.transaction((tx) => recordAudit(tx, { action: 'user.updated', actor: systemActor }));
    // Hold the sealer's lock on replica a inside an open transaction, then try to seal from b.
    await a.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(7311100008)`);
      const report = await sealPending(b.db);
      expect(report).toEqual({ locked: false, events: 0, blocks: 0, more: false });
    });
    const after = await sealPending(b.db);
    expect(after).toMatchObject({ locked: true, events: 1 });
  });

  it('seals an event whose transaction committed after later events were sealed', async () => {
    const [a, b] = stores as [Store, Store];
    let release: () => void = () => undefined;
    const held = new Promise<void>((r) => {
      release = r;
    });
    let inserted: () => void = () => undefined;
    const insertedSignal = new Promise<void>((r) => {
      inserted = r;
    });
    // A slow transaction takes a seq number first but commits last.
    const slow = a.db.transaction(async (tx) => {
      await recordAudit(tx, { action: 'user.updated', actor: systemActor, metadata: { slow: true } });
      inserted();
      await held;
    });
    await insertedSignal;
    await b.db.transaction((tx) => recordAudit(tx, { action: 'user.updated', actor: systemActor }));
    await sealPending(b.db, { stragglerWindowSeconds: 3600 });
    release();
    await slow;
    await sealPending(b.db, { stragglerWindowSeconds: 3600 });
    const c = await counts(b);
    expect(c.sealed).toBe(c.events);
    expect((await verifyChains(b.db)).ok).toBe(true);
  });
});

describe('the server runs the sealer as a worker and serves verify', () => {
  const data = tempDataDir();
  let store: Store;
  let server: RunningServer;
  const token = async (user: string, audience?: string) => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/dev-idp/token',
      payload: audience === undefined ? { user } : { user, audience },
    });
    return `Bearer ${res.json<{ access_token: string }>().access_token}`;
  };

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(testConfig(data.dir, { audit: { sealer: { intervalMs: 20 } } }), { store });
  });
  afterAll(async () => {
    await server.close();
    await store.close();
    data.cleanup();
  });

  it('starts the sealer and seals the events the server records', async () => {
    expect(server.workers?.names).toContain('audit-sealer');
    // Signing in records user and membership events in the demo tenant.
    const adam = await token('adam');
    const me = await server.app.inject({ url: '/api/v1/me', headers: { authorization: adam } });
    expect(me.statusCode).toBe(200);
    await eventually(async () => {
      const c = await counts(store);
      return c.events > 0 && c.sealed === c.events;
    });
    const res = await server.app.inject({
      url: '/api/v1/admin/audit/verify',
      headers: { authorization: adam },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ ok: boolean; chains: { chainId: string; events: number }[] }>();
    expect(body.ok).toBe(true);
    expect(body.chains).toHaveLength(1);
    expect(body.chains[0]?.chainId).toMatch(/^ten_/);
    expect(body.chains[0]?.events).toBeGreaterThan(0);
  });

  it('names the broken block through the API', async () => {
    const adam = await token('adam');
    const [victim] = await rawRows<{ seq: string; chain_id: string; block_seq: string }>(
      store.db,
      sql`select event_seq::text as seq, chain_id, block_seq::text as block_seq from audit_block_events
          where chain_id like 'ten_%' order by event_seq limit 1`,
    );
    await store.db.execute(
      sql`update audit_events set action = 'tampered.action' where seq = ${victim?.seq}`,
    );
    const res = await server.app.inject({
      url: '/api/v1/admin/audit/verify',
      headers: { authorization: adam },
    });
    expect(res.json()).toMatchObject({
      ok: false,
      firstBroken: { chainId: victim?.chain_id, blockSeq: Number(victim?.block_seq) },
    });
  });

  it('refuses verify to members and the operator verify to non-operators', async () => {
    const alice = await token('alice');
    expectProblem(
      await server.app.inject({ url: '/api/v1/admin/audit/verify', headers: { authorization: alice } }),
      403,
      'forbidden',
    );
    expectProblem(await server.app.inject({ url: '/api/v1/admin/audit/verify' }), 401, 'unauthenticated');
    const olgaPlain = await token('olga');
    expectProblem(
      await server.app.inject({
        url: '/api/v1/operator/audit/verify',
        headers: { authorization: olgaPlain },
      }),
      403,
      'forbidden',
    );
    const adamOperator = await token('adam', 'latchkey-operator');
    expectProblem(
      await server.app.inject({
        url: '/api/v1/operator/audit/verify',
        headers: { authorization: adamOperator },
      }),
      403,
      'forbidden',
    );
    const olga = await token('olga', 'latchkey-operator');
    const res = await server.app.inject({
      url: '/api/v1/operator/audit/verify',
      headers: { authorization: olga },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ chains: unknown[] }>().chains.length).toBeGreaterThan(0);
  });

  it('stops its workers when closed', async () => {
    const other = tempDataDir();
    const s = await startServer(testConfig(other.dir), { store, workers: false });
    expect(s.workers).toBeUndefined();
    await s.close();
    other.cleanup();
  });
});
