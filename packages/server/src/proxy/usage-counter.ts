import { added } from '../map-entries.js';
import type { Db } from '../store/db.js';
import { addProxyUsage, purgeProxyUsage, type UsageIncrement } from '../store/activity.js';

const HOUR_MS = 3_600_000;

/**
 * Counts proxied calls per (tenant, hour, user, service) for the Dashboard (SPEC §9). Counting
 * is a map increment on the hot path; the counts are added to the store every `flushMs` (and on
 * close), so a call costs no query. A failed write keeps the counts for the next flush, so a store
 * hiccup loses nothing; hours past `keepMs` are purged at most once an hour.
 */
export class ProxyUsageCounter {
  readonly #db: Db;
  readonly #onError: (err: unknown) => void;
  readonly #keepMs: number;
  readonly #now: () => number;
  #pending = new Map<string, UsageIncrement>();
  /**
   * The current hour's pending entries by tenant, user and service: the hot path finds its entry
   * through maps keyed by the strings it already has, building no key string. Dropped when the
   * hour turns and at every flush (the entries it points to then belong to the batch being
   * written).
   */
  #index = new Map<string, Map<string, Map<string, UsageIncrement>>>();
  #indexHour = -1;
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #purgedAt = 0;

  constructor(deps: {
    db: Db;
    onError: (err: unknown) => void;
    flushMs?: number;
    keepMs?: number;
    now?: () => number;
  }) {
    this.#db = deps.db;
    this.#onError = deps.onError;
    this.#keepMs = deps.keepMs ?? 35 * 24 * HOUR_MS;
    this.#now = deps.now ?? Date.now;
    const flushMs = deps.flushMs ?? 10_000;
    if (flushMs > 0) {
      this.#timer = setInterval(() => void this.flush(), flushMs);
      this.#timer.unref();
    }
  }

  count(tenantId: string, userId: string, serviceId: string, failed: boolean): void {
    const now = this.#now();
    const hourMs = now - (now % HOUR_MS);
    if (hourMs !== this.#indexHour) {
      this.#index = new Map();
      this.#indexHour = hourMs;
    }
    const byUser = this.#index.get(tenantId) ?? added(this.#index, tenantId, new Map());
    const byService = byUser.get(userId) ?? added(byUser, userId, new Map());
    const entry =
      byService.get(serviceId) ??
      added(byService, serviceId, this.#pendingEntry(tenantId, hourMs, userId, serviceId));
    entry.calls += 1;
    if (failed) entry.failed += 1;
  }

  /** The pending entry for a key (created when new): only when the index has not seen it. */
  #pendingEntry(tenantId: string, hourMs: number, userId: string, serviceId: string): UsageIncrement {
    const key = `${tenantId} ${hourMs} ${userId} ${serviceId}`;
    let entry = this.#pending.get(key);
    if (entry === undefined) {
      entry = { tenantId, hour: new Date(hourMs), userId, serviceId, calls: 0, failed: 0 };
      this.#pending.set(key, entry);
    }
    return entry;
  }

  /** Writes what was counted so far (tests, the timer and shutdown). Never throws. */
  async flush(): Promise<void> {
    if (this.#flushing !== undefined) await this.#flushing;
    if (this.#pending.size === 0) return;
    const batch = this.#pending;
    this.#pending = new Map();
    this.#index = new Map();
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
    });
    await this.#flushing;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #write(batch: Map<string, UsageIncrement>): Promise<void> {
    try {
      await addProxyUsage(this.#db, [...batch.values()]);
    } catch (err) {
      // Put the counts back (adding to what arrived meanwhile) for the next flush.
      for (const [key, entry] of batch) {
        const current = this.#pending.get(key);
        if (current === undefined) this.#pending.set(key, entry);
        else {
          current.calls += entry.calls;
          current.failed += entry.failed;
        }
      }
      this.#onError(err);
      return;
    }
    const now = this.#now();
    if (now - this.#purgedAt < HOUR_MS) return;
    this.#purgedAt = now;
    try {
      await purgeProxyUsage(this.#db, new Date(now - this.#keepMs));
    } catch (err) {
      this.#onError(err);
    }
  }
}
