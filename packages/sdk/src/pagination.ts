/** One page of a cursor-paginated list (audit events). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Every item of a cursor-paginated list, fetching pages as the loop advances.
 *
 * @example
 * for await (const event of paginate((cursor) =>
 *   unwrap(await lk.api.GET('/api/v1/audit', { params: { query: { cursor, limit: 100 } } })),
 * )) {
 *   console.log(event.action);
 * }
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | undefined) => Promise<CursorPage<T>>,
): AsyncGenerator<T, void, undefined> {
  let cursor: string | undefined;
  for (;;) {
    const page = await fetchPage(cursor);
    yield* page.items;
    if (page.nextCursor === null || page.items.length === 0) return;
    cursor = page.nextCursor;
  }
}

/** One page of an offset-paginated list (operator tenants). */
export interface OffsetPage<T> {
  items: T[];
  total: number;
}

/**
 * Every item of an offset-paginated list (`limit`/`offset`/`total`).
 *
 * @example
 * for await (const tenant of paginateOffset(async (offset, limit) =>
 *   unwrap(await lk.api.GET('/api/v1/operator/tenants', { params: { query: { offset, limit } } })),
 * )) {
 *   console.log(tenant.slug);
 * }
 */
export async function* paginateOffset<T>(
  fetchPage: (offset: number, limit: number) => Promise<OffsetPage<T>>,
  limit = 100,
): AsyncGenerator<T, void, undefined> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage(offset, limit);
    yield* page.items;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return;
  }
}

/**
 * All items of an async iterable in an array (for small lists).
 *
 * @example
 * const events = await collect(lk.audit({ action: 'api_token.created' }));
 */
export async function collect<T>(items: AsyncIterable<T>, max = Number.POSITIVE_INFINITY): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
