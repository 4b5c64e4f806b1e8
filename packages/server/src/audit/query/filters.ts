import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';

/** Query-string filters shared by the audit list, export and live tail (SPEC §8). */
export const auditFilterSchema = z.object({
  actor: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Actor id (for ingested events without one: their e-mail or name)'),
  action: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe('Action prefix (`api_token.` or `api_token.created`)'),
  source: z.string().min(1).max(64).optional().describe('`latchkey` or an ingest source id'),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  target: z.string().min(1).max(200).optional().describe('Target id'),
  from: z.iso.datetime({ offset: true }).optional().describe('Occurred at or after (ISO 8601)'),
  to: z.iso.datetime({ offset: true }).optional().describe('Occurred before (ISO 8601)'),
  q: z.string().min(1).max(200).optional().describe('Free text in action, actor, target and metadata'),
});
export type AuditFilters = z.infer<typeof auditFilterSchema>;

/** Whose events a caller may read: its own, its tenant's, or (operators) everything. */
export type AuditScope =
  { kind: 'own'; userId: string } | { kind: 'tenant'; tenantId: string } | { kind: 'all' };

/** `%`, `_` and `\` are LIKE wildcards: a user's text must only ever match itself. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The WHERE conditions (on `audit_events e`) of a scope and filters. The scope is always the first
 * condition: isolation is decided here, where the data is read, never by the handler afterwards.
 */
export function auditConditions(scope: AuditScope, f: AuditFilters): SQL[] {
  const where: SQL[] = [];
  // Own events: what the user did, and what their API tokens did for them (proxy calls, exchanges).
  if (scope.kind === 'own') {
    where.push(
      sql`(e.actor_id = ${scope.userId} or (e.actor_type = 'api_token' and e.actor_id in
           (select t.id from api_tokens t where t.user_id = ${scope.userId})))`,
    );
  }
  if (scope.kind === 'tenant') where.push(sql`e.tenant_id = ${scope.tenantId}`);
  // Equality on actor_id alone, so `audit_events_tenant_actor_idx` serves the page (an OR would not).
  if (f.actor !== undefined) where.push(sql`e.actor_id = ${f.actor}`);
  if (f.action !== undefined) {
    // A prefix with a dot names its family (`proxy.` → `proxy`): the condition lets
    // `audit_events_tenant_family_idx` walk that family newest first.
    const dot = f.action.indexOf('.');
    if (dot > 0) where.push(sql`split_part(e.action, '.', 1) = ${f.action.slice(0, dot)}`);
    where.push(sql`e.action like ${`${escapeLike(f.action)}%`}`);
  }
  if (f.source !== undefined) where.push(sql`e.source = ${f.source}`);
  if (f.outcome !== undefined) where.push(sql`e.outcome = ${f.outcome}`);
  if (f.target !== undefined) where.push(sql`e.target_id = ${f.target}`);
  if (f.from !== undefined) where.push(sql`e.occurred_at >= ${f.from}::timestamptz`);
  if (f.to !== undefined) where.push(sql`e.occurred_at < ${f.to}::timestamptz`);
  if (f.q !== undefined) {
    const like = `%${escapeLike(f.q)}%`;
    where.push(
      sql`(e.action ilike ${like} or e.actor_label ilike ${like} or e.actor_id ilike ${like}
           or e.target_label ilike ${like} or e.target_id ilike ${like} or e.metadata::text ilike ${like})`,
    );
  }
  return where;
}

/** `cond1 and cond2 …`, or `true`. */
export function andAll(conditions: SQL[]): SQL {
  return conditions.length === 0 ? sql`true` : sql.join(conditions, sql` and `);
}
