import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Executor } from './db.js';
import { loginRequests, sessions, users } from './schema/index.js';

export type SessionRow = typeof sessions.$inferSelect;
export type LoginRequestRow = typeof loginRequests.$inferSelect;

export async function insertSession(db: Executor, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

/** The live session with this cookie hash and its user, if any. */
export async function findLiveSession(
  db: Executor,
  tokenHash: string,
  now: Date,
): Promise<{ session: SessionRow; user: typeof users.$inferSelect } | undefined> {
  const rows = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .limit(1);
  return rows[0];
}

export async function revokeSession(db: Executor, id: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length > 0;
}

export async function insertLoginRequest(
  db: Executor,
  row: typeof loginRequests.$inferInsert,
): Promise<void> {
  await db.insert(loginRequests).values(row);
}

/**
 * Marks the login request with this state hash used and returns it — once: a second call with the
 * same state finds nothing (single use), as does an expired request.
 */
export async function consumeLoginRequest(
  db: Executor,
  stateHash: string,
  now: Date,
): Promise<LoginRequestRow | undefined> {
  const rows = await db
    .update(loginRequests)
    .set({ usedAt: now })
    .where(
      and(
        eq(loginRequests.stateHash, stateHash),
        isNull(loginRequests.usedAt),
        gt(loginRequests.expiresAt, now),
      ),
    )
    .returning();
  return rows[0];
}

/** Housekeeping: expired login requests are useless and hold encrypted verifiers. */
export async function deleteExpiredLoginRequests(db: Executor, now: Date): Promise<void> {
  await db.delete(loginRequests).where(lt(loginRequests.expiresAt, now));
}
