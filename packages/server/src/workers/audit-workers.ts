import { sealPending } from '../audit/chain/seal.js';
import { tailStep } from '../audit/ingest/file-tail.js';
import { metricsIngestObserver } from '../audit/ingest/observer.js';
import { pollOnce } from '../audit/ingest/poll-source.js';
import { purgeExpired } from '../audit/retention/purge.js';
import { deliverDue } from '../audit/webhooks/deliver.js';
import type { AppServices } from '../services.js';
import { intervalWorker, type Logger, type Worker } from './worker.js';

/** The audit feature's background workers: the sealer, then (when configured) ingest and delivery. */
export function auditWorkers(services: AppServices, log: Logger): Worker[] {
  const { sealer, sources, webhooks, retention } = services.config.audit;
  const db = services.store.db;
  const observer = metricsIngestObserver(services.metrics);
  const ingest: Worker[] = sources.flatMap((source): Worker[] => {
    if (source.type === 'file') {
      return [
        intervalWorker({
          name: `audit-file:${source.id}`,
          intervalMs: source.intervalMs,
          log,
          run: async () => (await tailStep(db, source, log, observer)).more,
        }),
      ];
    }
    if (source.type === 'poll') {
      return [
        intervalWorker({
          name: `audit-poll:${source.id}`,
          intervalMs: source.intervalSeconds * 1000,
          log,
          run: async () => {
            await pollOnce(db, source, observer);
            return false;
          },
        }),
      ];
    }
    return [];
  });
  return [
    ...ingest,
    intervalWorker({
      name: 'audit-webhooks',
      intervalMs: webhooks.intervalMs,
      log,
      run: async () => (await deliverDue(db, services.keyring, webhooks)) === 20,
    }),
    intervalWorker({
      name: 'audit-retention',
      intervalMs: retention.intervalSeconds * 1000,
      log,
      run: async () => {
        await purgeExpired(db);
        return false;
      },
    }),
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
