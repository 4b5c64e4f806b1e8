import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { hashableColumns } from './event-columns.js';
import { GENESIS_HASH, blockHash, chainIdOf, eventHash, type HashableEvent } from './event-hash.js';

// Fixed and distinct from the migration lock: one sealer at a time across every replica.
export const SEALER_LOCK = 7_311_100_008;
const SEALER_CURSOR = 'sealer';

export interface SealOptions {
  /** Most events sealed per run (one transaction). */
  batchSize?: number;
  /**
   * How long a transaction may stay open before its events are assumed committed. Sequence numbers
   * are taken at insert and committed later, so an event can appear behind ones already sealed; the
   * sealer keeps looking behind its floor for this long and seals such stragglers in a later block.
   */
  stragglerWindowSeconds?: number;
}

export interface SealReport {
  /** False when another replica held the sealer lock: nothing was done, nothing is wrong. */
  locked: boolean;
  events: number;
  blocks: number;
  /** True when this run took a full batch: more may be waiting. */
  more: boolean;
}

interface PendingEvent extends HashableEvent {
  received_at: Date | string;
}

/**
 * Appends unsealed events, in `seq` order, to the hash chain of their tenant: one block per chain
 * per run. Writers of events never touch the chain (they only insert into `audit_events`), so they
 * never wait for it; sealers on several replicas take turns under a transaction advisory lock.
 */
export async function sealPending(db: Db, options: SealOptions = {}): Promise<SealReport> {
  const batchSize = options.batchSize ?? 1000;
  const window = options.stragglerWindowSeconds ?? 300;
  return db.transaction(async (tx) => {
    const [lock] = await rawRows<{ ok: boolean }>(
      tx,
      sql`select pg_try_advisory_xact_lock(${SEALER_LOCK}) as ok`,
    );
    if (lock?.ok !== true) return { locked: false, events: 0, blocks: 0, more: false };

    const floor = await readFloor(tx);
    const pending = await rawRows<PendingEvent>(
      tx,
      sql`select ${hashableColumns}, e.received_at from audit_events e
          where e.seq > ${floor}
            and not exists (select 1 from audit_block_events b where b.event_seq = e.seq)
          order by e.seq limit ${batchSize}`,
    );

    const byChain = new Map<string, PendingEvent[]>();
    for (const e of pending) {
      const chainId = chainIdOf(e.tenant_id);
      const list = byChain.get(chainId) ?? [];
      list.push(e);
      byChain.set(chainId, list);
    }
    for (const [chainId, events] of byChain) await appendBlock(tx, chainId, events);

    const more = pending.length === batchSize;
    // Only a caught-up sealer may move its floor: below it, every visible event is sealed.
    if (!more) await advanceFloor(tx, floor, window);
    return { locked: true, events: pending.length, blocks: byChain.size, more };
  });
}

async function appendBlock(tx: Tx, chainId: string, events: PendingEvent[]): Promise<void> {
  await tx.execute(
    sql`insert into audit_chains (chain_id, head_seq, head_hash, anchor_seq, anchor_hash)
        values (${chainId}, 0, ${GENESIS_HASH}, 0, ${GENESIS_HASH}) on conflict (chain_id) do nothing`,
  );
  const [chain] = await rawRows<{ head_seq: string; head_hash: string }>(
    tx,
    sql`select head_seq::text as head_seq, head_hash from audit_chains where chain_id = ${chainId} for update`,
  );
  if (chain === undefined) throw new Error(`audit chain ${chainId} vanished`);
  const blockSeq = Number(chain.head_seq) + 1;
  const hash = blockHash(chain.head_hash, events.map(eventHash));
  const first = events[0];
  const last = events[events.length - 1];
  if (first === undefined || last === undefined) return;
  const lastReceived = events.reduce(
    (max, e) => Math.max(max, new Date(e.received_at).getTime()),
    new Date(first.received_at).getTime(),
  );
  await tx.execute(
    sql`insert into audit_blocks (chain_id, block_seq, prev_hash, hash, event_count, first_event_seq, last_event_seq, last_received_at)
        values (${chainId}, ${blockSeq}, ${chain.head_hash}, ${hash}, ${events.length}, ${first.seq}, ${last.seq},
                ${new Date(lastReceived).toISOString()})`,
  );
  const seqs = events.map((e) => e.seq);
  const positions = events.map((_, i) => i);
  await tx.execute(
    sql`insert into audit_block_events (event_seq, chain_id, block_seq, position)
        select s::bigint, ${chainId}, ${blockSeq}, p
        from unnest(${toPgArray(seqs)}::text[], ${toPgArray(positions.map(String))}::int[]) as u(s, p)`,
  );
  await tx.execute(
    sql`update audit_chains set head_seq = ${blockSeq}, head_hash = ${hash}, updated_at = now()
        where chain_id = ${chainId}`,
  );
}

/** A PostgreSQL array literal of plain tokens (digits only here), sent as one text parameter. */
function toPgArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

async function readFloor(tx: Tx): Promise<number> {
  const [row] = await rawRows<{ floor: string | null }>(
    tx,
    sql`select value->>'floor' as floor from audit_cursors where id = ${SEALER_CURSOR}`,
  );
  return row?.floor == null ? 0 : Number(row.floor);
}

/**
 * Moves the floor to the newest event older than the straggler window, when every visible event
 * up to it is sealed; events above the floor are re-checked each run, so a late commit is sealed.
 */
async function advanceFloor(tx: Tx, floor: number, windowSeconds: number): Promise<void> {
  const [row] = await rawRows<{ next: string | null }>(
    tx,
    sql`select max(e.seq)::text as next from audit_events e
        where e.seq > ${floor} and e.received_at < now() - make_interval(secs => ${windowSeconds})
          and e.seq < coalesce((select min(u.seq) from audit_events u where u.seq > ${floor}
                                and not exists (select 1 from audit_block_events b where b.event_seq = u.seq)),
                               9223372036854775807)`,
  );
  if (row?.next == null) return;
  await tx.execute(
    sql`insert into audit_cursors (id, value) values (${SEALER_CURSOR}, ${JSON.stringify({ floor: Number(row.next) })}::jsonb)
        on conflict (id) do update set value = excluded.value, updated_at = now()`,
  );
}
