import { sql } from 'drizzle-orm';
import type { Db } from '../store/db.js';
import { rawRows } from '../store/raw-rows.js';
import type { Mailer } from './mailer.js';
import { noticeMail } from './messages.js';

interface Claimed {
  id: string;
  kind: 'api_token_expiring' | 'connection_needs_consent';
  attempts: number;
  email: string;
  user_name: string | null;
  label: string | null;
  expires_at: Date | string | null;
}

export interface SendSettings {
  maxAttempts: number;
  backoffSeconds: number;
  consoleUrl: string;
  batchSize?: number;
  /** How long a claimed notice is held by this replica while its mail is sent. */
  leaseSeconds?: number;
}

/**
 * One e-mail outbox run: claims due notices with a lease (`FOR UPDATE SKIP LOCKED`, so replicas
 * never mail the same notice at once), sends each, and records the outcome: `sent`, or a retry with
 * exponential backoff until `maxAttempts`, then `failed`. Returns how many were claimed.
 */
export async function sendDueNotices(db: Db, mailer: Mailer, settings: SendSettings): Promise<number> {
  const batch = settings.batchSize ?? 20;
  const lease = settings.leaseSeconds ?? 120;
  const claimed = await db.transaction(async (tx) => {
    const ids = await rawRows<{ id: string }>(
      tx,
      sql`select id from notices where email_status = 'pending' and next_attempt_at <= now()
          order by next_attempt_at, id limit ${batch} for update skip locked`,
    );
    if (ids.length === 0) return [];
    const list = `{${ids.map((r) => r.id).join(',')}}`;
    await tx.execute(
      sql`update notices set next_attempt_at = now() + make_interval(secs => ${lease})
          where id = any(${list}::text[])`,
    );
    return rawRows<Claimed>(
      tx,
      sql`select n.id, n.kind, n.attempts, u.email, u.name as user_name,
                 coalesce(t.name, c.service_id) as label, t.expires_at
          from notices n
          join users u on u.id = n.user_id
          left join api_tokens t on n.kind = 'api_token_expiring' and t.id = n.subject_id
          left join connections c on n.kind = 'connection_needs_consent' and c.id = n.subject_id
          where n.id = any(${list}::text[]) order by n.created_at, n.id`,
    );
  });
  for (const n of claimed) {
    let error: string | null = null;
    try {
      await mailer.send(
        noticeMail({
          kind: n.kind,
          to: n.email,
          userName: n.user_name,
          label: n.label ?? 'a service',
          expiresAt: n.expires_at === null ? null : new Date(n.expires_at),
          consoleUrl: settings.consoleUrl,
        }),
      );
    } catch (err) {
      // The kind only: an SMTP server's reply can echo addresses and more into our logs.
      error = err instanceof Error ? `send failed (${err.name})` : 'send failed';
    }
    const attempts = n.attempts + 1;
    const status = error === null ? 'sent' : attempts >= settings.maxAttempts ? 'failed' : 'pending';
    const delay = Math.min(86_400, settings.backoffSeconds * 2 ** (attempts - 1));
    await db.execute(
      sql`update notices set attempts = ${attempts}, email_status = ${status}, last_error = ${error},
            sent_at = ${status === 'sent' ? sql`now()` : sql`null`},
            next_attempt_at = now() + make_interval(secs => ${status === 'pending' ? delay : 0})
          where id = ${n.id}`,
    );
  }
  return claimed.length;
}
