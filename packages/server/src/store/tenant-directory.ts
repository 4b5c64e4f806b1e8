import { and, asc, count, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import type { TenantStatus } from '../tenants/status.js';
import type { Executor } from './db.js';
import { apiTokens, connections, memberships, tenants, users } from './schema/index.js';
import type { TenantRow } from './tenants.js';

/*
 * Tenant reads and writes of the operator API. Operators act across tenants, so these are keyed
 * by slug or id; tenant-scoped reads (`listTenantUsers`) still take the tenant first.
 */

export interface TenantListQuery {
  search?: string | undefined;
  status?: TenantStatus | undefined;
  partnerId?: string | undefined;
  limit: number;
  offset: number;
}

/** `%`, `_` and `\` are LIKE metacharacters: a search for `a_b` must not match `axb`. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function listWhere(q: Omit<TenantListQuery, 'status' | 'limit' | 'offset'>): SQL | undefined {
  return and(
    q.search === undefined
      ? undefined
      : or(ilike(tenants.slug, likePattern(q.search)), ilike(tenants.name, likePattern(q.search))),
    q.partnerId === undefined ? undefined : eq(tenants.partnerId, q.partnerId),
  );
}

/**
 * One page of tenants and, for the same search, the count per status (so a console can show
 * "12 active · 2 suspended" next to the filter). Deleted tenants only appear when asked for.
 */
export async function listTenants(
  db: Executor,
  q: TenantListQuery,
): Promise<{ items: TenantRow[]; total: number; counts: Record<TenantStatus, number> }> {
  const base = listWhere(q);
  const where = and(
    base,
    q.status === undefined ? ne(tenants.status, 'deleted') : eq(tenants.status, q.status),
  );
  const items = await db
    .select()
    .from(tenants)
    .where(where)
    .orderBy(asc(tenants.slug))
    .limit(q.limit)
    .offset(q.offset);
  const [totalRow] = await db.select({ n: count() }).from(tenants).where(where);
  const grouped = await db
    .select({ status: tenants.status, n: count() })
    .from(tenants)
    .where(base)
    .groupBy(tenants.status);
  const counts: Record<TenantStatus, number> = { pending: 0, active: 0, suspended: 0, deleted: 0 };
  for (const g of grouped) counts[g.status] = g.n;
  return { items, total: totalRow?.n ?? 0, counts };
}

export async function findTenantById(db: Executor, id: string): Promise<TenantRow | undefined> {
  const rows = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
  return rows[0];
}

/** The tenant row locked for the rest of the transaction: status changes must not interleave. */
export async function lockTenantBySlug(db: Executor, slug: string): Promise<TenantRow | undefined> {
  const rows = await db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1).for('update');
  return rows[0];
}

export async function lockTenantById(db: Executor, id: string): Promise<TenantRow | undefined> {
  const rows = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1).for('update');
  return rows[0];
}

/** Inserts a tenant unless the slug is taken; undefined when it was. */
export async function insertTenant(
  db: Executor,
  row: typeof tenants.$inferInsert,
): Promise<TenantRow | undefined> {
  const inserted = await db
    .insert(tenants)
    .values(row)
    .onConflictDoNothing({ target: tenants.slug })
    .returning();
  return inserted[0];
}

export async function updateTenant(
  db: Executor,
  id: string,
  patch: Partial<
    Pick<
      typeof tenants.$inferInsert,
      'name' | 'plan' | 'domains' | 'partnerId' | 'status' | 'provisioning' | 'deletedAt'
    >
  >,
): Promise<TenantRow> {
  const rows = await db
    .update(tenants)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(tenants.id, id))
    .returning();
  const row = rows[0];
  if (row === undefined) throw new Error('tenant vanished inside its transaction');
  return row;
}

/** A member of a tenant with a summary of their API tokens and connections in that tenant. */
export interface TenantUserRow {
  id: string;
  email: string | null;
  name: string | null;
  role: 'owner' | 'admin' | 'member' | 'guest';
  source: 'idp' | 'manual';
  platformAdmin: boolean;
  lastSeenAt: Date | null;
  tokens: { active: number; total: number; lastUsedAt: Date | null };
  connections: { total: number; byStatus: Record<string, number>; services: string[] };
}

/** The members of one tenant. Token and connection counts are read for that tenant only. */
export async function listTenantUsers(db: Executor, tenantId: string): Promise<TenantUserRow[]> {
  const members = await db
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      source: memberships.source,
      platformAdmin: users.platformAdmin,
      lastSeenAt: users.lastSeenAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.tenantId, tenantId), sql`${users.deletedAt} is null`))
    .orderBy(asc(users.email), asc(users.id))
    .limit(5000);
  const tokenRows = await db
    .select({
      userId: apiTokens.userId,
      total: count(),
      active:
        sql<number>`count(*) filter (where ${apiTokens.revokedAt} is null and ${apiTokens.expiresAt} > now())`.mapWith(
          Number,
        ),
      lastUsedAt: sql<Date | null>`max(${apiTokens.lastUsedAt})`.mapWith((v: string | Date | null) =>
        v === null ? null : new Date(v),
      ),
    })
    .from(apiTokens)
    .where(eq(apiTokens.tenantId, tenantId))
    .groupBy(apiTokens.userId);
  const connectionRows = await db
    .select({ userId: connections.userId, serviceId: connections.serviceId, status: connections.status })
    .from(connections)
    .where(eq(connections.tenantId, tenantId));
  const tokensBy = new Map(tokenRows.map((t) => [t.userId, t]));
  return members.map((m) => {
    const t = tokensBy.get(m.id);
    const mine = connectionRows.filter((c) => c.userId === m.id);
    const byStatus: Record<string, number> = {};
    for (const c of mine) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    return {
      ...m,
      tokens: { active: t?.active ?? 0, total: t?.total ?? 0, lastUsedAt: t?.lastUsedAt ?? null },
      connections: {
        total: mine.length,
        byStatus,
        services: [...new Set(mine.map((c) => c.serviceId))].sort(),
      },
    };
  });
}

/** Tenants per partner (deleted ones excluded): the "customers" of a partner. */
export async function countCustomers(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .select({ partnerId: tenants.partnerId, n: count() })
    .from(tenants)
    .where(and(sql`${tenants.partnerId} is not null`, ne(tenants.status, 'deleted')))
    .groupBy(tenants.partnerId);
  return new Map(rows.flatMap((r) => (r.partnerId === null ? [] : [[r.partnerId, r.n] as const])));
}

export async function listTenantsOfPartner(db: Executor, partnerId: string): Promise<TenantRow[]> {
  return db
    .select()
    .from(tenants)
    .where(eq(tenants.partnerId, partnerId))
    .orderBy(asc(tenants.slug))
    .limit(5000);
}
