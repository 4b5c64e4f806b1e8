import { randomBytes } from 'node:crypto';
import { and, asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, systemActor, type AuditEventInput } from '../src/audit/record.js';
import type { AuditAction } from '../src/audit/actions.js';
import { UserDirectory, type IdentityClaims } from '../src/auth/user-directory.js';
import type { GroupMapping } from '../src/auth/group-mappings.js';
import { newId } from '../src/ids.js';
import type { Store } from '../src/store/db.js';
import {
  loadMigrations,
  pendingMigrations,
  runMigrations,
  type MigrationReport,
} from '../src/store/migrate.js';
import { auditEvents, loginRequests, memberships, tenants } from '../src/store/schema/index.js';
import { consumeLoginRequest, insertLoginRequest } from '../src/store/sessions.js';
import { ensureTenant, findTenantBySlug } from '../src/store/tenants.js';
import { findUserById, insertMembership } from '../src/store/users.js';
import { storeTiers } from './helpers/store-tiers.js';

const committedMigrations = loadMigrations().length;

const issuer = 'https://idp.store-test.example';
const mappings: readonly GroupMapping[] = [
  { group: 'platform-admins', platformAdmin: true },
  { group: 'acme-admins', tenant: 'acme', role: 'admin' },
  { group: 'acme', tenant: 'acme', role: 'member' },
  { group: 'globex', tenant: 'globex', role: 'member' },
];
const meta = { ip: '192.0.2.10', userAgent: 'store-test' };

/** A person nobody else in the file uses, so each test reads only its own rows and events. */
function person(
  groups: readonly string[],
  subject = `sub-${randomBytes(6).toString('hex')}`,
): IdentityClaims {
  return { issuer, subject, email: `${subject}@store-test.example`, name: subject, groups };
}

