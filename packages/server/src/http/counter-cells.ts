import type { Counter, LabelValues } from 'prom-client';

interface Cell<L extends string> {
  readonly labels: LabelValues<L>;
  pending: number;
}

/**
 * Increments of a prom-client Counter kept in plain numbers on the hot path and handed to the
 * counter when it is read (scrape, `get()`), from the counter's `collect`. prom-client hashes and
 * validates the label values on every `inc`, even on a child bound with `labels()`; the proxy
 * counts several times per request. What a scrape shows is unchanged: every increment made
 * before it is in it.
 */
export class CounterCells<L extends string> {
  readonly #cells: Cell<L>[] = [];

  /** An increment-by-one for one fixed label set; call it as often as needed, it allocates nothing. */
  bind(labels: LabelValues<L>): () => void {
    const cell: Cell<L> = { labels, pending: 0 };
    this.#cells.push(cell);
    return () => {
      cell.pending += 1;
    };
  }

  /** Moves the pending increments into `counter`; from its `collect`. */
  flushInto(counter: Counter<L>): void {
    for (const cell of this.#cells) {
      if (cell.pending === 0) continue;
      counter.inc(cell.labels, cell.pending);
      cell.pending = 0;
    }
  }
}
