import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealPending } from '../src/audit/chain/seal.js';
import { verifyChains } from '../src/audit/chain/verify.js';
import { setRetention } from '../src/audit/retention/policy.js';
import { purgeExpired } from '../src/audit/retention/purge.js';
import { systemActor } from '../src/audit/record.js';
import type { Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { rawRows } from '../src/store/raw-rows.js';
import { seedEvents } from './helpers/audit-events.js';
import { storeTiers } from './helpers/store-tiers.js';

const KEEP = 'ten_keeps';
const OTHER = 'ten_forever';
const DAY = 86_400_000;

for (const tier of storeTiers()) {
  describe.runIf(tier.available)(
    `audit retention per tenant keeps the chain verifiable on ${tier.name}`,
    () => {
      let store: Store;
      let dispose: () => Promise<void>;
      const now = new Date();
      const ago = (days: number) => new Date(now.getTime() - days * DAY);

      const sealBlock = async (tenantId: string, n: number, receivedDaysAgo: number) => {
        await seedEvents(
          store.db,
          Array.from({ length: n }, (_, i) => ({
            action: 'x.y',
            tenantId,
            receivedAt: ago(receivedDaysAgo),
            metadata: { i },
          })),
        );
        expect((await sealPending(store.db)).more).toBe(false);
      };
      const eventCount = async (tenantId: string) => {
        const [row] = await rawRows<{ n: string }>(
          store.db,
          sql`select count(*)::text as n from audit_events where tenant_id = ${tenantId} and action = 'x.y'`,
        );
        return Number(row?.n);
      };

      beforeAll(async () => {
        ({ store, dispose } = await tier.open());
        await runMigrations(store);
        // Blocks 1-3 of each tenant are 100, 60 and 40 days old; block 4 is fresh.
        for (const t of [KEEP, OTHER]) {
          await sealBlock(t, 3, 100);
          await sealBlock(t, 2, 60);
          await sealBlock(t, 2, 40);
          await sealBlock(t, 4, 0);
        }
        await store.db.transaction((tx) => setRetention(tx, KEEP, 50, systemActor));
        await sealPending(store.db);
      });
      afterAll(async () => {
        await dispose();
      });

      it('drops the oldest whole blocks past the cutoff, only for tenants with a retention', async () => {
        const reports = await purgeExpired(store.db, now);
        expect(reports).toEqual([{ tenantId: KEEP, blocks: 2, events: 5, anchorSeq: 2 }]);
        expect(await eventCount(KEEP)).toBe(6);
        expect(await eventCount(OTHER)).toBe(11);
        // Nothing more to drop: a second run is a no-op.
        expect(await purgeExpired(store.db, now)).toEqual([]);
      });

      it('verifies every chain from its oldest kept block, the purge itself recorded and sealed', async () => {
        await sealPending(store.db);
        const report = await verifyChains(store.db);
        expect(report.firstBroken).toBeNull();
        const keep = report.chains.find((c) => c.chainId === KEEP);
        expect(keep).toMatchObject({ anchorSeq: 2, blocks: 4 });
        const [purged] = await rawRows<{ metadata: { blocks: number; events: number } }>(
          store.db,
          sql`select metadata from audit_events where action = 'audit.purged' and tenant_id = ${KEEP}`,
        );
        expect(purged?.metadata).toMatchObject({ blocks: 2, events: 5, retentionDays: 50 });
      });

      it('still names a deleted oldest kept block, or one whose prev_hash no longer follows the anchor', async () => {
        await store.db.execute(
          sql`update audit_blocks set prev_hash = ${'a'.repeat(64)} where chain_id = ${KEEP} and block_seq = 3`,
        );
        expect((await verifyChains(store.db, { tenantId: KEEP })).firstBroken).toMatchObject({ blockSeq: 3 });
        await store.db.execute(sql`delete from audit_blocks where chain_id = ${KEEP} and block_seq = 3`);
        expect((await verifyChains(store.db, { tenantId: KEEP })).firstBroken).toMatchObject({
          blockSeq: 3,
          reason: 'block 3 is missing',
        });
      });
    },
  );
}
