import { recordAudit, type AuditActor } from '../audit/record.js';
import { sha256Hex } from '../crypto/hash.js';
import { AppError } from '../errors.js';
import { newId } from '../ids.js';
import { publishChange, type ChangeBus } from '../notify/change-bus.js';
import type { Db, Executor } from '../store/db.js';
import {
  findActiveTokenByName,
  findApiToken,
  insertApiToken,
  markRotated,
  revokeApiTokens,
  revokeChain,
  type ApiTokenRow,
  type TokenFilter,
} from '../store/api-tokens.js';
import { findTenantSettings } from '../store/tenants.js';
import type { MembershipView } from '../store/users.js';
import { parseCidr } from './address-allowlist.js';
import { generateApiToken, tokenHint } from './format.js';
import type { Permission } from './permissions.js';

/** Who a token belongs to: a user acting through one membership. */
export interface TokenOwner {
  userId: string;
  membership: MembershipView;
}

export interface NewTokenInput {
  name: string;
  description?: string | undefined;
  services: readonly string[];
  permissions: readonly Permission[];
  expiresAt: Date;
  allowedCidrs: readonly string[];
}

const DAY_MS = 86_400_000;
export const MIN_LIFETIME_DAYS = 1;
export const MAX_LIFETIME_DAYS = 365;
export const MAX_GRACE_SECONDS = 86_400;
// Clients compute "now + N days" a moment before we do: allow that much drift on the bounds.
const BOUND_SLACK_MS = 5 * 60_000;

/**
 * API token rules (SPEC §5) as one place: who may create, what a token may hold, names, expiry
 * bounds and tenant policy, rotation chains, revocation broadcast. Every change is audited in its
 * transaction and announced to every replica on commit.
 */
export class ApiTokenService {
  readonly #db: Db;
  readonly #bus: ChangeBus;
  readonly #catalogue: ReadonlySet<string>;

  constructor(db: Db, bus: ChangeBus, catalogue: readonly string[]) {
    this.#db = db;
    this.#bus = bus;
    this.#catalogue = new Set(catalogue);
  }

