import type { Change } from '../notify/change-bus.js';
import type { DownstreamToken } from './fresh-token.js';

interface Entry {
  tenantId: string;
  userId: string;
  token: DownstreamToken;
}

/**
 * Decrypted downstream access tokens that are still valid, by tenant, user and service: the hot
 * path of the proxy answers from memory. Bounded (least recently used goes first). Forgets on
 * every `connection`, `tenant` and `user` change and on `reset`; callers bypass it while the
 * change channel is not trusted, because then a revocation elsewhere could go unheard.
 */
export class TokenCache {
  readonly #max: number;
  // Map iteration order is insertion order: re-inserting on a hit makes it an LRU.
  readonly #entries = new Map<string, Entry>();
  readonly #byConnection = new Map<string, string>();
  /** The entry inserted last: the newest of the LRU already, re-inserting it changes nothing. */
  #newest: Entry | undefined;
  /**
   * Bumped by every invalidation. A value read from the store before an invalidation must not be
   * cached after it (it may be the revoked token), so `set` takes the epoch its read started in.
   */
  #epoch = 0;

  constructor(maxEntries = 10_000) {
    this.#max = maxEntries;
  }

  get epoch(): number {
    return this.#epoch;
  }

  get size(): number {
    return this.#entries.size;
  }

  static key(tenantId: string, userId: string, serviceId: string): string {
    return `${tenantId}\u0000${userId}\u0000${serviceId}`;
  }

  /** The cached token if it stays valid for longer than `earlyMs` from `nowMs` (epoch ms). */
  get(key: string, nowMs: number, earlyMs: number): DownstreamToken | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    const exp = entry.token.expiresAt;
    if (exp !== undefined && exp.getTime() - nowMs <= earlyMs) {
      this.#delete(key, entry);
      return undefined;
    }
    // Not when it is already the newest (one hot connection): a delete and a set each reallocate
    // a small Map's table.
    if (entry !== this.#newest) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
      this.#newest = entry;
    }
    return entry.token;
  }

  set(key: string, owner: { tenantId: string; userId: string }, token: DownstreamToken, epoch: number): void {
    if (epoch !== this.#epoch) return;
    const old = this.#entries.get(key);
    if (old !== undefined) this.#delete(key, old);
    const added = { ...owner, token };
    this.#entries.set(key, added);
    this.#newest = added;
    this.#byConnection.set(token.connectionId, key);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done === true) break;
      const entry = this.#entries.get(oldest.value);
      if (entry !== undefined) this.#delete(oldest.value, entry);
    }
  }

  /** Applies a change notice (ChangeBus subscriber). */
  apply(change: Change): void {
    if (change.kind === 'api_token') return;
    this.#epoch += 1;
    switch (change.kind) {
      case 'connection': {
        const key = this.#byConnection.get(change.id);
        const entry = key === undefined ? undefined : this.#entries.get(key);
        if (key !== undefined && entry !== undefined) this.#delete(key, entry);
        return;
      }
      case 'tenant':
        this.#deleteWhere((e) => e.tenantId === change.id);
        return;
      case 'user':
        this.#deleteWhere((e) => e.userId === change.id);
        return;
      case 'reset':
        this.#entries.clear();
        this.#byConnection.clear();
        return;
    }
  }

  #deleteWhere(match: (e: Entry) => boolean): void {
    for (const [key, entry] of this.#entries) if (match(entry)) this.#delete(key, entry);
  }

  #delete(key: string, entry: Entry): void {
    this.#entries.delete(key);
    if (this.#byConnection.get(entry.token.connectionId) === key)
      this.#byConnection.delete(entry.token.connectionId);
  }
}
