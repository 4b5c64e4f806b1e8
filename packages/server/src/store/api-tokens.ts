import { and, arrayOverlaps, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from './db.js';
import { apiTokens, memberships, tenants, users } from './schema/index.js';

export type ApiTokenRow = typeof apiTokens.$inferSelect;

/** A token with what its verification needs to know about its owner, tenant and membership. */
export interface ApiTokenWithOwner {
  token: ApiTokenRow;
  user: typeof users.$inferSelect;
  tenant: { id: string; slug: string; name: string; status: 'pending' | 'active' | 'suspended' | 'deleted' };
  /** The owner's role in the token's tenant; null once the membership is gone. */
  membership: { id: string; role: 'owner' | 'admin' | 'member' | 'guest'; source: 'idp' | 'manual' } | null;
}

/** The verification lookup: by hash only, because the hash is the credential. One round trip. */
export async function findApiTokenByHash(
  db: Executor,
  tokenHash: string,
): Promise<ApiTokenWithOwner | undefined> {
  const rows = await db
    .select({
      token: apiTokens,
      user: users,
      tenant: { id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status },
      membershipId: memberships.id,
      role: memberships.role,
      source: memberships.source,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .innerJoin(tenants, eq(tenants.id, apiTokens.tenantId))
    .leftJoin(
      memberships,
      and(eq(memberships.tenantId, apiTokens.tenantId), eq(memberships.userId, apiTokens.userId)),
    )
    .where(eq(apiTokens.tokenHash, tokenHash))
    .limit(1);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    token: row.token,
    user: row.user,
    tenant: row.tenant,
    membership:
      row.membershipId === null || row.role === null || row.source === null
        ? null
        : { id: row.membershipId, role: row.role, source: row.source },
  };
}

export async function findApiToken(
  db: Executor,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<ApiTokenRow | undefined> {
  const q = db
    .select()
    .from(apiTokens)
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)))
    .limit(1);
  const rows = options.forUpdate === true ? await q.for('update') : await q;
  return rows[0];
}

export async function findActiveTokenByName(
  db: Executor,
  tenantId: string,
  userId: string,
  name: string,
): Promise<ApiTokenRow | undefined> {
  const rows = await db
    .select()
    .from(apiTokens)
    .where(
      and(
        eq(apiTokens.tenantId, tenantId),
        eq(apiTokens.userId, userId),
        eq(apiTokens.name, name),
        isNull(apiTokens.revokedAt),
        isNull(apiTokens.rotatedAt),
      ),
    )
    .limit(1)
    .for('update');
  return rows[0];
}

export async function insertApiToken(db: Executor, row: typeof apiTokens.$inferInsert): Promise<ApiTokenRow> {
  const inserted = await db.insert(apiTokens).values(row).returning();
  const token = inserted[0];
  if (token === undefined) throw new Error('insert returned nothing');
  return token;
}

export interface TokenFilter {
  userId?: string | undefined;
  service?: string | undefined;
  ids?: readonly string[] | undefined;
  /** Only tokens not revoked yet. */
  activeOnly?: boolean;
}

function filterWhere(tenantId: string, filter: TokenFilter) {
  return and(
    eq(apiTokens.tenantId, tenantId),
    filter.userId === undefined ? undefined : eq(apiTokens.userId, filter.userId),
    filter.service === undefined ? undefined : arrayOverlaps(apiTokens.services, [filter.service, '*']),
    filter.ids === undefined ? undefined : inArray(apiTokens.id, [...filter.ids]),
    filter.activeOnly === true ? isNull(apiTokens.revokedAt) : undefined,
  );
}

export async function listApiTokens(
  db: Executor,
  tenantId: string,
  filter: TokenFilter,
): Promise<(ApiTokenRow & { ownerEmail: string | null; ownerName: string | null })[]> {
  const rows = await db
    .select({ token: apiTokens, ownerEmail: users.email, ownerName: users.name })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(filterWhere(tenantId, filter))
    .orderBy(desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(1000);
  return rows.map((r) => ({ ...r.token, ownerEmail: r.ownerEmail, ownerName: r.ownerName }));
}

/** Revokes the matching active tokens; answers those it revoked (with their hashes for cache eviction). */
export async function revokeApiTokens(
  db: Executor,
  tenantId: string,
  filter: TokenFilter,
  reason: string,
  at: Date,
): Promise<ApiTokenRow[]> {
  return db
    .update(apiTokens)
    .set({ revokedAt: at, revokedReason: reason })
    .where(filterWhere(tenantId, { ...filter, activeOnly: true }))
    .returning();
}

export async function revokeChain(db: Executor, tenantId: string, chainId: string, reason: string, at: Date) {
  return db
    .update(apiTokens)
    .set({ revokedAt: at, revokedReason: reason })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.chainId, chainId), isNull(apiTokens.revokedAt)))
    .returning();
}

export async function markRotated(
  db: Executor,
  tenantId: string,
  id: string,
  at: Date,
  graceUntil: Date,
): Promise<void> {
  await db
    .update(apiTokens)
    .set({ rotatedAt: at, graceUntil })
    .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)));
}

/** Coarse last-use bookkeeping: the caller writes at most once a minute per token. */
export async function touchApiToken(db: Executor, id: string, at: Date, ip: string | null): Promise<void> {
  await db
    .update(apiTokens)
    .set({ lastUsedAt: at, lastUsedIp: ip })
    .where(and(eq(apiTokens.id, id), sql`(last_used_at is null or last_used_at < ${at})`));
}
