import { newId } from '../ids.js';
import type { Executor } from '../store/db.js';
import { auditEvents } from '../store/schema/index.js';
import type { AuditAction } from './actions.js';
import { enqueueDeliveries } from './webhooks/enqueue.js';

/** Who did it. `ip` and `userAgent` come from the request when there is one. */
export interface AuditActor {
  type: 'user' | 'api_token' | 'system' | 'service';
  id?: string | null;
  label?: string | null;
  ip?: string | null;
  userAgent?: string | null;
}

export interface AuditTarget {
  type: string;
  id?: string | null;
  label?: string | null;
}

export interface AuditEventInput {
  action: AuditAction;
  tenantId?: string | null;
  actor: AuditActor;
  target?: AuditTarget;
  outcome?: 'success' | 'failure' | 'denied';
  /** Never a secret: tokens are referred to by id and prefix. */
  metadata?: Record<string, unknown>;
  occurredAt?: Date;
}

/** The actor for work Latchkey does on its own (start-up bootstrap, workers, CLI maintenance). */
export const systemActor: AuditActor = { type: 'system', id: null, label: 'latchkey' };

/**
 * Records an event in the caller's transaction: if the event cannot be written, the change it
 * describes is rolled back with it (fail closed).
 */
export async function recordAudit(tx: Executor, event: AuditEventInput): Promise<string> {
  const id = newId('evt');
  await tx.insert(auditEvents).values({
    id,
    tenantId: event.tenantId ?? null,
    source: 'latchkey',
    occurredAt: event.occurredAt ?? new Date(),
    actorType: event.actor.type,
    actorId: event.actor.id ?? null,
    actorLabel: event.actor.label ?? null,
    actorIp: event.actor.ip ?? null,
    actorUserAgent: event.actor.userAgent ?? null,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    targetLabel: event.target?.label ?? null,
    outcome: event.outcome ?? 'success',
    metadata: event.metadata ?? {},
  });
  if (event.tenantId != null) await enqueueDeliveries(tx, [id]);
  return id;
}
