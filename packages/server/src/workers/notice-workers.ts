import { smtpMailer, type Mailer } from '../notices/mailer.js';
import { recordOwedNotices } from '../notices/find-owed.js';
import { sendDueNotices } from '../notices/send-due.js';
import type { AppServices } from '../services.js';
import { intervalWorker, type Logger, type Worker } from './worker.js';

/**
 * The notice workers (SPEC §5): one finds owed notices, one mails them when SMTP is configured.
 * `mailer` replaces the SMTP mailer built from the config (the CLI's doctor and tests pass theirs).
 */
export function noticeWorkers(services: AppServices, log: Logger, mailer?: Mailer): Worker[] {
  const notices = services.config.notices;
  if (!notices.enabled) return [];
  const db = services.store.db;
  const outbox = mailer ?? (notices.smtp === undefined ? undefined : smtpMailer(notices.smtp));
  const finder = intervalWorker({
    name: 'notices',
    intervalMs: notices.intervalSeconds * 1000,
    log,
    run: async () => {
      await recordOwedNotices(db, { expiryDays: notices.expiryDays, email: outbox !== undefined });
      return false;
    },
  });
  if (outbox === undefined) return [finder];
  const sender = intervalWorker({
    name: 'notices-email',
    intervalMs: Math.min(notices.intervalSeconds * 1000, 5000),
    log,
    run: async () =>
      (await sendDueNotices(db, outbox, {
        maxAttempts: notices.maxAttempts,
        backoffSeconds: notices.backoffSeconds,
        consoleUrl: `${services.config.server.publicUrl}/`,
      })) === 20,
  });
  return [finder, sender];
}
