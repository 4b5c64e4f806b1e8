import type { AppServices } from '../services.js';
import { auditWorkers } from './audit-workers.js';
import { noticeWorkers } from './notice-workers.js';
import { refresherWorkers } from './refresher.js';
import { WorkerSet, type Logger } from './worker.js';

/** Every background worker of a replica, in start order (features add theirs here). */
export function buildWorkers(services: AppServices, log: Logger): WorkerSet {
  return new WorkerSet([
    ...auditWorkers(services, log),
    ...noticeWorkers(services, log),
    ...refresherWorkers(services, log),
  ]);
}
