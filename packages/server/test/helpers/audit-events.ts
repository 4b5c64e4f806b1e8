import { newId } from '../../src/ids.js';
import type { Executor } from '../../src/store/db.js';
import { auditEvents } from '../../src/store/schema/index.js';

/** An event of any action (ingested events are not limited to Latchkey's own list). */
export interface SeedEvent {
  action: string;
  tenantId?: string | null | undefined;
  source?: string;
  externalId?: string | null | undefined;
  actorId?: string | null | undefined;
  actorLabel?: string | null | undefined;
  targetId?: string | null | undefined;
  targetLabel?: string | null | undefined;
  outcome?: 'success' | 'failure' | 'denied';
  occurredAt?: Date;
  receivedAt?: Date | undefined;
  metadata?: Record<string, unknown>;
}

/** Inserts events as they would arrive, for query tests; returns their ids in order. */
export async function seedEvents(db: Executor, events: SeedEvent[]): Promise<string[]> {
  const rows = events.map((e) => ({
    id: newId('evt'),
    tenantId: e.tenantId ?? null,
    source: e.source ?? 'latchkey',
    externalId: e.externalId ?? null,
    occurredAt: e.occurredAt ?? new Date(),
    ...(e.receivedAt !== undefined && { receivedAt: e.receivedAt }),
    actorType: 'user',
    actorId: e.actorId ?? null,
    actorLabel: e.actorLabel ?? null,
    action: e.action,
    targetType: e.targetId == null ? null : 'thing',
    targetId: e.targetId ?? null,
    targetLabel: e.targetLabel ?? null,
    outcome: e.outcome ?? 'success',
    metadata: e.metadata ?? {},
  }));
  if (rows.length > 0) await db.insert(auditEvents).values(rows);
  return rows.map((r) => r.id);
}
