import { sql } from 'drizzle-orm';
import { recordAudit, systemActor } from '../audit/record.js';
import type { Db } from '../store/db.js';
import { rawRows } from '../store/raw-rows.js';

interface Created {
  id: string;
  tenant_id: string;
  user_id: string;
  subject_id: string;
  occasion: string;
  label: string;
  expires_at: Date | string | null;
}

/**
 * The expiry marks as windows: a token is owed the `d`-day notice when it expires within `d` days
 * but not within the next smaller mark — so a replica that was down for a while sends the one
 * notice that is still true ("expires in 1 day"), not every mark it missed at once.
 */
export function expiryWindows(days: readonly number[]): { days: number; after: number }[] {
  const sorted = [...new Set(days)].sort((a, b) => a - b);
  return sorted.map((d, i) => ({ days: d, after: i === 0 ? 0 : (sorted[i - 1] ?? 0) }));
}

/**
 * Records the notices owed now (SPEC §5): tokens reaching a mark before expiry, connections that
 * fell into `needs_consent`. One row per occasion (unique), so however many replicas look, each
 * notice is created once; each new notice is an audit event (`notice.…`) in the same transaction,
 * which carries it to the tenant's outgoing webhooks. E-mail follows from the same row when SMTP
 * is configured. A mark longer than the token's whole lifetime is skipped (a 7-day token is not
 * told on creation that it expires within 30 days).
 */
export async function recordOwedNotices(
  db: Db,
  options: { expiryDays: readonly number[]; email: boolean },
): Promise<number> {
  const emailStatus = sql`case when ${options.email} and u.email is not null then 'pending' else 'skipped' end`;
  return db.transaction(async (tx) => {
    let created = 0;
    for (const w of expiryWindows(options.expiryDays)) {
      const rows = await rawRows<Created>(
        tx,
        sql`with ins as (
              insert into notices (id, tenant_id, user_id, kind, subject_id, occasion, email_status)
              select 'ntc_' || replace(gen_random_uuid()::text, '-', ''), t.tenant_id, t.user_id,
                     'api_token_expiring', t.id, ${`${w.days}d`}, ${emailStatus}
              from api_tokens t
              join users u on u.id = t.user_id
              join tenants tn on tn.id = t.tenant_id and tn.status = 'active'
              where t.revoked_at is null and t.rotated_at is null
                and t.expires_at > now() + make_interval(days => ${w.after})
                and t.expires_at <= now() + make_interval(days => ${w.days})
                and t.expires_at - t.created_at > make_interval(days => ${w.days})
              on conflict (kind, subject_id, occasion) do nothing
              returning id, tenant_id, user_id, subject_id, occasion)
            select ins.*, t.name as label, t.expires_at from ins join api_tokens t on t.id = ins.subject_id`,
      );
      for (const r of rows) {
        await recordAudit(tx, {
          action: 'notice.api_token_expiring',
          tenantId: r.tenant_id,
          actor: systemActor,
          target: { type: 'api_token', id: r.subject_id, label: r.label },
          metadata: {
            userId: r.user_id,
            days: w.days,
            expiresAt: r.expires_at === null ? null : new Date(r.expires_at).toISOString(),
          },
        });
      }
      created += rows.length;
    }
    // A connection's version moves with every token write, so falling into needs_consent again
    // after a reconnect is a new occasion.
    const consent = await rawRows<Created>(
      tx,
      sql`with ins as (
            insert into notices (id, tenant_id, user_id, kind, subject_id, occasion, email_status)
            select 'ntc_' || replace(gen_random_uuid()::text, '-', ''), c.tenant_id, c.user_id,
                   'connection_needs_consent', c.id, 'v' || c.version, ${emailStatus}
            from connections c
            join users u on u.id = c.user_id
            join tenants tn on tn.id = c.tenant_id and tn.status = 'active'
            where c.status = 'needs_consent'
            on conflict (kind, subject_id, occasion) do nothing
            returning id, tenant_id, user_id, subject_id, occasion)
          select ins.*, c.service_id as label, null as expires_at
          from ins join connections c on c.id = ins.subject_id`,
    );
    for (const r of consent) {
      await recordAudit(tx, {
        action: 'notice.connection_needs_consent',
        tenantId: r.tenant_id,
        actor: systemActor,
        target: { type: 'connection', id: r.subject_id, label: r.label },
        metadata: { userId: r.user_id, service: r.label },
      });
    }
    return created + consent.length;
  });
}
