import type { Metrics } from '../../http/metrics.js';
import type { IngestCounts } from './store-ingested.js';

/** Told about every ingested batch: what came of it and how late each stored event arrived. */
export interface IngestObserver {
  batch(sourceId: string, counts: IngestCounts, lagSeconds: readonly number[]): void;
}

/**
 * Feeds the ingest metrics of SPEC §11: events by source and outcome, and the ingest lag — how long
 * after it happened (its own timestamp) an event reached the store. A lag that grows says a source
 * or Latchkey is falling behind; a negative one (a source clock ahead) counts as 0.
 */
export function metricsIngestObserver(metrics: Metrics): IngestObserver {
  return {
    batch(sourceId, counts, lagSeconds) {
      const count = (outcome: keyof IngestCounts) => {
        if (outcome !== 'received' && counts[outcome] > 0)
          metrics.auditIngested.inc({ source: sourceId, outcome }, counts[outcome]);
      };
      count('stored');
      count('duplicates');
      count('filtered');
      count('invalid');
      const lag = metrics.auditIngestLag.labels(sourceId);
      for (const s of lagSeconds) lag.observe(Math.max(0, s));
    },
  };
}
