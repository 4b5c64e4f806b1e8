import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sealPending } from '../src/audit/chain/seal.js';
import { verifyChains } from '../src/audit/chain/verify.js';
import { recordAudit, systemActor } from '../src/audit/record.js';
import type { Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { rawRows } from '../src/store/raw-rows.js';
import { storeTiers } from './helpers/store-tiers.js';

const TENANT = 'ten_chaintest';

async function addEvents(store: Store, n: number, tenantId: string | null = TENANT): Promise<void> {
  await store.db.transaction(async (tx) => {
    for (let i = 0; i < n; i++) {
      await recordAudit(tx, {
        action: 'user.updated',
        tenantId,
        actor: { ...systemActor, ip: '192.0.2.1' },
        target: { type: 'user', id: `usr_${i}` },
        metadata: { i, nested: { b: 2, a: [1, 'x'] } },
      });
    }
  });
}

/** Builds `blocks` blocks of `size` events each in the tenant's chain. */
async function buildChain(store: Store, blocks: number, size: number): Promise<void> {
  for (let b = 0; b < blocks; b++) {
    await addEvents(store, size);
    await sealAll(store);
  }
}

async function sealAll(store: Store): Promise<void> {
  for (;;) {
    const r = await sealPending(store.db, { batchSize: 500 });
    expect(r.locked).toBe(true);
    if (!r.more) return;
  }
}

async function exec(store: Store, query: ReturnType<typeof sql>): Promise<void> {
  await store.db.execute(query);
}

/** The seq of the event at `position` of block `blockSeq` in the test tenant's chain. */
async function eventSeqAt(store: Store, blockSeq: number, position: number): Promise<number> {
  const [row] = await rawRows<{ s: string }>(
    store.db,
    sql`select event_seq::text as s from audit_block_events where chain_id = ${TENANT} and block_seq = ${blockSeq} and position = ${position}`,
  );
  if (row === undefined) throw new Error('no such event');
  return Number(row.s);
}

for (const tier of storeTiers()) {
  describe.runIf(tier.available)(`audit hash chain: tamper evidence (SPEC §8) on ${tier.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      ({ store, dispose } = await tier.open());
      await runMigrations(store);
    });
    afterAll(async () => {
      await dispose();
    });
    beforeEach(async () => {
      await exec(
        store,
        sql`truncate audit_events, audit_blocks, audit_block_events, audit_chains, audit_cursors`,
      );
      await buildChain(store, 4, 5);
    });

    it('seals events in seq order into blocks whose hashes chain, and verifies', async () => {
      const report = await verifyChains(store.db);
      expect(report).toMatchObject({ ok: true, firstBroken: null, unsealedEvents: 0 });
      expect(report.chains).toEqual([
        { chainId: TENANT, blocks: 4, events: 20, anchorSeq: 0, headSeq: 4, broken: null },
      ]);
      const blocks = await rawRows<{
        block_seq: string;
        prev_hash: string;
        hash: string;
        first: string;
        last: string;
      }>(
        store.db,
        sql`select block_seq::text as block_seq, prev_hash, hash, first_event_seq::text as first, last_event_seq::text as last
            from audit_blocks order by block_seq`,
      );
      expect(blocks[0]?.prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < blocks.length; i++) {
        expect(blocks[i]?.prev_hash).toBe(blocks[i - 1]?.hash);
        expect(Number(blocks[i]?.first)).toBeGreaterThan(Number(blocks[i - 1]?.last));
      }
    });

    it('orders blocks by number past block 9, not as text', async () => {
      await buildChain(store, 8, 1);
      const report = await verifyChains(store.db);
      expect(report.firstBroken).toBeNull();
      expect(report.chains[0]).toMatchObject({ blocks: 12, headSeq: 12 });
    });

    it('keeps one chain per tenant and one for platform events', async () => {
      await addEvents(store, 2, 'ten_other');
      await addEvents(store, 3, null);
      await sealAll(store);
      const report = await verifyChains(store.db);
      expect(report.ok).toBe(true);
      expect(report.chains.map((c) => [c.chainId, c.events])).toEqual([
        ['platform', 3],
        [TENANT, 20],
        ['ten_other', 2],
      ]);
      const tenantOnly = await verifyChains(store.db, { tenantId: 'ten_other' });
      expect(tenantOnly.chains.map((c) => c.chainId)).toEqual(['ten_other']);
    });

    it('counts events not sealed yet without calling the chain broken', async () => {
      await addEvents(store, 3);
      const report = await verifyChains(store.db);
      expect(report).toMatchObject({ ok: true, unsealedEvents: 3 });
    });

    it('names the block of a changed event (one field, or a sub-millisecond change of its time)', async () => {
      const seq = await eventSeqAt(store, 3, 2);
      await exec(store, sql`update audit_events set actor_label = 'mallory' where seq = ${seq}`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ chainId: TENANT, blockSeq: 3 });

      await exec(store, sql`update audit_events set actor_label = 'latchkey' where seq = ${seq}`);
      expect((await verifyChains(store.db)).ok).toBe(true);

      const other = await eventSeqAt(store, 2, 0);
      await exec(
        store,
        sql`update audit_events set occurred_at = occurred_at + interval '1 microsecond' where seq = ${other}`,
      );
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 2 });
    });

    it('names the block of a changed metadata value', async () => {
      const seq = await eventSeqAt(store, 4, 4);
      await exec(store, sql`update audit_events set metadata = '{"i": 99}'::jsonb where seq = ${seq}`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 4 });
    });

    it('names the block of a deleted event, with or without its seal row', async () => {
      const seq = await eventSeqAt(store, 2, 1);
      await exec(store, sql`delete from audit_events where seq = ${seq}`);
      const report = await verifyChains(store.db);
      expect(report.firstBroken).toMatchObject({
        blockSeq: 2,
        reason: expect.stringContaining('missing') as string,
      });

      await exec(store, sql`delete from audit_block_events where event_seq = ${seq}`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 2 });
      await exec(
        store,
        sql`update audit_blocks set event_count = 4 where chain_id = ${TENANT} and block_seq = 2`,
      );
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 2 });
    });

    it('names the block whose events were reordered', async () => {
      const a = await eventSeqAt(store, 3, 0);
      const b = await eventSeqAt(store, 3, 1);
      await exec(store, sql`update audit_block_events set position = -1 where event_seq = ${a}`);
      await exec(store, sql`update audit_block_events set position = 0 where event_seq = ${b}`);
      await exec(store, sql`update audit_block_events set position = 1 where event_seq = ${a}`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 3 });
    });

    it('names the block whose events swapped their seq numbers', async () => {
      const a = await eventSeqAt(store, 1, 0);
      const b = await eventSeqAt(store, 1, 4);
      await exec(store, sql`update audit_events set seq = -1 where seq = ${a}`);
      await exec(store, sql`update audit_events set seq = ${a} where seq = ${b}`);
      await exec(store, sql`update audit_events set seq = ${b} where seq = -1`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 1 });
    });

    it('names a block whose stored hash was changed', async () => {
      await exec(
        store,
        sql`update audit_blocks set hash = ${'f'.repeat(64)} where chain_id = ${TENANT} and block_seq = 2`,
      );
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 2 });
    });

    it('names a deleted block, in the middle or at the head', async () => {
      await exec(store, sql`delete from audit_blocks where chain_id = ${TENANT} and block_seq = 4`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 4 });
      await exec(store, sql`delete from audit_blocks where chain_id = ${TENANT} and block_seq = 2`);
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({
        blockSeq: 2,
        reason: 'block 2 is missing',
      });
    });

    it('names the first block of two that swapped places', async () => {
      await exec(
        store,
        sql`update audit_blocks set block_seq = -2 where chain_id = ${TENANT} and block_seq = 2`,
      );
      await exec(
        store,
        sql`update audit_blocks set block_seq = 2 where chain_id = ${TENANT} and block_seq = 3`,
      );
      await exec(
        store,
        sql`update audit_blocks set block_seq = 3 where chain_id = ${TENANT} and block_seq = -2`,
      );
      expect((await verifyChains(store.db)).firstBroken).toMatchObject({ blockSeq: 2 });
    });

    it('names the block of any single tampered event (property)', async () => {
      const fields = ['action', 'actor_id', 'target_id', 'outcome', 'source', 'tenant_id'] as const;
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 0, max: 4 }),
          fc.constantFrom(...fields),
          async (blockSeq, position, field) => {
            const seq = await eventSeqAt(store, blockSeq, position);
            const [before] = await rawRows<Record<string, string | null>>(
              store.db,
              sql`select ${sql.identifier(field)} as v from audit_events where seq = ${seq}`,
            );
            const value = field === 'outcome' ? 'denied' : 'tampered';
            await exec(
              store,
              sql`update audit_events set ${sql.identifier(field)} = ${value} where seq = ${seq}`,
            );
            try {
              expect((await verifyChains(store.db)).firstBroken).toMatchObject({ chainId: TENANT, blockSeq });
            } finally {
              await exec(
                store,
                sql`update audit_events set ${sql.identifier(field)} = ${before?.v ?? null} where seq = ${seq}`,
              );
            }
            expect((await verifyChains(store.db)).ok).toBe(true);
          },
        ),
        { numRuns: 15 },
      );
    });
  });
}
