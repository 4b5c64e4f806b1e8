import type { AuditEventInput } from '../audit/record.js';
import { recordAudit } from '../audit/record.js';
import type { Db } from '../store/db.js';

/**
 * Audit of proxied requests (SPEC §6.1), written after the response so the hot path never waits
 * on the store: events queue in memory and are inserted in one transaction per batch. A failed
 * batch is logged, never retried into a loop; closing the app flushes what is left.
 */
export class ProxyAuditQueue {
  readonly #db: Db;
  readonly #onError: (err: unknown) => void;
  readonly #maxBatch: number;
  #pending: AuditEventInput[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: { db: Db; onError: (err: unknown) => void; maxBatch?: number }) {
    this.#db = deps.db;
    this.#onError = deps.onError;
    this.#maxBatch = deps.maxBatch ?? 500;
  }

  push(event: AuditEventInput): void {
    this.#pending.push(event);
    if (this.#pending.length >= this.#maxBatch) this.#kick();
    else
      this.#timer ??= setTimeout(() => {
        this.#kick();
      }, 50);
  }

  /** Writes everything queued so far (tests and shutdown). */
  async flush(): Promise<void> {
    while (this.#pending.length > 0 || this.#flushing !== undefined) {
      if (this.#flushing !== undefined) await this.#flushing;
      else this.#kick();
    }
  }

  #kick(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing !== undefined || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#maxBatch);
    this.#flushing = this.#write(batch).finally(() => {
      this.#flushing = undefined;
      if (this.#pending.length > 0) this.#kick();
    });
  }

  async #write(batch: AuditEventInput[]): Promise<void> {
    try {
      await this.#db.transaction(async (tx) => {
        for (const event of batch) await recordAudit(tx, event);
      });
    } catch (err) {
      this.#onError(err);
    }
  }
}
