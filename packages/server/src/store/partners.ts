import { asc, eq, ilike, or } from 'drizzle-orm';
import type { Executor } from './db.js';
import { partners } from './schema/index.js';

export type PartnerRow = typeof partners.$inferSelect;

export async function listPartners(db: Executor, search: string | undefined): Promise<PartnerRow[]> {
  const pattern = search === undefined ? undefined : `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return db
    .select()
    .from(partners)
    .where(
      pattern === undefined ? undefined : or(ilike(partners.slug, pattern), ilike(partners.name, pattern)),
    )
    .orderBy(asc(partners.slug))
    .limit(1000);
}

export async function findPartnerBySlug(db: Executor, slug: string): Promise<PartnerRow | undefined> {
  const rows = await db.select().from(partners).where(eq(partners.slug, slug)).limit(1);
  return rows[0];
}

export async function findPartnerById(db: Executor, id: string): Promise<PartnerRow | undefined> {
  const rows = await db.select().from(partners).where(eq(partners.id, id)).limit(1);
  return rows[0];
}

/** Locked for the transaction: attaching a tenant must not race a termination. */
export async function lockPartnerById(db: Executor, id: string): Promise<PartnerRow | undefined> {
  const rows = await db.select().from(partners).where(eq(partners.id, id)).limit(1).for('update');
  return rows[0];
}

export async function lockPartnerBySlug(db: Executor, slug: string): Promise<PartnerRow | undefined> {
  const rows = await db.select().from(partners).where(eq(partners.slug, slug)).limit(1).for('update');
  return rows[0];
}

/** Inserts unless the slug is taken; undefined when it was. */
export async function insertPartner(
  db: Executor,
  row: typeof partners.$inferInsert,
): Promise<PartnerRow | undefined> {
  const rows = await db
    .insert(partners)
    .values(row)
    .onConflictDoNothing({ target: partners.slug })
    .returning();
  return rows[0];
}

export async function updatePartner(
  db: Executor,
  id: string,
  patch: Partial<
    Pick<
      typeof partners.$inferInsert,
      'name' | 'domain' | 'marginPct' | 'contact' | 'billing' | 'status' | 'terminatedAt'
    >
  >,
): Promise<PartnerRow> {
  const rows = await db
    .update(partners)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(partners.id, id))
    .returning();
  const row = rows[0];
  if (row === undefined) throw new Error('partner vanished inside its transaction');
  return row;
}
