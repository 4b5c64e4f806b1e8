import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { SEALER_LOCK } from '../chain/seal.js';
import { recordAudit, systemActor } from '../record.js';

export interface PurgeReport {
  tenantId: string;
  blocks: number;
  events: number;
  /** The block the oldest kept block now follows. */
  anchorSeq: number;
}

/**
 * Applies each tenant's retention: drops the oldest whole blocks of its chain whose newest event
 * was received before the cutoff, with their events, and moves the chain's anchor to the last
 * dropped block's hash, so `verify` still checks every kept block from the oldest one. Runs under
 * the sealer's lock: a purge and a seal never interleave on one chain. Unsealed events are kept
 * (they are purged once sealed). Each purge is itself an audit event.
 */
export async function purgeExpired(db: Db, now: Date = new Date()): Promise<PurgeReport[]> {
  const policies = await rawRows<{ tenant_id: string; days: number }>(
    db,
    sql`select tenant_id, days from audit_retention order by tenant_id`,
  );
  const reports: PurgeReport[] = [];
  for (const p of policies) {
    const cutoff = new Date(now.getTime() - p.days * 86_400_000);
    const report = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${SEALER_LOCK})`);
      return purgeChain(tx, p.tenant_id, cutoff, p.days);
    });
    if (report !== null) reports.push(report);
  }
  return reports;
}

async function purgeChain(tx: Tx, tenantId: string, cutoff: Date, days: number): Promise<PurgeReport | null> {
  // The last block of the expired prefix: every block up to it is older than the cutoff.
  const [edge] = await rawRows<{ last: string | null; hash: string | null }>(
    tx,
    sql`select k.block_seq::text as last, k.hash from audit_blocks k
        where k.chain_id = ${tenantId}
          and k.block_seq < coalesce((select min(n.block_seq) from audit_blocks n
                                      where n.chain_id = ${tenantId} and n.last_received_at >= ${cutoff.toISOString()}::timestamptz),
                                     9223372036854775807)
        order by k.block_seq desc limit 1`,
  );
  if (edge?.last == null || edge.hash === null) return null;
  const last = Number(edge.last);
  const [events] = await rawRows<{ n: string }>(
    tx,
    sql`with gone as (
          delete from audit_events e using audit_block_events b
          where b.chain_id = ${tenantId} and b.block_seq <= ${last} and e.seq = b.event_seq
          returning e.id)
        , outbox as (delete from audit_webhook_deliveries d using gone where d.event_id = gone.id)
        select count(*)::text as n from gone`,
  );
  await tx.execute(sql`delete from audit_block_events where chain_id = ${tenantId} and block_seq <= ${last}`);
  const [blocks] = await rawRows<{ n: string }>(
    tx,
    sql`with gone as (delete from audit_blocks where chain_id = ${tenantId} and block_seq <= ${last} returning 1)
        select count(*)::text as n from gone`,
  );
  await tx.execute(
    sql`update audit_chains set anchor_seq = ${last}, anchor_hash = ${edge.hash}, updated_at = now()
        where chain_id = ${tenantId}`,
  );
  const report = {
    tenantId,
    blocks: Number(blocks?.n ?? 0),
    events: Number(events?.n ?? 0),
    anchorSeq: last,
  };
  await recordAudit(tx, {
    action: 'audit.purged',
    tenantId,
    actor: systemActor,
    target: { type: 'audit_chain', id: tenantId },
    metadata: { ...report, retentionDays: days, cutoff: cutoff.toISOString(), anchorHash: edge.hash },
  });
  return report;
}
