import { and, asc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Executor } from './db.js';
import { rawRows } from './raw-rows.js';
import { clientRegistrations, connectionAuthorizations, connections } from './schema/index.js';

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionAuthorizationRow = typeof connectionAuthorizations.$inferSelect;
export type ClientRegistrationRow = typeof clientRegistrations.$inferSelect;

/*
 * Every function takes the tenant (and, for a user's own objects, the user): isolation is
 * enforced where the rows are read, so another tenant's id simply finds nothing.
 */

export async function listConnections(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<ConnectionRow[]> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.tenantId, tenantId), eq(connections.userId, userId)))
    .orderBy(asc(connections.serviceId));
}

export async function findConnection(
  db: Executor,
  tenantId: string,
  userId: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  const rows = await db
    .select()
    .from(connections)
    .where(and(eq(connections.tenantId, tenantId), eq(connections.userId, userId), eq(connections.id, id)))
    .limit(1);
  return rows[0];
}

export async function findConnectionForService(
  db: Executor,
  tenantId: string,
  userId: string,
  serviceId: string,
): Promise<ConnectionRow | undefined> {
  const rows = await db
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.tenantId, tenantId),
        eq(connections.userId, userId),
        eq(connections.serviceId, serviceId),
      ),
    )
    .limit(1);
  return rows[0];
}

/** A connection by id within a tenant, whoever owns it (the refresh engine works per tenant). */
export async function findTenantConnection(
  db: Executor,
  tenantId: string,
  id: string,
): Promise<ConnectionRow | undefined> {
  const rows = await db
    .select()
    .from(connections)
    .where(and(eq(connections.tenantId, tenantId), eq(connections.id, id)))
    .limit(1);
  return rows[0];
}

/** The token fields a write sets; ciphertexts are bound to the row id, so they are built from it. */
export type ConnectionTokenValues = Pick<
  typeof connections.$inferInsert,
  | 'status'
  | 'accessTokenEnc'
  | 'refreshTokenEnc'
  | 'tokenType'
  | 'scopes'
  | 'expiresAt'
  | 'account'
  | 'registrationId'
  | 'metadata'
  | 'nextRefreshAt'
  | 'failureCount'
  | 'lastError'
  | 'lastRefreshedAt'
  | 'cooldownUntil'
  | 'leaseOwner'
  | 'leaseExpiresAt'
>;

/**
 * Creates the user's connection to a service, or replaces the tokens of the one that exists
 * (a reconnect after `needs_consent`), bumping its version. `values` receives the row id the
 * ciphertexts must be bound to. Locks the existing row so concurrent writers serialise.
 */
export async function saveConnectionTokens(
  tx: Executor,
  owner: { tenantId: string; userId: string; serviceId: string },
  newId: string,
  values: (rowId: string) => ConnectionTokenValues,
): Promise<{ row: ConnectionRow; created: boolean }> {
  const inserted = await tx
    .insert(connections)
    .values({ id: newId, ...owner, ...values(newId) })
    .onConflictDoNothing({ target: [connections.tenantId, connections.userId, connections.serviceId] })
    .returning();
  if (inserted[0] !== undefined) return { row: inserted[0], created: true };
  const existing = await tx
    .select()
    .from(connections)
    .where(
      and(
        eq(connections.tenantId, owner.tenantId),
        eq(connections.userId, owner.userId),
        eq(connections.serviceId, owner.serviceId),
      ),
    )
    .for('update')
    .limit(1);
  const current = existing[0];
  if (current === undefined) throw new Error('connection vanished during the write');
  const updated = await tx
    .update(connections)
    .set({ ...values(current.id), version: current.version + 1, updatedAt: new Date() })
    .where(and(eq(connections.tenantId, owner.tenantId), eq(connections.id, current.id)))
    .returning();
  const row = updated[0];
  if (row === undefined) throw new Error('connection vanished during the write');
  return { row, created: false };
}

