import type { PollSourceConfig } from '../../config/audit-schema.js';
import type { Db } from '../../store/db.js';
import { readCursor, writeCursor } from './cursors.js';
import type { IngestObserver } from './observer.js';
import { storeIngested, type IngestCounts } from './store-ingested.js';

/** Raised for a failed poll; `retryable` says whether the next poll may succeed unchanged. */
export class PollError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = 'PollError';
    this.retryable = retryable;
  }
}

const MAX_PAGES = 1000;

async function getJson(source: PollSourceConfig, url: URL): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, {
      headers: { authorization: `Bearer ${source.token}`, accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new PollError(`${source.id}: events API unreachable (${(err as Error).name})`, true);
  }
  if (!res.ok) {
    // 401/403/404 will not fix themselves; 429 and 5xx may.
    throw new PollError(
      `${source.id}: events API answered ${res.status}`,
      res.status === 429 || res.status >= 500,
    );
  }
  return res.json();
}

/**
 * authentik-style: newest first, paginated (`?ordering=-created&page=N&page_size=M`); read pages
 * until the last id seen appears, then store the new events oldest first and move the cursor to
 * the newest id, in one transaction.
 */
export async function pollAuthentik(
  db: Db,
  source: PollSourceConfig,
  observer?: IngestObserver,
): Promise<IngestCounts> {
  const cursorId = `poll:${source.id}`;
  const cursor = await readCursor<{ lastId?: string }>(db, cursorId);
  const fresh: Record<string, unknown>[] = [];
  let reachedSeen = false;
  for (let page = 1; page <= MAX_PAGES && !reachedSeen; page++) {
    const url = new URL(source.url);
    url.searchParams.set('ordering', '-created');
    url.searchParams.set('page', String(page));
    url.searchParams.set('page_size', String(source.pageSize));
    const body = (await getJson(source, url)) as { results?: unknown; pagination?: { next?: unknown } };
    const results = Array.isArray(body.results) ? (body.results as Record<string, unknown>[]) : [];
    for (const e of results) {
      if (cursor?.lastId !== undefined && String(e.pk) === cursor.lastId) {
        reachedSeen = true;
        break;
      }
      fresh.push(e);
    }
    const next = body.pagination?.next;
    if (results.length === 0 || next === undefined || next === null || next === 0 || next === '') break;
  }
  const newest = fresh[0];
  return db.transaction(async (tx) => {
    const counts = await storeIngested(
      tx,
      source,
      fresh.reverse().map((value) => ({ value })),
      observer,
    );
    if (newest !== undefined) await writeCursor(tx, cursorId, { lastId: String(newest.pk) });
    return counts;
  });
}

/**
 * Keycloak-style: a time window (`dateFrom`, then `first`/`max` pages) that starts `overlapSeconds`
 * before the newest event seen, so events committed late upstream are still picked up; events carry
 * no id, so their content hash is the external id and the overlap is stored once.
 */
export async function pollKeycloak(
  db: Db,
  source: PollSourceConfig,
  now: Date = new Date(),
  observer?: IngestObserver,
): Promise<IngestCounts> {
  const cursorId = `poll:${source.id}`;
  const cursor = await readCursor<{ since?: number }>(db, cursorId);
  const from = (cursor?.since ?? 0) - source.overlapSeconds * 1000;
  const events: Record<string, unknown>[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(source.url);
    if (from > 0) url.searchParams.set('dateFrom', new Date(from).toISOString().slice(0, 10));
    url.searchParams.set('first', String(page * source.pageSize));
    url.searchParams.set('max', String(source.pageSize));
    const body = await getJson(source, url);
    const list = Array.isArray(body) ? (body as Record<string, unknown>[]) : [];
    // dateFrom is a whole day: keep only the window itself.
    events.push(...list.filter((e) => typeof e.time === 'number' && e.time >= from));
    if (list.length < source.pageSize) break;
  }
  const newest = events.reduce((max, e) => Math.max(max, e.time as number), cursor?.since ?? 0);
  events.sort((a, b) => (a.time as number) - (b.time as number));
  return db.transaction(async (tx) => {
    const counts = await storeIngested(
      tx,
      source,
      events.map((value) => ({ value })),
      observer,
    );
    // Never ahead of the clock: an upstream clock in the future must not hide the next window.
    await writeCursor(tx, cursorId, { since: Math.min(newest, now.getTime()) });
    return counts;
  });
}

export function pollOnce(db: Db, source: PollSourceConfig, observer?: IngestObserver): Promise<IngestCounts> {
  return source.style === 'authentik'
    ? pollAuthentik(db, source, observer)
    : pollKeycloak(db, source, new Date(), observer);
}
