import { sql } from 'drizzle-orm';
import type { Executor } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { hashableColumns } from './event-columns.js';
import { blockHash, chainIdOf, eventHash, type HashableEvent } from './event-hash.js';

/** The first block of a chain that does not verify, and why. */
export interface BrokenBlock {
  chainId: string;
  blockSeq: number;
  reason: string;
}

export interface ChainReport {
  chainId: string;
  blocks: number;
  events: number;
  /** Block number the oldest kept block follows (retention moves it forward). */
  anchorSeq: number;
  headSeq: number;
  broken: BrokenBlock | null;
}

export interface VerifyReport {
  ok: boolean;
  chains: ChainReport[];
  /** The first broken block over all chains verified, or null. */
  firstBroken: BrokenBlock | null;
  /** Events not sealed yet (the sealer runs in the background); informational. */
  unsealedEvents: number;
}

interface BlockRow {
  block_seq: string;
  prev_hash: string;
  hash: string;
  event_count: number;
}

interface MemberRow extends Partial<HashableEvent> {
  block_seq: string;
  position: number;
  event_seq: string;
}

const PAGE = 200;

/**
 * Recomputes hash chains from the stored events and names the first broken block of each:
 * a missing or extra block, a `prev_hash` that does not follow, a missing event, or a block hash
 * that no longer matches its events (an event edited, removed or moved). `tenantId` limits the
 * check to that tenant's chain.
 */
export async function verifyChains(db: Executor, scope: { tenantId?: string } = {}): Promise<VerifyReport> {
  const chains = await rawRows<{
    chain_id: string;
    head_seq: string;
    head_hash: string;
    anchor_seq: string;
    anchor_hash: string;
  }>(
    db,
    scope.tenantId === undefined
      ? sql`select chain_id, head_seq::text as head_seq, head_hash, anchor_seq::text as anchor_seq, anchor_hash
            from audit_chains order by chain_id`
      : sql`select chain_id, head_seq::text as head_seq, head_hash, anchor_seq::text as anchor_seq, anchor_hash
            from audit_chains where chain_id = ${chainIdOf(scope.tenantId)}`,
  );
  const reports: ChainReport[] = [];
  for (const c of chains) {
    reports.push(
      await verifyChain(db, c.chain_id, {
        headSeq: Number(c.head_seq),
        headHash: c.head_hash,
        anchorSeq: Number(c.anchor_seq),
        anchorHash: c.anchor_hash,
      }),
    );
  }
  const [unsealed] = await rawRows<{ n: string }>(
    db,
    sql`select count(*)::text as n from audit_events e
        where not exists (select 1 from audit_block_events b where b.event_seq = e.seq)
        ${scope.tenantId === undefined ? sql`` : sql`and e.tenant_id = ${scope.tenantId}`}`,
  );
  const firstBroken = reports.find((r) => r.broken !== null)?.broken ?? null;
  return { ok: firstBroken === null, chains: reports, firstBroken, unsealedEvents: Number(unsealed?.n ?? 0) };
}

async function verifyChain(
  db: Executor,
  chainId: string,
  head: { headSeq: number; headHash: string; anchorSeq: number; anchorHash: string },
): Promise<ChainReport> {
  const report: ChainReport = {
    chainId,
    blocks: 0,
    events: 0,
    anchorSeq: head.anchorSeq,
    headSeq: head.headSeq,
    broken: null,
  };
  const fail = (blockSeq: number, reason: string): ChainReport => {
    report.broken = { chainId, blockSeq, reason };
    return report;
  };
  let expectedSeq = head.anchorSeq + 1;
  let prevHash = head.anchorHash;
  for (;;) {
    const blocks = await rawRows<BlockRow>(
      db,
      // Ordered by the bigint column (`k.block_seq`), not by the text alias of the same name.
      sql`select k.block_seq::text as block_seq, k.prev_hash, k.hash, k.event_count from audit_blocks k
          where k.chain_id = ${chainId} and k.block_seq >= ${expectedSeq} order by k.block_seq limit ${PAGE}`,
    );
    if (blocks.length === 0) break;
    const firstSeq = Number(blocks[0]?.block_seq);
    const lastSeq = Number(blocks[blocks.length - 1]?.block_seq);
    const members = await rawRows<MemberRow>(
      db,
      sql`select b.block_seq::text as block_seq, b.position, b.event_seq::text as event_seq, ${hashableColumns}
          from audit_block_events b left join audit_events e on e.seq = b.event_seq
          where b.chain_id = ${chainId} and b.block_seq between ${firstSeq} and ${lastSeq}
          order by b.block_seq, b.position`,
    );
    const byBlock = new Map<string, MemberRow[]>();
    for (const m of members) {
      const list = byBlock.get(m.block_seq) ?? [];
      list.push(m);
      byBlock.set(m.block_seq, list);
    }
    for (const block of blocks) {
      const seq = Number(block.block_seq);
      if (seq !== expectedSeq) return fail(expectedSeq, `block ${expectedSeq} is missing`);
      if (block.prev_hash !== prevHash) {
        return fail(seq, `prev_hash does not match the hash of block ${seq - 1}`);
      }
      const list = byBlock.get(block.block_seq) ?? [];
      if (list.length !== block.event_count) {
        return fail(seq, `holds ${list.length} event(s), sealed with ${block.event_count}`);
      }
      const hashes: Buffer[] = [];
      for (const [i, m] of list.entries()) {
        if (m.position !== i) return fail(seq, `event positions are not 0..${list.length - 1}`);
        if (m.id == null) return fail(seq, `event #${m.event_seq} is missing`);
        const event = m as HashableEvent;
        if (chainIdOf(event.tenant_id) !== chainId)
          return fail(seq, `event ${event.id} belongs to another chain`);
        hashes.push(eventHash(event));
      }
      if (blockHash(block.prev_hash, hashes) !== block.hash) {
        return fail(seq, 'hash does not match its events: an event or the block was altered');
      }
      report.blocks += 1;
      report.events += list.length;
      prevHash = block.hash;
      expectedSeq = seq + 1;
    }
  }
  if (expectedSeq - 1 < head.headSeq) {
    return fail(expectedSeq, `block ${expectedSeq} is missing (the chain head is block ${head.headSeq})`);
  }
  if (expectedSeq - 1 > head.headSeq) {
    return fail(head.headSeq + 1, `block ${head.headSeq + 1} follows the recorded chain head`);
  }
  if (prevHash !== head.headHash) return fail(head.headSeq, 'hash does not match the recorded chain head');
  return report;
}
