import { sql } from 'drizzle-orm';

/**
 * The select list that reads an `audit_events` row (aliased `e`) as a `HashableEvent`. Timestamps
 * are read in microseconds, PostgreSQL's precision, so an edit finer than a millisecond still shows.
 */
export const hashableColumns = sql.raw(`e.id, e.seq::text as seq, e.tenant_id, e.source, e.external_id,
  (extract(epoch from e.occurred_at) * 1000000)::bigint::text as occurred_us,
  (extract(epoch from e.received_at) * 1000000)::bigint::text as received_us,
  e.actor_type, e.actor_id, e.actor_label, e.actor_ip, e.actor_user_agent, e.action,
  e.target_type, e.target_id, e.target_label, e.outcome, e.metadata::text as metadata`);
