import { sql } from 'drizzle-orm';
import { z } from 'zod';

/** An audit event as the API shows it (SPEC §8). */
export const auditEventView = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    tenantId: z.string().nullable(),
    source: z.string(),
    externalId: z.string().nullable(),
    occurredAt: z.string().describe('ISO 8601, microseconds'),
    receivedAt: z.string(),
    actor: z.object({
      type: z.string(),
      id: z.string().nullable(),
      label: z.string().nullable(),
      ip: z.string().nullable(),
      userAgent: z.string().nullable(),
    }),
    action: z.string(),
    target: z.object({
      type: z.string().nullable(),
      id: z.string().nullable(),
      label: z.string().nullable(),
    }),
    outcome: z.enum(['success', 'failure', 'denied']),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventView = z.infer<typeof auditEventView>;

/** A row as `viewColumns` selects it. */
export interface AuditEventRow {
  id: string;
  seq: string;
  tenant_id: string | null;
  source: string;
  external_id: string | null;
  occurred_at: string;
  received_at: string;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  actor_ip: string | null;
  actor_user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  target_label: string | null;
  outcome: 'success' | 'failure' | 'denied';
  metadata: Record<string, unknown> | string;
}

const iso = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The select list for `AuditEventRow`: times as exact UTC text, so a cursor round-trips without loss. */
export const viewColumns = sql.raw(`e.id, e.seq::text as seq, e.tenant_id, e.source, e.external_id,
  ${iso('e.occurred_at')} as occurred_at, ${iso('e.received_at')} as received_at,
  e.actor_type, e.actor_id, e.actor_label, e.actor_ip, e.actor_user_agent, e.action,
  e.target_type, e.target_id, e.target_label, e.outcome, e.metadata`);

export function toEventView(r: AuditEventRow): AuditEventView {
  return {
    id: r.id,
    seq: Number(r.seq),
    tenantId: r.tenant_id,
    source: r.source,
    externalId: r.external_id,
    occurredAt: r.occurred_at,
    receivedAt: r.received_at,
    actor: {
      type: r.actor_type,
      id: r.actor_id,
      label: r.actor_label,
      ip: r.actor_ip,
      userAgent: r.actor_user_agent,
    },
    action: r.action,
    target: { type: r.target_type, id: r.target_id, label: r.target_label },
    outcome: r.outcome,
    // node-postgres parses jsonb; PGlite's raw query does too, but a text value is parsed here.
    metadata:
      typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : r.metadata,
  };
}
