import { Counter, type Registry } from 'prom-client';
import { CellHistogram, type Observe } from '../http/cell-histogram.js';
import { CounterCells } from '../http/counter-cells.js';
import { added } from '../map-entries.js';

/** Proxy metrics (SPEC §11): upstream latency by service and status class, requests by outcome. */
export interface ProxyMetrics {
  upstreamDuration: CellHistogram<'service' | 'status_class'>;
  requests: Counter<'service' | 'outcome'>;
  /** Observes one upstream answer; labelled children are cached (the hot path hashes no labels). */
  observeUpstream(service: string, status: number, seconds: number): void;
  countRequest(service: string, outcome: string): void;
}

export function createProxyMetrics(registry: Registry): ProxyMetrics {
  // Per service, per status class (index 1–5): observers and counters bound once, no key strings.
  const histograms = new Map<string, Observe[]>();
  // Counted in plain numbers, handed to prom-client when scraped (counter-cells.ts).
  const cells = new CounterCells<'service' | 'outcome'>();
  const counters = new Map<string, Map<string, () => void>>();
  const metrics = {
    upstreamDuration: new CellHistogram({
      name: 'latchkey_proxy_upstream_duration_seconds',
      help: 'Time from sending a proxied request upstream to its response headers, by service and status class',
      labelNames: ['service', 'status_class'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
      registers: [registry],
    }),
    requests: new Counter({
      name: 'latchkey_proxy_requests_total',
      help: 'Proxied requests by service and outcome (forwarded, refused, upstream_error)',
      labelNames: ['service', 'outcome'],
      registers: [registry],
      collect() {
        cells.flushInto(this);
      },
    }),
  };
  return {
    ...metrics,
    observeUpstream(service, status, seconds) {
      const byClass = histograms.get(service) ?? added(histograms, service, []);
      const i = Math.floor(status / 100);
      const observe =
        byClass[i] ??
        (byClass[i] = metrics.upstreamDuration.bind({ service, status_class: statusClass(status) }));
      observe(seconds);
    },
    countRequest(service, outcome) {
      const byOutcome = counters.get(service) ?? added(counters, service, new Map());
      const count = byOutcome.get(outcome) ?? added(byOutcome, outcome, cells.bind({ service, outcome }));
      count();
    },
  };
}

/** `2xx`, `4xx`…: bounded label values. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
