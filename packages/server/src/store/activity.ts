import { and, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Executor } from './db.js';
import { apiTokens, auditEvents, connections, proxyUsage } from './schema/index.js';

/** Whose activity: one tenant, and within it one user unless `userId` is undefined. */
export interface ActivityScope {
  tenantId: string;
  userId?: string | undefined;
}

/** Calls counted in memory for one (tenant, hour, user, service), added to the stored row. */
export interface UsageIncrement {
  tenantId: string;
  hour: Date;
  userId: string;
  serviceId: string;
  calls: number;
  failed: number;
}

/**
 * Adds counted calls in one statement; replicas add to the same rows. The caller sends each key
 * once per statement (PostgreSQL refuses an upsert touching a row twice).
 */
export async function addProxyUsage(db: Executor, rows: readonly UsageIncrement[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insert(proxyUsage)
    .values([...rows])
    .onConflictDoUpdate({
      target: [proxyUsage.tenantId, proxyUsage.hour, proxyUsage.userId, proxyUsage.serviceId],
      set: {
        calls: sql`${proxyUsage.calls} + excluded.calls`,
        failed: sql`${proxyUsage.failed} + excluded.failed`,
      },
    });
}

/** Drops hours older than `before`; the Dashboard never looks further back than a week. */
export async function purgeProxyUsage(db: Executor, before: Date): Promise<void> {
  await db.delete(proxyUsage).where(sql`${proxyUsage.hour} < ${before}`);
}

export interface UsageHour {
  hour: Date;
  serviceId: string;
  calls: number;
  failed: number;
}

/** Proxied calls per hour and service since `from` (hours with no call are absent). */
export async function proxyUsageByHour(db: Executor, scope: ActivityScope, from: Date): Promise<UsageHour[]> {
  const where: SQL[] = [eq(proxyUsage.tenantId, scope.tenantId), gte(proxyUsage.hour, from)];
  if (scope.userId !== undefined) where.push(eq(proxyUsage.userId, scope.userId));
  return db
    .select({
      hour: proxyUsage.hour,
      serviceId: proxyUsage.serviceId,
      calls: sql<number>`sum(${proxyUsage.calls})`.mapWith(Number),
      failed: sql<number>`sum(${proxyUsage.failed})`.mapWith(Number),
    })
    .from(proxyUsage)
    .where(and(...where))
    .groupBy(proxyUsage.hour, proxyUsage.serviceId)
    .orderBy(proxyUsage.hour, proxyUsage.serviceId);
}

export interface RefreshHour {
  hour: Date;
  succeeded: number;
  failed: number;
}

/**
 * Refresh attempts per hour since `from`, read from the audit log, which records every refresh
 * (background or on demand) against its connection. A user's view keeps their connections.
 */
export async function refreshOutcomesByHour(
  db: Executor,
  scope: ActivityScope,
  from: Date,
): Promise<RefreshHour[]> {
  const where: SQL[] = [
    eq(auditEvents.tenantId, scope.tenantId),
    // The family condition lets audit_events_tenant_family_idx serve the range.
    sql`split_part(${auditEvents.action}, '.', 1) = 'connection'`,
    sql`${auditEvents.action} in ('connection.refreshed', 'connection.refresh_failed')`,
    gte(auditEvents.occurredAt, from),
  ];
  if (scope.userId !== undefined) {
    where.push(
      sql`${auditEvents.targetId} in (select c.id from connections c
           where c.tenant_id = ${scope.tenantId} and c.user_id = ${scope.userId})`,
    );
  }
  const hour = sql<Date>`date_trunc('hour', ${auditEvents.occurredAt}, 'UTC')`;
  const rows = await db
    .select({
      hour: hour.mapWith((v: string | Date) => new Date(v)),
      succeeded: sql<number>`count(*) filter (where ${auditEvents.action} = 'connection.refreshed')`.mapWith(
        Number,
      ),
      failed:
        sql<number>`count(*) filter (where ${auditEvents.action} = 'connection.refresh_failed')`.mapWith(
          Number,
        ),
    })
    .from(auditEvents)
    .where(and(...where))
    .groupBy(hour)
    .orderBy(hour);
  return rows;
}

export interface ActivityCounts {
  activeConnections: number;
  needsConsent: number;
  activeTokens: number;
  expiringSoon: number;
}

/** The Dashboard figures: connections by state, API tokens usable now and those expiring soon. */
export async function activityCounts(
  db: Executor,
  scope: ActivityScope,
  now: Date,
  expiringBefore: Date,
): Promise<ActivityCounts> {
  const conn: SQL[] = [eq(connections.tenantId, scope.tenantId)];
  const tok: SQL[] = [eq(apiTokens.tenantId, scope.tenantId)];
  if (scope.userId !== undefined) {
    conn.push(eq(connections.userId, scope.userId));
    tok.push(eq(apiTokens.userId, scope.userId));
  }
  const [c] = await db
    .select({
      active: sql<number>`count(*) filter (where ${connections.status} in ('active', 'expired'))`.mapWith(
        Number,
      ),
      needsConsent: sql<number>`count(*) filter (where ${connections.status} = 'needs_consent')`.mapWith(
        Number,
      ),
    })
    .from(connections)
    .where(and(...conn));
  // Usable now: the rules of statusOf (routes/api-tokens/views.ts) as SQL.
  const usable = sql`${apiTokens.revokedAt} is null and ${apiTokens.expiresAt} > ${now}
    and (${apiTokens.rotatedAt} is null or ${apiTokens.graceUntil} > ${now})`;
  const [t] = await db
    .select({
      active: sql<number>`count(*) filter (where ${usable})`.mapWith(Number),
      expiring:
        sql<number>`count(*) filter (where ${usable} and ${apiTokens.expiresAt} < ${expiringBefore})`.mapWith(
          Number,
        ),
    })
    .from(apiTokens)
    .where(and(...tok));
  return {
    activeConnections: c?.active ?? 0,
    needsConsent: c?.needsConsent ?? 0,
    activeTokens: t?.active ?? 0,
    expiringSoon: t?.expiring ?? 0,
  };
}