/** The SQLSTATE of a driver error, wherever the query layer wrapped it. */
function sqlState(err: unknown): string | undefined {
  for (let e: unknown = err; typeof e === 'object' && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(`the store keeps its promises on ${tier.name}`, () => {
    let store: Store;
    let dispose: () => Promise<void>;
    let pendingBefore: number;
    let firstRun: MigrationReport;

    beforeAll(async () => {
      ({ store, dispose } = await tier.open());
      pendingBefore = await pendingMigrations(store);
      firstRun = await runMigrations(store);
    });
    afterAll(async () => {
      await dispose();
    });

    async function eventsFor(where: { targetId?: string; tenantId?: string; action?: AuditAction }) {
      const conditions = [
        where.targetId === undefined ? undefined : eq(auditEvents.targetId, where.targetId),
        where.tenantId === undefined ? undefined : eq(auditEvents.tenantId, where.tenantId),
        where.action === undefined ? undefined : eq(auditEvents.action, where.action),
      ];
      return store.db
        .select()
        .from(auditEvents)
        .where(and(...conditions))
        .orderBy(asc(auditEvents.seq));
    }

    async function tenantId(slug: string): Promise<string> {
      const row = await findTenantBySlug(store.db, slug);
      if (row === undefined) throw new Error(`tenant ${slug} missing`);
      return row.id;
    }

    describe('migrations apply once', () => {
      it('applies every committed migration to an empty database, then none is pending', async () => {
        expect(pendingBefore).toBe(committedMigrations);
        expect(firstRun.applied).toHaveLength(committedMigrations);
        expect(firstRun.alreadyApplied).toBe(0);
        expect(await pendingMigrations(store)).toBe(0);
      });

      it('applies nothing the second time', async () => {
        const second = await runMigrations(store);
        expect(second).toEqual({ applied: [], alreadyApplied: committedMigrations });
        const rows = await store.withClient((c) =>
          c.query<{ n: string }>('select count(*)::text as n from latchkey_migrations'),
        );
        expect(rows.rows[0]?.n).toBe(String(committedMigrations));
      });
    });

    describe('ensureTenant is idempotent', () => {
      it('creates the tenant once, with one tenant.created event, however often it runs', async () => {
        const seed = { slug: 'acme', name: 'Acme Corp', plan: 'standard' };
        const first = await store.db.transaction((tx) => ensureTenant(tx, seed, systemActor));
        const second = await store.db.transaction((tx) =>
          ensureTenant(tx, { ...seed, name: 'Acme Renamed' }, systemActor),
        );
        expect(first).toBe(true);
        expect(second).toBe(false);

        const rows = await store.db.select().from(tenants).where(eq(tenants.slug, 'acme'));
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ name: 'Acme Corp', status: 'active', plan: 'standard' });
        const events = await eventsFor({ action: 'tenant.created', tenantId: rows[0]!.id });
        expect(events).toHaveLength(1);
        expect(events[0]).toMatchObject({ targetType: 'tenant', targetId: rows[0]!.id, targetLabel: 'acme' });
      });

      it('creates the tenant once when two starts race for it', async () => {
        const seed = { slug: 'globex', name: 'Globex' };
        const results = await Promise.all([
          store.db.transaction((tx) => ensureTenant(tx, seed, systemActor)),
          store.db.transaction((tx) => ensureTenant(tx, seed, systemActor)),
        ]);
        expect(results.filter(Boolean)).toHaveLength(1);
        const id = await tenantId('globex');
        expect(await store.db.select().from(tenants).where(eq(tenants.slug, 'globex'))).toHaveLength(1);
        expect(await eventsFor({ action: 'tenant.created', tenantId: id })).toHaveLength(1);
      });
    });

    describe('UserDirectory keeps IdP memberships in step with group mappings', () => {
      let directory: UserDirectory;

      beforeAll(async () => {
        for (const seed of [
          { slug: 'acme', name: 'Acme Corp' },
          { slug: 'globex', name: 'Globex' },
          { slug: 'initech', name: 'Initech' },
        ]) {
          await store.db.transaction((tx) => ensureTenant(tx, seed, systemActor));
        }
        directory = new UserDirectory(store.db, mappings);
      });

      it('creates the user with one membership per mapped group, and audits both', async () => {
        const who = person(['acme', 'globex', 'not-mapped']);
        const { user, memberships: held } = await directory.resolve(who, meta);

        expect(user).toMatchObject({ issuer, subject: who.subject, email: who.email, platformAdmin: false });
        expect(held.map((m) => [m.tenantSlug, m.role, m.source])).toEqual([
          ['acme', 'member', 'idp'],
          ['globex', 'member', 'idp'],
        ]);

        const created = await eventsFor({ targetId: user.id, action: 'user.created' });
        expect(created).toHaveLength(1);
        expect(created[0]).toMatchObject({ actorType: 'user', actorId: user.id, actorIp: meta.ip });
        const granted = await eventsFor({ targetId: user.id, action: 'membership.granted' });
        expect(granted.map((e) => e.tenantId).sort()).toEqual(
          [await tenantId('acme'), await tenantId('globex')].sort(),
        );
      });

      it('changes the role when the groups change, keeping the membership', async () => {
        const who = person(['acme']);
        const before = await directory.resolve(who, meta);
        const after = await directory.resolve({ ...who, groups: ['acme', 'acme-admins'] }, meta);

        expect(before.memberships).toHaveLength(1);
        expect(after.memberships).toHaveLength(1);
        expect(after.memberships[0]).toMatchObject({
          tenantSlug: 'acme',
          role: 'admin',
          membershipId: before.memberships[0]!.membershipId,
        });
        const stored = await store.db
          .select()
          .from(memberships)
          .where(eq(memberships.id, before.memberships[0]!.membershipId));
        expect(stored[0]?.role).toBe('admin');
        const changed = await eventsFor({ targetId: before.user.id, action: 'membership.role_changed' });
        expect(changed).toHaveLength(1);
        expect(changed[0]).toMatchObject({
          tenantId: await tenantId('acme'),
          metadata: { from: 'member', to: 'admin' },
        });
      });

      it('removes an IdP membership when its group goes', async () => {
        const who = person(['acme', 'globex']);
        const { user } = await directory.resolve(who, meta);
        const after = await directory.resolve({ ...who, groups: ['acme'] }, meta);

        expect(after.memberships.map((m) => m.tenantSlug)).toEqual(['acme']);
        const globexRows = await store.db
          .select()
          .from(memberships)
          .where(and(eq(memberships.userId, user.id), eq(memberships.tenantId, await tenantId('globex'))));
        expect(globexRows).toEqual([]);
        const revoked = await eventsFor({ targetId: user.id, action: 'membership.revoked' });
        expect(revoked).toHaveLength(1);
        expect(revoked[0]).toMatchObject({
          tenantId: await tenantId('globex'),
          metadata: { role: 'member' },
        });
      });

      it('never touches a manual membership, whatever the groups say', async () => {
        const who = person(['acme']);
        const { user } = await directory.resolve(who, meta);
        // An admin gave this person a stronger role in globex and a seat in initech by hand.
        await insertMembership(store.db, {
          id: newId('mem'),
          tenantId: await tenantId('globex'),
          userId: user.id,
          role: 'owner',
          source: 'manual',
        });
        await insertMembership(store.db, {
          id: newId('mem'),
          tenantId: await tenantId('initech'),
          userId: user.id,
          role: 'guest',
          source: 'manual',
        });

        // globex is now granted as `member` by a group: the manual `owner` must stay.
        const mapped = await directory.resolve({ ...who, groups: ['acme', 'globex'] }, meta);
        // Every group gone: the IdP membership goes, the manual ones stay.
        const none = await directory.resolve({ ...who, groups: [] }, meta);

        const view = (ms: typeof none.memberships) => ms.map((m) => [m.tenantSlug, m.role, m.source]);
        expect(view(mapped.memberships)).toEqual([
          ['acme', 'member', 'idp'],
          ['globex', 'owner', 'manual'],
          ['initech', 'guest', 'manual'],
        ]);
        expect(view(none.memberships)).toEqual([
          ['globex', 'owner', 'manual'],
          ['initech', 'guest', 'manual'],
        ]);
        const membershipEvents = (await eventsFor({ targetId: user.id })).filter((e) =>
          e.action.startsWith('membership.'),
        );
        expect(membershipEvents.map((e) => [e.action, e.tenantId])).toEqual([
          ['membership.granted', await tenantId('acme')],
          ['membership.revoked', await tenantId('acme')],
        ]);
      });

      it('grants and revokes platform admin from the mapped group, auditing each', async () => {
        const who = person([]);
        const plain = await directory.resolve(who, meta);
        const granted = await directory.resolve({ ...who, groups: ['platform-admins'] }, meta);
        const grantedRow = await findUserById(store.db, plain.user.id);
        const revoked = await directory.resolve({ ...who, groups: [] }, meta);
        const revokedRow = await findUserById(store.db, plain.user.id);

        expect(plain.user.platformAdmin).toBe(false);
        expect(granted.user.platformAdmin).toBe(true);
        expect(grantedRow?.platformAdmin).toBe(true);
        expect(revoked.user.platformAdmin).toBe(false);
        expect(revokedRow?.platformAdmin).toBe(false);
        const events = (await eventsFor({ targetId: plain.user.id })).map((e) => e.action);
        expect(events).toEqual([
          'user.created',
          'user.platform_admin_granted',
          'user.platform_admin_revoked',
        ]);
      });
    });

    describe('recordAudit fails closed', () => {
      // A value the audit_events_outcome_check constraint rejects: the cast stands for any event
      // the database refuses to store (disk full, constraint, lost connection).
      const unwritable: AuditEventInput = {
        action: 'tenant.created',
        actor: systemActor,
        outcome: 'lost' as unknown as 'success',
      };

      it('rolls back the change when its event cannot be written', async () => {
        const id = await tenantId('acme');
        const failed = store.db.transaction(async (tx) => {
          await tx.update(tenants).set({ name: 'Changed Without Audit' }).where(eq(tenants.id, id));
          await recordAudit(tx, { ...unwritable, tenantId: id });
        });
        await expect(failed).rejects.toSatisfy((err: unknown) => sqlState(err) === '23514');
        const [row] = await store.db.select().from(tenants).where(eq(tenants.id, id));
        expect(row?.name).toBe('Acme Corp');
      });

      it('leaves no tenant and no event behind when a later event of the same change fails', async () => {
        const slug = `fail-closed-${randomBytes(4).toString('hex')}`;
        const failed = store.db.transaction(async (tx) => {
          expect(await ensureTenant(tx, { slug, name: 'Never' }, systemActor)).toBe(true);
          await recordAudit(tx, unwritable);
        });
        await expect(failed).rejects.toSatisfy((err: unknown) => sqlState(err) === '23514');
        expect(await findTenantBySlug(store.db, slug)).toBeUndefined();
        const leftovers = await store.db
          .select()
          .from(auditEvents)
          .where(sql`${auditEvents.targetLabel} = ${slug}`);
        expect(leftovers).toEqual([]);
      });

      it('commits the change and its event together when the event is valid', async () => {
        const id = await tenantId('initech');
        const eventId = await store.db.transaction(async (tx) => {
          await tx.update(tenants).set({ plan: 'enterprise' }).where(eq(tenants.id, id));
          return recordAudit(tx, { action: 'tenant.created', tenantId: id, actor: systemActor });
        });
        const [row] = await store.db.select().from(tenants).where(eq(tenants.id, id));
        expect(row?.plan).toBe('enterprise');
        const [event] = await store.db.select().from(auditEvents).where(eq(auditEvents.id, eventId));
        expect(event).toMatchObject({ tenantId: id, outcome: 'success', source: 'latchkey' });
      });
    });

    describe('consumeLoginRequest is single use', () => {
      async function loginRequest(expiresInMs: number): Promise<string> {
        const stateHash = randomBytes(32).toString('base64url');
        await insertLoginRequest(store.db, {
          id: newId('lgn'),
          stateHash,
          codeVerifierEnc: 'not-a-secret-in-this-test',
          nonce: randomBytes(8).toString('hex'),
          returnTo: '/',
          expiresAt: new Date(Date.now() + expiresInMs),
        });
        return stateHash;
      }

      it('returns the request once, then nothing', async () => {
        const state = await loginRequest(60_000);
        const now = new Date();
        const first = await consumeLoginRequest(store.db, state, now);
        const second = await consumeLoginRequest(store.db, state, new Date());
        expect(first).toMatchObject({ stateHash: state, returnTo: '/' });
        expect(first?.usedAt?.getTime()).toBe(now.getTime());
        expect(second).toBeUndefined();
      });

      it('hands the request to exactly one of two callbacks racing for it', async () => {
        const state = await loginRequest(60_000);
        const results = await Promise.all([
          store.db.transaction((tx) => consumeLoginRequest(tx, state, new Date())),
          store.db.transaction((tx) => consumeLoginRequest(tx, state, new Date())),
        ]);
        expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      });

      it('refuses an expired request and leaves it unused', async () => {
        const state = await loginRequest(-1_000);
        expect(await consumeLoginRequest(store.db, state, new Date())).toBeUndefined();
        const [row] = await store.db.select().from(loginRequests).where(eq(loginRequests.stateHash, state));
        expect(row).toBeDefined();
        expect(row?.usedAt).toBeNull();
      });

      it('refuses a state that was never issued', async () => {
        await loginRequest(60_000);
        expect(await consumeLoginRequest(store.db, 'never-issued', new Date())).toBeUndefined();
      });
    });
  });
}
