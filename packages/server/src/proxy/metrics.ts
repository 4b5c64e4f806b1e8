import { Counter, Histogram, type Registry } from 'prom-client';

/** Proxy metrics (SPEC §11): upstream latency by service and status class, requests by outcome. */
export interface ProxyMetrics {
  upstreamDuration: Histogram<'service' | 'status_class'>;
  requests: Counter<'service' | 'outcome'>;
}

export function createProxyMetrics(registry: Registry): ProxyMetrics {
  return {
    upstreamDuration: new Histogram({
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
    }),
  };
}

/** `2xx`, `4xx`…: bounded label values. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
