import { sql } from 'drizzle-orm';
import { AppError } from '../../errors.js';
import type { Executor } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';
import { andAll, auditConditions, type AuditFilters, type AuditScope } from './filters.js';
import { toEventView, viewColumns, type AuditEventRow, type AuditEventView } from './event-view.js';

export interface EventPage {
  items: AuditEventView[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** A keyset position: the last row's exact time and id (newest first, id breaks ties). */
interface Position {
  t: string;
  id: string;
}

export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify([p.t, p.id])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') {
      if (!Number.isNaN(Date.parse(v[0]))) return { t: v[0], id: v[1] };
    }
  } catch {
    // fall through: a cursor that is not ours is a client error, not a crash
  }
  throw new AppError('bad_request', 'cursor is not one this API issued');
}

/**
 * One page of events, newest first, by keyset: `(occurred_at, id) < cursor` walks an index
 * (`audit_events_*_idx` end in `occurred_at desc, id desc`), so page 10 000 costs what page 1 does.
 * `nulls last` is spelled out because the indexes are built so: a plain `desc` means nulls first,
 * an order no index has, and PostgreSQL would sort every matching row for each page.
 */
export async function listEvents(
  db: Executor,
  scope: AuditScope,
  filters: AuditFilters,
  options: { limit: number; cursor?: string | undefined },
): Promise<EventPage> {
  const where = auditConditions(scope, filters);
  if (options.cursor !== undefined) {
    const p = decodeCursor(options.cursor);
    where.push(sql`(e.occurred_at, e.id) < (${p.t}::timestamptz, ${p.id})`);
  }
  const rows = await rawRows<AuditEventRow>(
    db,
    sql`select ${viewColumns} from audit_events e where ${andAll(where)}
        order by e.occurred_at desc nulls last, e.id desc nulls last limit ${options.limit + 1}`,
  );
  const more = rows.length > options.limit;
  const page = more ? rows.slice(0, options.limit) : rows;
  const last = page[page.length - 1];
  return {
    items: page.map(toEventView),
    nextCursor: more && last !== undefined ? encodeCursor({ t: last.occurred_at, id: last.id }) : null,
  };
}

/** Every matching event, newest first, fetched page by page (for streamed exports). */
export async function* allEvents(
  db: Executor,
  scope: AuditScope,
  filters: AuditFilters,
  pageSize = 500,
): AsyncGenerator<AuditEventView> {
  let cursor: string | undefined;
  for (;;) {
    const page = await listEvents(db, scope, filters, { limit: pageSize, cursor });
    yield* page.items;
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
  }
}

/** Events after `afterSeq` in insertion order (live tail), at most `limit`. */
export async function eventsAfter(
  db: Executor,
  scope: AuditScope,
  filters: AuditFilters,
  afterSeq: number,
  limit: number,
): Promise<AuditEventView[]> {
  const where = [...auditConditions(scope, filters), sql`e.seq > ${afterSeq}`];
  const rows = await rawRows<AuditEventRow>(
    db,
    sql`select ${viewColumns} from audit_events e where ${andAll(where)} order by e.seq limit ${limit}`,
  );
  return rows.map(toEventView);
}

/** The newest seq (where a live tail without `Last-Event-ID` starts). */
export async function latestSeq(db: Executor): Promise<number> {
  const [row] = await rawRows<{ s: string | null }>(db, sql`select max(seq)::text as s from audit_events`);
  return row?.s == null ? 0 : Number(row.s);
}
