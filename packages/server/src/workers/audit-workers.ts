import { sealPending } from '../audit/chain/seal.js';
import type { AppServices } from '../services.js';
import { intervalWorker, type Logger, type Worker } from './worker.js';

/** The audit feature's background workers: the sealer, then (when configured) ingest and delivery. */
export function auditWorkers(services: AppServices, log: Logger): Worker[] {
  const { sealer } = services.config.audit;
  return [
    intervalWorker({
      name: 'audit-sealer',
      intervalMs: sealer.intervalMs,
      log,
      run: async () => {
        const report = await sealPending(services.store.db, {
          batchSize: sealer.batchSize,
          stragglerWindowSeconds: sealer.stragglerWindowSeconds,
        });
        return report.more;
      },
    }),
  ];
}
