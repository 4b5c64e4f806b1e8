import { sql } from 'drizzle-orm';
import type { AuditSourceConfig } from '../../config/audit-schema.js';
import { newId } from '../../ids.js';
import type { Executor } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { enqueueDeliveries } from '../webhooks/enqueue.js';
import { TenantInference } from './infer-tenant.js';
import { mapEvent } from './map-event.js';
import type { IngestObserver } from './observer.js';

// Rows per insert statement: bounds the size of the one JSON parameter.
const INSERT_CHUNK = 1000;

export interface IngestCounts {
  /** Events in the input. */
  received: number;
  /** Newly stored. */
  stored: number;
  /** Already stored before (same source and external id): acknowledged, not stored again. */
  duplicates: number;
  /** Dropped by the source's allowlist. */
  filtered: number;
  /** Not a JSON object. */
  invalid: number;
}

/** A raw foreign event and the id to use when it carries none (file tails: `inode:offset`). */
export interface RawIngest {
  value: unknown;
  fallbackId?: string;
}

/**
 * Maps, filters and stores a batch of one source's events in the caller's transaction. Dedup is
 * the unique `(source, external_id)`: a replay is counted as a duplicate and stored once.
 */
export async function storeIngested(
  tx: Executor,
  source: AuditSourceConfig,
  batch: readonly RawIngest[],
  observer?: IngestObserver,
): Promise<IngestCounts> {
  const counts: IngestCounts = { received: batch.length, stored: 0, duplicates: 0, filtered: 0, invalid: 0 };
  const tenants = new TenantInference(tx);
  const receivedAt = new Date();
  const rows: IngestRow[] = [];
  const seen = new Set<string>();
  const occurredAt = new Map<string, number>();
  const received = receivedAt.toISOString();
  for (const item of batch) {
    const mapped = mapEvent(
      source,
      item.value,
      item.fallbackId === undefined ? {} : { fallbackId: item.fallbackId },
    );
    if (!mapped.ok) {
      if (mapped.reason === 'filtered') counts.filtered += 1;
      else counts.invalid += 1;
      continue;
    }
    const e = mapped.event;
    // The same event twice in one batch is a duplicate too (one insert statement cannot say so).
    if (seen.has(e.externalId)) {
      counts.duplicates += 1;
      continue;
    }
    seen.add(e.externalId);
    const id = newId('evt');
    occurredAt.set(id, e.occurredAt.getTime());
    rows.push({
      id,
      tenant_id: await tenants.infer(source.tenant, e),
      source: e.source,
      external_id: e.externalId,
      occurred_at: e.occurredAt.toISOString(),
      received_at: received,
      actor_type: 'user',
      // A source without actor ids names its actors by e-mail or name: that is their id there.
      actor_id: e.actor.id ?? e.actor.email ?? e.actor.label,
      actor_label: e.actor.label ?? e.actor.email,
      actor_ip: e.actor.ip,
      action: e.action,
      target_type: e.target.type,
      target_id: e.target.id,
      target_label: e.target.label,
      outcome: e.outcome,
      metadata: { raw: e.raw },
    });
  }
  const storedIds = new Set<string>();
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const inserted = await insertRows(tx, chunk);
    counts.stored += inserted.length;
    for (const id of inserted) storedIds.add(id);
    counts.duplicates += chunk.length - inserted.length;
    await enqueueDeliveries(tx, inserted);
  }
  if (observer !== undefined) {
    const lags = [...storedIds].map(
      (id) => (receivedAt.getTime() - (occurredAt.get(id) ?? receivedAt.getTime())) / 1000,
    );
    observer.batch(source.id, counts, lags);
  }
  return counts;
}

/** One event as the insert statement reads it: the columns of `audit_events`, by their names. */
interface IngestRow {
  id: string;
  tenant_id: string | null;
  source: string;
  external_id: string;
  occurred_at: string;
  received_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  actor_ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: string;
  metadata: Record<string, unknown>;
}

/**
 * Inserts a chunk as one statement with one JSON parameter (instead of 17 parameters a row: binding
 * thousands of parameters cost more than the insert itself), in input order (`ordinality`), so the
 * events' `seq` — the order the sealer chains them in — is the order they arrived in. A row whose
 * `(source, external_id)` is already stored is skipped. Returns the ids stored.
 */
async function insertRows(tx: Executor, chunk: readonly IngestRow[]): Promise<string[]> {
  const rows = await rawRows<{ id: string }>(
    tx,
    sql`insert into audit_events (id, tenant_id, source, external_id, occurred_at, received_at, actor_type,
                                  actor_id, actor_label, actor_ip, action, target_type, target_id,
                                  target_label, outcome, metadata)
        select x.id, x.tenant_id, x.source, x.external_id, x.occurred_at, x.received_at, x.actor_type,
               x.actor_id, x.actor_label, x.actor_ip, x.action, x.target_type, x.target_id,
               x.target_label, x.outcome, coalesce(x.metadata, '{}'::jsonb)
        from rows from (json_to_recordset(${JSON.stringify(chunk)}::json) as (
               id text, tenant_id text, source text, external_id text, occurred_at timestamptz,
               received_at timestamptz, actor_type text, actor_id text, actor_label text, actor_ip text,
               action text, target_type text, target_id text, target_label text, outcome text,
               metadata jsonb)) with ordinality as x(
               id, tenant_id, source, external_id, occurred_at, received_at, actor_type, actor_id,
               actor_label, actor_ip, action, target_type, target_id, target_label, outcome, metadata, ord)
        order by x.ord
        on conflict (source, external_id) do nothing
        returning id`,
  );
  return rows.map((r) => r.id);
}