  #evict(rows: readonly { tokenHash: string }[]): void {
    if (rows.length > 0)
      this.#bus.announceLocally({ kind: 'api_token', hashes: rows.map((r) => r.tokenHash) });
  }

  async create(actor: AuditActor, owner: TokenOwner, input: NewTokenInput, now = new Date()) {
    const membership = owner.membership;
    if (membership.role === 'guest') {
      throw new AppError('guest_cannot_create_tokens', 'guests cannot create API tokens; ask a tenant admin');
    }
    this.#checkServices(input.services);
    for (const [i, c] of input.allowedCidrs.entries()) {
      if (parseCidr(c) === null) {
        throw new AppError('validation_failed', 'an allowed address range is malformed', {
          fields: [{ path: `body.allowedCidrs.${i}`, message: 'expected an IP address or CIDR range' }],
        });
      }
    }
    return this.#db.transaction(async (tx) => {
      await this.#checkExpiry(tx, membership.tenantId, input.expiresAt, now);
      await this.#freeName(tx, actor, owner, input.name, now);
      return this.#insert(tx, actor, owner, input, now, undefined);
    });
  }

  /**
   * New secret, same settings. The old secret keeps working for `graceSeconds` (≤ 24 h), then
   * stops. Rotating an already-rotated token means its old secret is in someone else's hands
   * (SPEC §5): the whole chain is revoked.
   */
  async rotate(actor: AuditActor, owner: TokenOwner, id: string, graceSeconds: number, now = new Date()) {
    const membership = owner.membership;
    const outcome = await this.#db.transaction(async (tx) => {
      const old = await findApiToken(tx, membership.tenantId, id, { forUpdate: true });
      if (old?.userId !== owner.userId) throw new AppError('not_found', 'no such API token');
      // 409, not 401: the caller's credential is fine, the token they name is in the wrong state.
      if (old.revokedAt !== null) throw new AppError('conflict', 'a revoked token cannot be rotated');
      if (old.rotatedAt !== null) {
        const revoked = await revokeChain(tx, old.tenantId, old.chainId, 'rotation_reuse', now);
        await this.#auditRevocations(tx, actor, revoked, 'api_token.rotation_reuse_detected', {
          reason: 'rotated twice',
        });
        if (revoked.length > 0)
          await publishChange(tx, { kind: 'api_token', hashes: revoked.map((r) => r.tokenHash) });
        return { reused: true as const, revoked };
      }
      if (old.expiresAt.getTime() <= now.getTime())
        throw new AppError('conflict', 'an expired token cannot be rotated');
      const graceUntil = new Date(now.getTime() + graceSeconds * 1000);
      await markRotated(tx, old.tenantId, old.id, now, graceUntil);
      const created = await this.#insert(
        tx,
        actor,
        owner,
        {
          name: old.name,
          description: old.description ?? undefined,
          services: old.services,
          permissions: old.permissions as Permission[],
          expiresAt: old.expiresAt,
          allowedCidrs: old.allowedCidrs,
        },
        now,
        old,
        true,
      );
      await recordAudit(tx, {
        action: 'api_token.rotated',
        tenantId: old.tenantId,
        actor,
        target: { type: 'api_token', id: old.id, label: old.name },
        metadata: { newTokenId: created.row.id, graceSeconds, prefix: old.prefix },
      });
      // Without a grace period the old secret must stop at once on every replica.
      if (graceSeconds === 0) await publishChange(tx, { kind: 'api_token', hashes: [old.tokenHash] });
      return { reused: false as const, created, revoked: graceSeconds === 0 ? [old] : [] };
    });
    this.#evict(outcome.revoked);
    if (outcome.reused) {
      throw new AppError(
        'token_already_rotated',
        'this token was already rotated: the whole rotation chain is now revoked',
      );
    }
    return outcome.created;
  }

  /** Revokes matching active tokens of a tenant; one audit event per token; broadcast on commit. */
  async revoke(
    actor: AuditActor,
    tenantId: string,
    filter: TokenFilter,
    reason: string,
  ): Promise<ApiTokenRow[]> {
    const revoked = await this.#db.transaction(async (tx) => {
      const revoked = await revokeApiTokens(tx, tenantId, filter, reason, new Date());
      await this.#auditRevocations(tx, actor, revoked, 'api_token.revoked', { reason });
      if (revoked.length > 0)
        await publishChange(tx, { kind: 'api_token', hashes: revoked.map((r) => r.tokenHash) });
      return revoked;
    });
    this.#evict(revoked);
    return revoked;
  }

  #checkServices(services: readonly string[]): void {
    if (services.includes('*')) {
      if (services.length > 1) {
        throw new AppError('validation_failed', '"*" stands alone', {
          fields: [{ path: 'body.services', message: '"*" means every service and cannot be combined' }],
        });
      }
      return;
    }
    const unknown = services.map((s, i) => ({ s, i })).filter(({ s }) => !this.#catalogue.has(s));
    if (unknown.length > 0) {
      throw new AppError('validation_failed', 'unknown services', {
        fields: unknown.map(({ s, i }) => ({
          path: `body.services.${i}`,
          message: `no service "${s}" in the catalogue`,
        })),
      });
    }
  }

  async #checkExpiry(tx: Executor, tenantId: string, expiresAt: Date, now: Date): Promise<void> {
    const lifetime = expiresAt.getTime() - now.getTime();
    const policy = (await findTenantSettings(tx, tenantId)).tokenMaxLifetimeDays ?? null;
    const maxDays = Math.min(policy ?? MAX_LIFETIME_DAYS, MAX_LIFETIME_DAYS);
    if (
      lifetime < MIN_LIFETIME_DAYS * DAY_MS - BOUND_SLACK_MS ||
      lifetime > maxDays * DAY_MS + BOUND_SLACK_MS
    ) {
      const why = policy === null ? '' : ` (tenant policy: at most ${policy} days)`;
      throw new AppError('validation_failed', `expiry must be 1 to ${maxDays} days ahead${why}`, {
        fields: [{ path: 'body.expiresAt', message: `between 1 and ${maxDays} days from now${why}` }],
        extra: { maxLifetimeDays: maxDays },
      });
    }
  }

  /** An expired token keeps its name until revoked: retire it so the name can be reused. */
  async #freeName(
    tx: Executor,
    actor: AuditActor,
    owner: TokenOwner,
    name: string,
    now: Date,
  ): Promise<void> {
    const membership = owner.membership;
    const existing = await findActiveTokenByName(tx, membership.tenantId, owner.userId, name);
    if (existing === undefined) return;
    if (existing.expiresAt.getTime() > now.getTime()) {
      throw new AppError('token_name_taken', `you already have an active API token named "${name}"`);
    }
    const revoked = await revokeApiTokens(tx, membership.tenantId, { ids: [existing.id] }, 'expired', now);
    await this.#auditRevocations(tx, actor, revoked, 'api_token.revoked', { reason: 'expired, name reused' });
  }

  async #insert(
    tx: Executor,
    actor: AuditActor,
    owner: TokenOwner,
    input: NewTokenInput,
    now: Date,
    rotatedFrom: ApiTokenRow | undefined,
    skipAudit = false,
  ): Promise<{ secret: string; row: ApiTokenRow }> {
    const membership = owner.membership;
    const secret = generateApiToken();
    const id = newId('tok');
    const hint = tokenHint(secret);
    const row = await insertApiToken(tx, {
      id,
      tenantId: membership.tenantId,
      userId: owner.userId,
      name: input.name,
      description: input.description ?? null,
      tokenHash: sha256Hex(secret),
      prefix: hint.prefix,
      last4: hint.last4,
      services: [...input.services],
      permissions: [...input.permissions],
      allowedCidrs: [...input.allowedCidrs],
      expiresAt: input.expiresAt,
      createdAt: now,
      chainId: rotatedFrom?.chainId ?? id,
      rotatedFromId: rotatedFrom?.id ?? null,
    });
    if (!skipAudit) {
      await recordAudit(tx, {
        action: 'api_token.created',
        tenantId: membership.tenantId,
        actor,
        target: { type: 'api_token', id, label: input.name },
        metadata: {
          prefix: hint.prefix,
          last4: hint.last4,
          services: input.services,
          permissions: input.permissions,
          expiresAt: input.expiresAt.toISOString(),
        },
      });
    }
    return { secret, row };
  }

  async #auditRevocations(
    tx: Executor,
    actor: AuditActor,
    rows: readonly ApiTokenRow[],
    action: 'api_token.revoked' | 'api_token.rotation_reuse_detected',
    metadata: Record<string, unknown>,
  ): Promise<void> {
    for (const r of rows) {
      await recordAudit(tx, {
        action,
        tenantId: r.tenantId,
        actor,
        target: { type: 'api_token', id: r.id, label: r.name },
        metadata: { ...metadata, prefix: r.prefix, ownerId: r.userId },
      });
    }
  }
}
