import { sql } from 'drizzle-orm';
import type { Executor } from '../../store/db.js';

/**
 * Puts the events into the outbox of every active subscription of their tenant whose action
 * prefixes match, in the caller's transaction: an event that commits is queued, one that rolls
 * back is not (a transactional outbox, so no event is lost or sent for a change that never was).
 */
export async function enqueueDeliveries(tx: Executor, eventIds: readonly string[]): Promise<void> {
  if (eventIds.length === 0) return;
  // Ids are `evt_` + base36: safe inside an array literal.
  const ids = `{${eventIds.join(',')}}`;
  await tx.execute(
    sql`insert into audit_webhook_deliveries (id, webhook_id, tenant_id, event_id)
        select 'dlv_' || replace(gen_random_uuid()::text, '-', ''), w.id, w.tenant_id, e.id
        from audit_events e
        join audit_webhooks w on w.tenant_id = e.tenant_id and w.active
        where e.id = any(${ids}::text[])
          and (cardinality(w.actions) = 0 or exists (select 1 from unnest(w.actions) p where starts_with(e.action, p)))
        on conflict (webhook_id, event_id) do nothing`,
  );
}