/**
 * Compare-and-swap on `version` (SPEC §4.4 "no lost grants"): the write happens only when nobody
 * else wrote since `expectedVersion` was read; otherwise undefined and nothing changes.
 */
export async function updateConnectionIfVersion(
  tx: Executor,
  tenantId: string,
  id: string,
  expectedVersion: number,
  values: Partial<ConnectionTokenValues>,
): Promise<ConnectionRow | undefined> {
  const rows = await tx
    .update(connections)
    .set({ ...values, version: expectedVersion + 1, updatedAt: new Date() })
    .where(
      and(
        eq(connections.tenantId, tenantId),
        eq(connections.id, id),
        eq(connections.version, expectedVersion),
      ),
    )
    .returning();
  return rows[0];
}

export async function deleteConnection(
  tx: Executor,
  tenantId: string,
  userId: string,
  id: string,
): Promise<boolean> {
  const rows = await tx
    .delete(connections)
    .where(and(eq(connections.tenantId, tenantId), eq(connections.userId, userId), eq(connections.id, id)))
    .returning({ id: connections.id });
  return rows.length > 0;
}

export async function insertConnectionAuthorization(
  db: Executor,
  row: typeof connectionAuthorizations.$inferInsert,
): Promise<void> {
  await db.insert(connectionAuthorizations).values(row);
}

/** The pending authorization exists, is unused and has not expired. */
export async function isConnectionAuthorizationPending(
  db: Executor,
  id: string,
  now: Date,
): Promise<boolean> {
  const rows = await db
    .select({ id: connectionAuthorizations.id })
    .from(connectionAuthorizations)
    .where(
      and(
        eq(connectionAuthorizations.id, id),
        isNull(connectionAuthorizations.usedAt),
        gt(connectionAuthorizations.expiresAt, now),
      ),
    )
    .limit(1);
  return rows.length > 0;
}

/** Why a callback's state found no live pending authorization. */
export type StateRejection = 'unknown' | 'expired' | 'used';

/**
 * Marks the pending authorization with this state hash used and returns it — once (single use).
 * When nothing is consumed, says why: never issued (or purged), expired, or already used.
 */
export async function consumeConnectionAuthorization(
  tx: Executor,
  stateHash: string,
  now: Date,
): Promise<
  | { ok: true; row: ConnectionAuthorizationRow }
  | { ok: false; reason: StateRejection; row?: ConnectionAuthorizationRow }
