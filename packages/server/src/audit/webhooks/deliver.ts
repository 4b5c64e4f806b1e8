import { sql } from 'drizzle-orm';
import type { Keyring } from '../../crypto/keyring.js';
import type { Db } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { toEventView, viewColumns, type AuditEventRow } from '../query/event-view.js';
import { postSigned } from './post-signed.js';
import { webhookSecrets } from './subscriptions.js';

export interface DeliverySettings {
  timeoutMs: number;
  maxAttempts: number;
  backoffMs: number;
  /** Deliveries claimed per run. */
  batchSize?: number;
}

interface Claimed extends AuditEventRow {
  delivery_id: string;
  attempts: number;
  webhook_id: string;
  url: string;
  secret_enc: string;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Date | string | null;
}

/**
 * One outbox run: claims due deliveries with a lease (`FOR UPDATE SKIP LOCKED`, so replicas never
 * send the same one at once), POSTs each signed, and records the attempt. A 2xx marks it delivered;
 * anything else retries with exponential backoff until `maxAttempts`, then `failed`. Returns how many
 * were claimed (a full batch means more may be due).
 */
export async function deliverDue(db: Db, keyring: Keyring, settings: DeliverySettings): Promise<number> {
  const batch = settings.batchSize ?? 20;
  const leaseMs = settings.timeoutMs * 2;
  const claimed = await db.transaction(async (tx) => {
    const ids = await rawRows<{ id: string }>(
      tx,
      sql`select id from audit_webhook_deliveries where status = 'pending' and next_attempt_at <= now()
          order by next_attempt_at, id limit ${batch} for update skip locked`,
    );
    if (ids.length === 0) return [];
    const list = `{${ids.map((r) => r.id).join(',')}}`;
    await tx.execute(
      sql`update audit_webhook_deliveries set next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
          where id = any(${list}::text[])`,
    );
    return rawRows<Claimed>(
      tx,
      sql`select d.id as delivery_id, d.attempts, w.id as webhook_id, w.url, w.secret_enc,
            w.previous_secret_enc, w.previous_secret_expires_at, ${viewColumns}
          from audit_webhook_deliveries d
          join audit_webhooks w on w.id = d.webhook_id
          join audit_events e on e.id = d.event_id
          where d.id = any(${list}::text[]) order by e.seq`,
    );
  });
  for (const c of claimed) await deliverOne(db, keyring, settings, c);
  return claimed.length;
}

async function deliverOne(db: Db, keyring: Keyring, settings: DeliverySettings, c: Claimed): Promise<void> {
  const event = toEventView(c);
  const body = JSON.stringify({ id: c.delivery_id, type: event.action, event });
  const { statusCode: status, error } = await postSigned({
    url: c.url,
    body,
    secrets: webhookSecrets(keyring, {
      id: c.webhook_id,
      secretEnc: c.secret_enc,
      previousSecretEnc: c.previous_secret_enc,
      previousSecretExpiresAt:
        c.previous_secret_expires_at === null ? null : new Date(c.previous_secret_expires_at),
    }),
    deliveryId: c.delivery_id,
    eventType: event.action,
    timeoutMs: settings.timeoutMs,
  });
  const attempts = c.attempts + 1;
  const delivered = error === null;
  const failed = !delivered && attempts >= settings.maxAttempts;
  const delayMs = Math.min(3_600_000, settings.backoffMs * 2 ** (attempts - 1));
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`update audit_webhook_deliveries set
            attempts = ${attempts},
            status = ${delivered ? 'delivered' : failed ? 'failed' : 'pending'},
            last_attempt_at = now(),
            last_status_code = ${status},
            last_error = ${error},
            delivered_at = ${delivered ? sql`now()` : sql`null`},
            next_attempt_at = now() + make_interval(secs => ${delivered ? 0 : delayMs / 1000})
          where id = ${c.delivery_id}`,
    );
    await tx.execute(
      sql`insert into audit_webhook_attempts (id, delivery_id, tenant_id, status_code, error)
          values ('att_' || replace(gen_random_uuid()::text, '-', ''), ${c.delivery_id}, ${c.tenant_id}, ${status}, ${error})`,
    );
  });
}
