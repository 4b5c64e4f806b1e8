import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CellHistogram } from './cell-histogram.js';
import { CounterCells } from './counter-cells.js';

/** One registry per app (no global default registry: two apps in one process must not clash). */
export interface Metrics {
  registry: Registry;
  httpDuration: CellHistogram<'method' | 'route' | 'status'>;
  authFailures: Counter<'reason'>;
  tokenCacheLookups: Counter<'cache' | 'outcome'>;
  /**
   * Increments of `tokenCacheLookups` for the hot path (see counter-cells.ts), per cache: a proxied
   * request looks up both, so one unlabelled counter would count it twice.
   */
  tokenCacheCounts: Record<'apiToken' | 'downstream', { hit: () => void; miss: () => void }>;
  auditIngested: Counter<'source' | 'outcome'>;
  auditIngestLag: Histogram<'source'>;
  /** SPEC §4.4: refreshes by service, trigger and outcome; latency; backlog; lease takeovers. */
  refreshes: Counter<'service' | 'trigger' | 'outcome'>;
  refreshDuration: Histogram<'service'>;
  refreshDue: Gauge;
  refreshLeaseTakeovers: Counter;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  const cacheCells = new CounterCells<'cache' | 'outcome'>();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  return {
    registry,
    httpDuration: new CellHistogram({
      name: 'latchkey_http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    tokenCacheLookups: new Counter({
      name: 'latchkey_token_cache_lookups_total',
      help: 'Token lookups answered from the in-process cache (hit) or the store (miss), by cache: api_token (verifications) or downstream (connection tokens)',
      labelNames: ['cache', 'outcome'],
      registers: [registry],
      collect() {
        cacheCells.flushInto(this);
      },
    }),
    tokenCacheCounts: {
      apiToken: {
        hit: cacheCells.bind({ cache: 'api_token', outcome: 'hit' }),
        miss: cacheCells.bind({ cache: 'api_token', outcome: 'miss' }),
      },
      downstream: {
        hit: cacheCells.bind({ cache: 'downstream', outcome: 'hit' }),
        miss: cacheCells.bind({ cache: 'downstream', outcome: 'miss' }),
      },
    },
    auditIngested: new Counter({
      name: 'latchkey_audit_ingested_events_total',
      help: 'Ingested audit events by source and outcome (stored, duplicates, filtered, invalid)',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    }),
    auditIngestLag: new Histogram({
      name: 'latchkey_audit_ingest_lag_seconds',
      help: 'Time from an ingested event happening (its own timestamp) to it being stored',
      labelNames: ['source'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 15, 30, 60, 300, 900, 3600, 21600, 86400],
      registers: [registry],
    }),
    refreshes: new Counter({
      name: 'latchkey_refreshes_total',
      help: 'Downstream token refreshes by service, trigger (on_demand, background, manual) and outcome',
      labelNames: ['service', 'trigger', 'outcome'],
      registers: [registry],
    }),
    refreshDuration: new Histogram({
      name: 'latchkey_refresh_duration_seconds',
      help: 'Time a refresh took at the provider, lock wait and commit included',
      labelNames: ['service'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    refreshDue: new Gauge({
      name: 'latchkey_refresh_due_connections',
      help: 'Connections due for a background refresh, as last counted by this replica',
      registers: [registry],
    }),
    refreshLeaseTakeovers: new Counter({
      name: 'latchkey_refresh_lease_takeovers_total',
      help: 'Due connections claimed after another replica let its lease expire (crash or stall)',
      registers: [registry],
    }),
    authFailures: new Counter({
      name: 'latchkey_auth_failures_total',
      help: 'Refused credentials by reason code',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

/** Times every request by its route template (never the raw URL: unbounded label values). */
export function installMetricsHooks(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