> {
  const rows = await tx
    .select()
    .from(connectionAuthorizations)
    .where(eq(connectionAuthorizations.stateHash, stateHash))
    .for('update')
    .limit(1);
  const row = rows[0];
  if (row === undefined) return { ok: false, reason: 'unknown' };
  if (row.usedAt !== null) return { ok: false, reason: 'used', row };
  if (row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired', row };
  await tx
    .update(connectionAuthorizations)
    .set({ usedAt: now })
    .where(eq(connectionAuthorizations.id, row.id));
  return { ok: true, row: { ...row, usedAt: now } };
}

/** Housekeeping: pending authorizations expired an hour ago hold encrypted verifiers for nothing. */
export async function deleteStaleConnectionAuthorizations(db: Executor, now: Date): Promise<void> {
  await db
    .delete(connectionAuthorizations)
    .where(lt(connectionAuthorizations.expiresAt, new Date(now.getTime() - 3_600_000)));
}

export async function insertClientRegistration(
  db: Executor,
  row: typeof clientRegistrations.$inferInsert,
): Promise<void> {
  await db.insert(clientRegistrations).values(row);
}

export async function findClientRegistration(
  db: Executor,
  tenantId: string,
  userId: string,
  id: string,
): Promise<ClientRegistrationRow | undefined> {
  const rows = await db
    .select()
    .from(clientRegistrations)
    .where(
      and(
        eq(clientRegistrations.tenantId, tenantId),
        eq(clientRegistrations.userId, userId),
        eq(clientRegistrations.id, id),
      ),
    )
    .limit(1);
  return rows[0];
}

export async function findClientRegistrationFor(
  db: Executor,
  tenantId: string,
  userId: string,
  serviceId: string,
  instanceUrl: string,
): Promise<ClientRegistrationRow | undefined> {
  const rows = await db
    .select()
    .from(clientRegistrations)
    .where(
      and(
        eq(clientRegistrations.tenantId, tenantId),
        eq(clientRegistrations.userId, userId),
        eq(clientRegistrations.serviceId, serviceId),
        eq(clientRegistrations.instanceUrl, instanceUrl),
      ),
    )
    .limit(1);
  return rows[0];
}

/** Removes a registration and the pending authorizations that point at it. */
export async function deleteClientRegistration(
  tx: Executor,
  tenantId: string,
  userId: string,
  id: string,
): Promise<void> {
  await tx
    .delete(connectionAuthorizations)
    .where(
      and(eq(connectionAuthorizations.tenantId, tenantId), eq(connectionAuthorizations.registrationId, id)),
    );
  await tx
    .delete(clientRegistrations)
    .where(
      and(
        eq(clientRegistrations.tenantId, tenantId),
        eq(clientRegistrations.userId, userId),
        eq(clientRegistrations.id, id),
      ),
    );
}

/** A due connection this replica now holds the lease of. */
export interface ClaimedConnection {
  id: string;
  tenantId: string;
  serviceId: string;
  /** Another replica held an expired lease on it (it crashed or stalled mid-batch). */
  takenOver: boolean;
}

/**
 * The background refresher's claim (SPEC §4.4): up to `limit` connections due at `now` whose
 * lease is free or expired, leased to `owner` for `leaseMs`. `FOR UPDATE SKIP LOCKED` lets
 * replicas claim side by side without waiting on each other's rows. This is the one store read
 * across tenants: the due queue is the replica's, each claimed row then goes on per tenant.
 */
export async function claimDueConnections(
  db: Executor,
  claim: { owner: string; now: Date; leaseMs: number; limit: number },
): Promise<ClaimedConnection[]> {
  const until = new Date(claim.now.getTime() + claim.leaseMs);
  const rows = await rawRows<{
    id: string;
    tenant_id: string;
    service_id: string;
    previous_owner: string | null;
  }>(
    db,
    sql`with due as (
          select id, lease_owner as previous_owner from connections
          where next_refresh_at <= ${claim.now} and status in ('active', 'expired')
            and (lease_expires_at is null or lease_expires_at <= ${claim.now})
          order by next_refresh_at
          limit ${claim.limit}
          for update skip locked
        )
        update connections c set lease_owner = ${claim.owner}, lease_expires_at = ${until}
        from due where c.id = due.id
        returning c.id, c.tenant_id, c.service_id, due.previous_owner`,
  );
  return rows.map((r) => ({
    id: r.id,
    tenantId: r.tenant_id,
    serviceId: r.service_id,
    takenOver: r.previous_owner !== null,
  }));
}

/** How many connections are due and not leased: the backlog gauge. */
export async function countDueConnections(db: Executor, now: Date): Promise<number> {
  const rows = await rawRows<{ n: number | string }>(
    db,
    sql`select count(*) as n from connections
        where next_refresh_at <= ${now} and status in ('active', 'expired')`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * Gives a claimed connection back without refreshing it (refresh switched off for its tenant, or
 * a connection that no longer needs it), to be looked at again at `nextRefreshAt` (unchanged
 * when not given).
 */
export async function releaseConnectionLease(
  db: Executor,
  tenantId: string,
  id: string,
  owner: string,
  nextRefreshAt?: Date | null,
): Promise<void> {
  await db
    .update(connections)
    .set({ leaseOwner: null, leaseExpiresAt: null, ...(nextRefreshAt !== undefined && { nextRefreshAt }) })
    .where(
      and(eq(connections.tenantId, tenantId), eq(connections.id, id), eq(connections.leaseOwner, owner)),
    );
}
