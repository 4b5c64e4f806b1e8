import type { AuditEvent, AuditFilters } from '@latchkey/sdk';
import { clientFrom, type ApiOptions } from '../api/options.js';
import { CliError, ExitCode } from '../exit-codes.js';
import { print, table, type Column } from '../output.js';

export interface AuditListOptions extends ApiOptions {
  action?: string;
  actor?: string;
  target?: string;
  outcome?: string;
  from?: string;
  to?: string;
  search?: string;
  limit: string;
  follow?: boolean;
}

const columns: Column<AuditEvent>[] = [
  { header: 'time', value: (e) => e.occurredAt },
  { header: 'action', value: (e) => e.action },
  { header: 'outcome', value: (e) => e.outcome },
  { header: 'actor', value: (e) => e.actor },
  { header: 'target', value: (e) => e.target },
];

function filtersOf(options: AuditListOptions): AuditFilters {
  const filters: Record<string, string> = {};
  const set = (key: string, value: string | undefined): void => {
    if (value !== undefined) filters[key] = value;
  };
  set('action', options.action);
  set('actor', options.actor);
  set('target', options.target);
  set('outcome', options.outcome);
  set('from', options.from);
  set('to', options.to);
  set('q', options.search);
  // The server validates each filter and answers validation_failed naming the bad one.
  return filters;
}

/** Lists (newest first) or follows the caller's audit events. */
export async function auditAction(options: AuditListOptions): Promise<void> {
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new CliError('--limit must be a positive integer', ExitCode.usage);
  const lk = clientFrom(options);
  const filters = filtersOf(options);
  if (options.follow === true) {
    const stop = new AbortController();
    process.once('SIGINT', () => {
      stop.abort();
    });
    process.stderr.write('Following the audit log (Ctrl-C to stop)…\n');
    for await (const event of lk.followAudit(filters, { signal: stop.signal })) {
      // One JSON object per line (NDJSON) for scripts; one table row per event for people.
      if (options.format === 'json') process.stdout.write(`${JSON.stringify(event)}\n`);
      else process.stdout.write(`${table([event], columns).split('\n')[1] ?? ''}\n`);
    }
    return;
  }
  const items: AuditEvent[] = [];
  for await (const event of lk.audit(filters, Math.min(limit, 200))) {
    items.push(event);
    if (items.length >= limit) break;
  }
  print(options.format, { items }, items, columns);
}
