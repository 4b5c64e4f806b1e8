import { recordAudit, type AuditActor } from '../audit/record.js';
import { newId } from '../ids.js';
import type { Db, Executor } from '../store/db.js';
import { findTenantsBySlugs } from '../store/tenants.js';
import {
  deleteMembership,
  findUserById,
  insertMembership,
  insertUserIfMissing,
  listMembershipsOfUser,
  touchUserLastSeen,
  updateMembershipRole,
  updateUserProfile,
  type MembershipView,
  type UserRow,
} from '../store/users.js';
import { mapGroups, type GroupMapping } from './group-mappings.js';

/** What an IdP says about a person, already verified. */
export interface IdentityClaims {
  issuer: string;
  subject: string;
  email: string | null;
  name: string | null;
  groups: readonly string[];
}

export interface UserContext {
  user: UserRow;
  memberships: MembershipView[];
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

interface CacheEntry {
  fingerprint: string;
  userId: string;
  lastSeenWrittenAt: number;
}

const LAST_SEEN_EVERY_MS = 60_000;
const CACHE_LIMIT = 10_000;

/**
 * Keeps users and their IdP-managed memberships in step with the claims they present.
 * Rules: the user row is upserted on every authenticated request, but written only when the
 * claims changed (or last-seen is a minute old); group claims act only through the configured
 * mappings; memberships an admin set by hand (`manual`) are never touched; every change is
 * audited in its transaction. Authorization then reads the store, never the claims.
 */
export class UserDirectory {
  readonly #db: Db;
  readonly #mappings: readonly GroupMapping[];
  readonly #seen = new Map<string, CacheEntry>();

  constructor(db: Db, mappings: readonly GroupMapping[]) {
    this.#db = db;
    this.#mappings = mappings;
  }

  async resolve(identity: IdentityClaims, meta: RequestMeta): Promise<UserContext> {
    const key = `${identity.issuer}\u0000${identity.subject}`;
    const fingerprint = JSON.stringify([identity.email, identity.name, [...identity.groups].sort()]);
    const cached = this.#seen.get(key);
    const now = Date.now();
    if (cached?.fingerprint === fingerprint) {
      if (now - cached.lastSeenWrittenAt >= LAST_SEEN_EVERY_MS) {
        await touchUserLastSeen(this.#db, cached.userId, new Date(now));
        cached.lastSeenWrittenAt = now;
      }
      const user = await findUserById(this.#db, cached.userId);
      if (user !== undefined) return { user, memberships: await listMembershipsOfUser(this.#db, user.id) };
    }
    const context = await this.#db.transaction((tx) => this.#sync(tx, identity, meta));
    if (this.#seen.size >= CACHE_LIMIT) {
      const oldest = this.#seen.keys().next();
      if (oldest.done !== true) this.#seen.delete(oldest.value);
    }
    this.#seen.set(key, { fingerprint, userId: context.user.id, lastSeenWrittenAt: now });
    return context;
  }

  async #sync(tx: Executor, identity: IdentityClaims, meta: RequestMeta): Promise<UserContext> {
    const { user: found, created } = await insertUserIfMissing(tx, {
      id: newId('usr'),
      issuer: identity.issuer,
      subject: identity.subject,
      email: identity.email,
      name: identity.name,
    });
    let user = found;
    const label = identity.email ?? identity.subject;
    const actor: AuditActor = { type: 'user', id: user.id, label, ip: meta.ip, userAgent: meta.userAgent };
    const target = { type: 'user', id: user.id, label };
    if (created) {
      await recordAudit(tx, { action: 'user.created', actor, target, metadata: { issuer: identity.issuer } });
    } else if (user.email !== identity.email || user.name !== identity.name) {
      await updateUserProfile(tx, user.id, { email: identity.email, name: identity.name });
      await recordAudit(tx, {
        action: 'user.updated',
        actor,
        target,
        metadata: {
          changed: [user.email !== identity.email && 'email', user.name !== identity.name && 'name'].filter(
            Boolean,
          ),
        },
      });
      user = { ...user, email: identity.email, name: identity.name };
    }

    const access = mapGroups(identity.groups, this.#mappings);
    if (access.platformAdmin !== user.platformAdmin) {
      await updateUserProfile(tx, user.id, { platformAdmin: access.platformAdmin });
      await recordAudit(tx, {
        action: access.platformAdmin ? 'user.platform_admin_granted' : 'user.platform_admin_revoked',
        actor: { type: 'system', label: 'group-mapping' },
        target,
      });
      user = { ...user, platformAdmin: access.platformAdmin };
    }

    const current = await listMembershipsOfUser(tx, user.id);
    const wanted = await findTenantsBySlugs(tx, [...access.memberships.keys()]);
    const system: AuditActor = { type: 'system', label: 'group-mapping' };
    for (const tenant of wanted) {
      if (tenant.status === 'deleted') continue;
      const role = access.memberships.get(tenant.slug);
      if (role === undefined) continue;
      const existing = current.find((m) => m.tenantId === tenant.id);
      if (existing === undefined) {
        const id = newId('mem');
        await insertMembership(tx, { id, tenantId: tenant.id, userId: user.id, role, source: 'idp' });
        await recordAudit(tx, {
          action: 'membership.granted',
          tenantId: tenant.id,
          actor: system,
          target,
          metadata: { role, membershipId: id },
        });
      } else if (existing.source === 'idp' && existing.role !== role) {
        await updateMembershipRole(tx, existing.membershipId, role);
        await recordAudit(tx, {
          action: 'membership.role_changed',
          tenantId: tenant.id,
          actor: system,
          target,
          metadata: { from: existing.role, to: role },
        });
      }
    }
    for (const m of current) {
      if (m.source !== 'idp' || access.memberships.has(m.tenantSlug)) continue;
      await deleteMembership(tx, m.membershipId);
      await recordAudit(tx, {
        action: 'membership.revoked',
        tenantId: m.tenantId,
        actor: system,
        target,
        metadata: { role: m.role, reason: 'group removed' },
      });
    }
    return { user, memberships: await listMembershipsOfUser(tx, user.id) };
  }
}
