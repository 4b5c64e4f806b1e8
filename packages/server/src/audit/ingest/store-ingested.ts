import type { AuditSourceConfig } from '../../config/audit-schema.js';
import { newId } from '../../ids.js';
import type { Executor } from '../../store/db.js';
import { auditEvents } from '../../store/schema/index.js';
import { enqueueDeliveries } from '../webhooks/enqueue.js';
import { TenantInference } from './infer-tenant.js';
import { mapEvent } from './map-event.js';
import type { IngestObserver } from './observer.js';

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
  const rows: (typeof auditEvents.$inferInsert)[] = [];
  const seen = new Set<string>();
  const occurredAt = new Map<string, Date>();
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
    occurredAt.set(id, e.occurredAt);
    rows.push({
      id,
      tenantId: await tenants.infer(source.tenant, e),
      source: e.source,
      externalId: e.externalId,
      occurredAt: e.occurredAt,
      receivedAt,
      actorType: 'user',
      // A source without actor ids names its actors by e-mail or name: that is their id there.
      actorId: e.actor.id ?? e.actor.email ?? e.actor.label,
      actorLabel: e.actor.label ?? e.actor.email,
      actorIp: e.actor.ip,
      action: e.action,
      targetType: e.target.type,
      targetId: e.target.id,
      targetLabel: e.target.label,
      outcome: e.outcome,
      metadata: { raw: e.raw },
    });
  }
  const storedIds = new Set<string>();
  // PostgreSQL takes at most 65 535 parameters a statement: 17 columns × 1 000 rows stays below.
  for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
    const chunk = rows.slice(start, start + INSERT_CHUNK);
    const inserted = await tx
      .insert(auditEvents)
      .values(chunk)
      .onConflictDoNothing({ target: [auditEvents.source, auditEvents.externalId] })
      .returning({ id: auditEvents.id });
    counts.stored += inserted.length;
    for (const r of inserted) storedIds.add(r.id);
    counts.duplicates += chunk.length - inserted.length;
    await enqueueDeliveries(
      tx,
      inserted.map((r) => r.id),
    );
  }
  if (observer !== undefined) {
    const lags = [...storedIds].map(
      (id) => (receivedAt.getTime() - (occurredAt.get(id)?.getTime() ?? receivedAt.getTime())) / 1000,
    );
    observer.batch(source.id, counts, lags);
  }
  return counts;
}
