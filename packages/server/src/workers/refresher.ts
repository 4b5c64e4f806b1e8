import { BackgroundRefresher } from '../refresh/background.js';
import type { AppServices } from '../services.js';
import { intervalWorker, type Logger, type Worker } from './worker.js';

/** The background refresher of SPEC §4.4 as a replica worker (`refresher:` in the config). */
export function refresherWorkers(services: AppServices, log: Logger): Worker[] {
  const options = services.config.refresher;
  if (!options.enabled) return [];
  const refresher = new BackgroundRefresher({
    db: services.store.db,
    engine: services.refreshEngine,
    connectors: services.connectors,
    metrics: services.metrics,
    options: {
      batchSize: options.batchSize,
      leaseMs: options.leaseSeconds * 1000,
      concurrency: options.concurrency,
    },
    log,
  });
  return [
    intervalWorker({
      name: 'refresher',
      intervalMs: options.intervalMs,
      log,
      run: () => refresher.runOnce(),
    }),
  ];
}
