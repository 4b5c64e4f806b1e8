import { sha256Hex } from '../crypto/hash.js';
import { AppError } from '../errors.js';
import type { Change, ChangeBus } from '../notify/change-bus.js';
import type { Db } from '../store/db.js';
import { findApiTokenByHash, touchApiToken, type ApiTokenWithOwner } from '../store/api-tokens.js';
import type { MembershipView, UserRow } from '../store/users.js';
import { AddressAllowlist } from './address-allowlist.js';
import { isWellFormedApiToken, TOKEN_LENGTH } from './format.js';
import { parseScope, type TokenScope } from './permissions.js';

/** A verified API token: who it acts for, in which tenant, with which scope. */
export interface VerifiedApiToken {
  id: string;
  name: string;
  tenantId: string;
  user: UserRow;
  membership: MembershipView;
  scope: TokenScope;
  expiresAt: Date;
  createdAt: Date;
}

interface Entry {
  /** undefined: no token has this hash (negative entry). */
  found: ApiTokenWithOwner | undefined;
  allowlist: AddressAllowlist | undefined;
  /** What `verify` answers once the checks pass, built once per entry (frozen: it is shared). */
  verified: VerifiedApiToken | undefined;
  cachedAt: number;
}

export interface VerifierOptions {
  cacheSize?: number;
  /** Positive entries are re-read after this long even without a notification (belt and braces). */
  ttlMs?: number;
  negativeTtlMs?: number;
}

const LAST_USED_EVERY_MS = 60_000;

/**
 * Offline format and checksum first (nothing else runs for garbage), then the SHA-256 the store
 * and the cache are keyed by: only the hash of a token is kept, never the token.
 */
function hashOf(token: string): string {
  assertWellFormed(token);
  return sha256Hex(token);
}

function assertWellFormed(token: string): void {
  if (!isWellFormedApiToken(token)) throw new AppError('invalid_token', 'the API token is malformed');
}

/** What a token that passes every check verifies as; `undefined` when it has no membership. */
function verifiedOf(found: ApiTokenWithOwner): VerifiedApiToken | undefined {
  const t = found.token;
  if (found.membership === null) return undefined;
  return Object.freeze({
    id: t.id,
    name: t.name,
    tenantId: t.tenantId,
    user: found.user,
    membership: Object.freeze({
      membershipId: found.membership.id,
      tenantId: found.tenant.id,
      tenantSlug: found.tenant.slug,
      tenantName: found.tenant.name,
      tenantStatus: found.tenant.status,
      role: found.membership.role,
      source: found.membership.source,
    }),
    scope: parseScope(t.services, t.permissions),
    expiresAt: t.expiresAt,
    createdAt: t.createdAt,
  });
}

/**
 * Verifies `lk_` tokens (SPEC §5) as steps: offline format + checksum (nothing else runs for
 * garbage) → in-process LRU keyed by SHA-256 (negative entries too, scopes pre-parsed), trusted
 * only while the invalidation channel is up → store → revoked / expired / rotated / owner / tenant /
 * address checks. Store unreachable → 503, never "allow".
 */
export class ApiTokenVerifier {
  readonly #db: Db;
  readonly #bus: ChangeBus;
  readonly #cache = new Map<string, Entry>();
  /** The entry inserted last: the newest of the LRU already, re-inserting it changes nothing. */
  #newest: Entry | undefined;
  readonly #lastUsedWrites = new Map<string, number>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #negativeTtl: number;
  readonly #onError: (err: unknown) => void;
  hits = 0;
  misses = 0;
  /** Exported as `latchkey_token_cache_lookups_total{cache="api_token",outcome}` (SPEC §11 token-cache hits). */
  readonly #countHit: () => void;
  readonly #countMiss: () => void;

  constructor(
    deps: {
      db: Db;
      bus: ChangeBus;
      onBackgroundError: (err: unknown) => void;
      /** Pre-bound counters (label lookups stay off the hot path). */
      cacheCounter?: { hit: () => void; miss: () => void };
    },
    options: VerifierOptions = {},
  ) {
    this.#db = deps.db;
    this.#bus = deps.bus;
    this.#onError = deps.onBackgroundError;
    this.#countHit = deps.cacheCounter?.hit ?? (() => undefined);
    this.#countMiss = deps.cacheCounter?.miss ?? (() => undefined);
    this.#max = options.cacheSize ?? 50_000;
    this.#ttl = options.ttlMs ?? 300_000;
    this.#negativeTtl = options.negativeTtlMs ?? 30_000;
    deps.bus.subscribe((change) => {
      this.#forget(change);
    });
  }

  get cacheSize(): number {
    return this.#cache.size;
  }

  /**
   * `ip`: the caller's address, checked against the token's allow-list; `undefined` when the
   * caller is not the holder (introspection by a resource server) and the check does not apply.
   */
  async verify(
    token: string,
    ip: string | null | undefined,
    now: number = Date.now(),
  ): Promise<VerifiedApiToken> {
    const hash = hashOf(token);
    const entry = this.#cached(hash, now) ?? (await this.#load(hash, now));
    return this.#check(entry, ip, now);
  }

