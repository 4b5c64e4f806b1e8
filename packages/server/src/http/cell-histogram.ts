import type {
  Histogram,
  LabelValues,
  MetricObjectWithValues,
  MetricValueWithName,
  Registry,
} from 'prom-client';

/** One label set's buckets: plain numbers, read only when the histogram is scraped. */
interface Cell<L extends string> {
  readonly labels: LabelValues<L>;
  /** Observations per bucket (not cumulative); the last slot is past the highest bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
  /** Shown even with no observation (`zero`), as prom-client does. */
  pinned: boolean;
}

/** What `bind` returns: records one observation, allocates nothing. */
export type Observe = (value: number) => void;

export interface CellHistogramConfig<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  buckets: readonly number[];
  registers: readonly Registry[];
}

/**
 * A Prometheus histogram with prom-client's interface and exposition, whose `observe` is a bucket
 * search and three additions. prom-client validates and hashes the label values on every
 * observation, even through a `labels()` child: on the proxy (two histograms per request) that
 * was the largest single cost of Latchkey's own code. Here a label set is resolved once, by
 * `bind`, and what a scrape shows is exactly what prom-client would show for the same
 * observations (same series, cumulative buckets, `+Inf`, `_sum`, `_count`).
 */
export class CellHistogram<L extends string> implements Histogram<L> {
  readonly name: string;
  readonly help: string;
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #labelNames: readonly L[];
  readonly #bounds: readonly number[];
  readonly #cells = new Map<string, Cell<L>>();

  constructor(config: CellHistogramConfig<L>) {
    this.name = config.name;
    this.help = config.help;
    this.#labelNames = config.labelNames;
    this.#bounds = [...config.buckets].sort((a, b) => a - b);
    // prom-client's Registry only reads a metric's name, `get()` and `reset()`; it never checks the
    // class, so any object with Histogram's interface is a histogram to it.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    for (const registry of config.registers) registry.registerMetric(this);
  }

  /** The observer for one label set: resolve it once, call it on every observation. */
  bind(labels: LabelValues<L>): Observe {
    const cell = this.#cell(labels);
    const bounds = this.#bounds;
    return (value) => {
      let i = 0;
      while (i < bounds.length && value > (bounds[i] as number)) i++;
      cell.counts[i] = (cell.counts[i] as number) + 1;
      cell.sum += value;
      cell.count += 1;
    };
  }

  observe(
    labelsOrValue: LabelValues<L> | number | { labels?: LabelValues<L>; value: number },
    value?: number,
  ): void {
    if (typeof labelsOrValue === 'number') this.bind({})(labelsOrValue);
    else if (value !== undefined) this.bind(labelsOrValue as LabelValues<L>)(value);
    else if ('value' in labelsOrValue && typeof labelsOrValue.value === 'number') {
      this.bind(labelsOrValue.labels ?? {})(labelsOrValue.value);
    } else throw new TypeError(`${this.name}: observe needs a value`);
  }

  labels(...values: [LabelValues<L>] | string[]): Histogram.Internal<L> {
    const labels = this.#labelsOf(values);
    const observe = this.bind(labels);
    return {
      observe,
      startTimer: () => {
        const started = performance.now();
        return () => {
          observe((performance.now() - started) / 1000);
        };
      },
    };
  }

  startTimer(labels?: LabelValues<L>): (more?: LabelValues<L>) => number {
    const started = performance.now();
    return (more) => {
      const seconds = (performance.now() - started) / 1000;
      this.bind({ ...labels, ...more })(seconds);
      return seconds;
    };
  }

  zero(labels: LabelValues<L>): void {
    const cell = this.#cell(labels);
    clear(cell);
    cell.pinned = true;
  }

  remove(...values: [LabelValues<L>] | string[]): void {
    const cell = this.#cells.get(this.#keyOf(this.#labelsOf(values)));
    if (cell !== undefined) clear(cell);
  }

  /** Every series is forgotten until observed again. Cells are cleared in place: observers
   * returned by `bind` stay attached. */
  reset(): void {
    for (const cell of this.#cells.values()) clear(cell);
  }

  async get(): Promise<MetricObjectWithValues<MetricValueWithName<L>>> {
    const values: MetricValueWithName<L>[] = [];
    const bucket = `${this.name}_bucket`;
    for (const cell of this.#cells.values()) {
      if (cell.count === 0 && !cell.pinned) continue;
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += cell.counts[i] as number;
        values.push({ labels: { ...cell.labels, le }, value: cumulative, metricName: bucket });
      });
      values.push(
        { labels: { ...cell.labels, le: '+Inf' }, value: cell.count, metricName: bucket },
        { labels: cell.labels, value: cell.sum, metricName: `${this.name}_sum` },
        { labels: cell.labels, value: cell.count, metricName: `${this.name}_count` },
      );
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      // prom-client's own histograms report the string too; its typings say an enum.
      type: this.type as unknown as MetricObjectWithValues<MetricValueWithName<L>>['type'],
      aggregator: this.aggregator,
      values,
      collect: () => undefined,
    });
  }

  #cell(labels: LabelValues<L>): Cell<L> {
    for (const name in labels) {
      if (!this.#labelNames.includes(name)) throw new Error(`${this.name}: unknown label "${name}"`);
    }
    const key = this.#keyOf(labels);
    let cell = this.#cells.get(key);
    if (cell === undefined) {
      cell = {
        labels: { ...labels },
        counts: new Float64Array(this.#bounds.length + 1),
        sum: 0,
        count: 0,
        pinned: false,
      };
      this.#cells.set(key, cell);
    }
    return cell;
  }

  #keyOf(labels: LabelValues<L>): string {
    return this.#labelNames.map((n) => String(labels[n] ?? '')).join('\u0000');
  }

  #labelsOf(values: [LabelValues<L>] | string[]): LabelValues<L> {
    const [first] = values;
    if (typeof first === 'object') return first;
    const labels: LabelValues<L> = {};
    this.#labelNames.forEach((name, i) => {
      const v = values[i];
      if (typeof v === 'string') labels[name] = v;
    });
    return labels;
  }
}

function clear<L extends string>(cell: Cell<L>): void {
  cell.counts.fill(0);
  cell.sum = 0;
  cell.count = 0;
  cell.pinned = false;
}
