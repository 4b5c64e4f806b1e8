import { and, eq, sql } from 'drizzle-orm';
import type { Role } from '../auth/roles.js';
import type { Executor } from './db.js';
import { memberships, tenants, users } from './schema/index.js';

export type UserRow = typeof users.$inferSelect;

export interface MembershipView {
  membershipId: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  tenantStatus: 'pending' | 'active' | 'suspended' | 'deleted';
  role: Role;
  source: 'idp' | 'manual';
}

export async function findUserByIdentity(
  db: Executor,
  issuer: string,
  subject: string,
  options: { forUpdate?: boolean } = {},
): Promise<UserRow | undefined> {
  const q = db
    .select()
    .from(users)
    .where(and(eq(users.issuer, issuer), eq(users.subject, subject)))
    .limit(1);
  const rows = options.forUpdate === true ? await q.for('update') : await q;
  return rows[0];
}

export async function findUserById(db: Executor, id: string): Promise<UserRow | undefined> {
  const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return rows[0];
}

/** Inserts the user unless another request inserted it first; returns the row either way. */
export async function insertUserIfMissing(
  db: Executor,
  row: { id: string; issuer: string; subject: string; email: string | null; name: string | null },
): Promise<{ user: UserRow; created: boolean }> {
  const inserted = await db
    .insert(users)
    .values({ ...row, lastSeenAt: new Date() })
    .onConflictDoNothing({ target: [users.issuer, users.subject] })
    .returning();
  const created = inserted[0];
  if (created !== undefined) return { user: created, created: true };
  const existing = await findUserByIdentity(db, row.issuer, row.subject, { forUpdate: true });
  if (existing === undefined) throw new Error('user vanished between insert and select');
  return { user: existing, created: false };
}

export async function updateUserProfile(
  db: Executor,
  id: string,
  patch: { email?: string | null; name?: string | null; platformAdmin?: boolean },
): Promise<void> {
  await db
    .update(users)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(users.id, id));
}

export async function touchUserLastSeen(db: Executor, id: string, at: Date): Promise<void> {
  await db.update(users).set({ lastSeenAt: at }).where(eq(users.id, id));
}

/** The user's memberships with their tenants, from the store (never from token claims). */
export async function listMembershipsOfUser(db: Executor, userId: string): Promise<MembershipView[]> {
  return db
    .select({
      membershipId: memberships.id,
      tenantId: tenants.id,
      tenantSlug: tenants.slug,
      tenantName: tenants.name,
      tenantStatus: tenants.status,
      role: memberships.role,
      source: memberships.source,
    })
    .from(memberships)
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.userId, userId), sql`${tenants.status} <> 'deleted'`))
    .orderBy(tenants.slug);
}

export async function insertMembership(
  db: Executor,
  row: { id: string; tenantId: string; userId: string; role: Role; source: 'idp' | 'manual' },
): Promise<void> {
  await db.insert(memberships).values(row);
}

export async function updateMembershipRole(db: Executor, id: string, role: Role): Promise<void> {
  await db.update(memberships).set({ role, updatedAt: new Date() }).where(eq(memberships.id, id));
}

export async function deleteMembership(db: Executor, id: string): Promise<void> {
  await db.delete(memberships).where(eq(memberships.id, id));
}