  /**
   * `verify` answered from the cache alone, synchronously (the proxy's hot path): the verified
   * token, or the same refusal `verify` would throw; `undefined` when only the store can tell
   * (then call `verify`). The same checks with the same outcomes: the cache under the same trust
   * and TTL rules, then every check of `verify`. The format and checksum run on a miss only: an
   * entry is only ever cached under the hash of a token that passed them, so finding one proves
   * them again (SHA-256 has no known collisions), and the hot path skips a CRC32 and a regex.
   */
  verifyCached(
    token: string,
    ip: string | null | undefined,
    now: number = Date.now(),
  ): VerifiedApiToken | undefined {
    const entry = token.length === TOKEN_LENGTH ? this.#cached(sha256Hex(token), now) : undefined;
    if (entry === undefined) {
      assertWellFormed(token);
      return undefined;
    }
    return this.#check(entry, ip, now);
  }

  /** Every check of SPEC §5 on a looked-up entry; throws the refusal. */
  #check(entry: Entry, ip: string | null | undefined, now: number): VerifiedApiToken {
    const { found, verified } = entry;
    if (found === undefined || entry.allowlist === undefined) {
      throw new AppError('invalid_token', 'unknown API token');
    }
    const t = found.token;
    if (t.revokedAt !== null)
      throw new AppError('token_revoked', `this API token was revoked (${t.revokedReason ?? 'revoked'})`);
    if (t.expiresAt.getTime() <= now) throw new AppError('token_expired', 'this API token has expired');
    if (t.rotatedAt !== null && (t.graceUntil === null || t.graceUntil.getTime() <= now)) {
      throw new AppError('token_revoked', 'this API token was rotated; use its successor');
    }
    // `verified` is undefined exactly when there is no membership.
    if (found.user.deletedAt !== null || found.membership === null || verified === undefined) {
      throw new AppError(
        'token_owner_removed',
        'the owner of this API token no longer belongs to its tenant',
      );
    }
    if (found.tenant.status === 'suspended' || found.tenant.status === 'deleted') {
      throw new AppError('tenant_suspended', `tenant ${found.tenant.slug} is ${found.tenant.status}`);
    }
    if (ip !== undefined && !entry.allowlist.allows(ip))
      throw new AppError('ip_not_allowed', 'this API token cannot be used from this address');
    this.#noteUse(t.id, ip ?? null, now);
    return verified;
  }

  /** The cached entry for `hash` when it may be trusted (channel up, within its TTL). */
  #cached(hash: string, now: number): Entry | undefined {
    const cached = this.#cache.get(hash);
    if (cached === undefined || !this.#bus.trusted) return undefined;
    const ttl = cached.found === undefined ? this.#negativeTtl : this.#ttl;
    if (now - cached.cachedAt >= ttl) return undefined;
    // LRU: re-insert so the most recently used entries survive eviction. Not when it is already
    // the newest (one hot token): a delete and a set each reallocate a small Map's table.
    if (cached !== this.#newest) {
      this.#cache.delete(hash);
      this.#cache.set(hash, cached);
      this.#newest = cached;
    }
    this.hits += 1;
    this.#countHit();
    return cached;
  }

  async #load(hash: string, now: number): Promise<Entry> {
    this.misses += 1;
    this.#countMiss();
    let found: ApiTokenWithOwner | undefined;
    try {
      found = await findApiTokenByHash(this.#db, hash);
    } catch (cause) {
      throw new AppError('store_unavailable', 'the token store cannot be reached', {
        cause,
        headers: { 'retry-after': '1' },
      });
    }
    const entry: Entry = {
      found,
      allowlist: found && new AddressAllowlist(found.token.allowedCidrs),
      verified: found && verifiedOf(found),
      cachedAt: now,
    };
    // While the channel is down nothing is cached: entries could not be invalidated.
    if (this.#bus.trusted) {
      this.#cache.delete(hash);
      this.#cache.set(hash, entry);
      this.#newest = entry;
      if (this.#cache.size > this.#max) {
        const oldest = this.#cache.keys().next();
        if (oldest.done !== true) this.#cache.delete(oldest.value);
      }
    }
    return entry;
  }

  #forget(change: Change): void {
    switch (change.kind) {
      case 'api_token':
        for (const h of change.hashes) this.#cache.delete(h);
        return;
      case 'tenant':
        for (const [h, e] of this.#cache) if (e.found?.tenant.id === change.id) this.#cache.delete(h);
        return;
      case 'user':
        for (const [h, e] of this.#cache) if (e.found?.user.id === change.id) this.#cache.delete(h);
        return;
      case 'reset':
        this.#cache.clear();
        return;
      case 'connection':
        return;
    }
  }

  #noteUse(id: string, ip: string | null, now: number): void {
    const last = this.#lastUsedWrites.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.#lastUsedWrites.set(id, now);
    if (this.#lastUsedWrites.size > this.#max) this.#lastUsedWrites.clear();
    touchApiToken(this.#db, id, new Date(now), ip).catch(this.#onError);
  }
}
