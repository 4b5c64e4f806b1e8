import { sql } from 'drizzle-orm';
import { Gauge, type Registry } from 'prom-client';
import type { Executor, Store } from '../store/db.js';

export const CHANGE_CHANNEL = 'latchkey_changes';

/**
 * What every replica's caches must forget. `reset` is local only: the channel was down, so
 * notifications may have been missed and everything cached is suspect.
 */
export type Change =
  | { kind: 'api_token'; hashes: string[] }
  | { kind: 'tenant'; id: string }
  | { kind: 'user'; id: string }
  | { kind: 'connection'; id: string }
  | { kind: 'reset' };

// NOTIFY payloads are limited to 8000 bytes: 100 SHA-256 hex hashes stay well under.
const HASHES_PER_NOTICE = 100;

/**
 * Publishes a change inside the caller's transaction: PostgreSQL delivers NOTIFY on commit only,
 * so a rolled-back revocation is never announced and a committed one always is.
 */
export async function publishChange(tx: Executor, change: Exclude<Change, { kind: 'reset' }>): Promise<void> {
  const payloads =
    change.kind === 'api_token'
      ? chunk(change.hashes, HASHES_PER_NOTICE).map((hashes) => JSON.stringify({ kind: 'api_token', hashes }))
      : [JSON.stringify(change)];
  for (const payload of payloads) {
    await tx.execute(sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`);
  }
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function parseChange(payload: string): Change | undefined {
  try {
    const v = JSON.parse(payload) as Partial<Change> & { hashes?: unknown; id?: unknown };
    if (v.kind === 'api_token' && Array.isArray(v.hashes)) {
      return { kind: 'api_token', hashes: v.hashes.filter((h): h is string => typeof h === 'string') };
    }
    if ((v.kind === 'tenant' || v.kind === 'user' || v.kind === 'connection') && typeof v.id === 'string') {
      return { kind: v.kind, id: v.id };
    }
  } catch {
    // A payload we cannot read: treat as "something changed".
  }
  return undefined;
}

/**
 * The cross-replica invalidation channel (PostgreSQL LISTEN/NOTIFY; in-process on PGlite).
 * Caches subscribe and must only trust themselves while `trusted` is true: when the channel is
 * down a replica cannot hear revocations, so it fails closed and reads the store.
 */
export class ChangeBus {
  readonly #store: Store;
  readonly #subscribers = new Set<(change: Change) => void>();
  readonly #up: Gauge;
  #trusted = false;
  #stop: (() => Promise<void>) | undefined;

  constructor(store: Store, registry: Registry) {
    this.#store = store;
    this.#up = new Gauge({
      name: 'latchkey_change_channel_up',
      help: '1 while this replica hears cache invalidations (LISTEN connection alive)',
      registers: [registry],
    });
  }

  get trusted(): boolean {
    return this.#trusted;
  }

  async start(): Promise<void> {
    this.#stop = await this.#store.listen(
      CHANGE_CHANNEL,
      (payload) => {
        this.#emit(parseChange(payload) ?? { kind: 'reset' });
      },
      (up) => {
        // Whatever was cached while deaf may be stale: forget it before trusting again.
        if (up && !this.#trusted) this.#emit({ kind: 'reset' });
        if (!up) this.#emit({ kind: 'reset' });
        this.#trusted = up;
        this.#up.set(up ? 1 : 0);
      },
    );
  }

  /**
   * Tells this replica's caches at once, after the transaction that published the change has
   * committed: the NOTIFY echo arrives a moment later and must not be waited for.
   */
  announceLocally(change: Exclude<Change, { kind: 'reset' }>): void {
    this.#emit(change);
  }

  subscribe(fn: (change: Change) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  async stop(): Promise<void> {
    this.#trusted = false;
    await this.#stop?.();
  }

  #emit(change: Change): void {
    for (const fn of this.#subscribers) fn(change);
  }
}
