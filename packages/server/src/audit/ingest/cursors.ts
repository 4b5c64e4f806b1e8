import { sql } from 'drizzle-orm';
import type { Executor } from '../../store/db.js';
import { rawRows } from '../../store/raw-rows.js';

/** Reads a background reader's durable position (`audit_cursors`), or null before its first run. */
export async function readCursor<T extends Record<string, unknown>>(
  db: Executor,
  id: string,
): Promise<T | null> {
  const [row] = await rawRows<{ value: T | string }>(
    db,
    sql`select value from audit_cursors where id = ${id}`,
  );
  if (row === undefined) return null;
  return typeof row.value === 'string' ? (JSON.parse(row.value) as T) : row.value;
}

/** Writes the position; call it in the transaction that stored what was read, so both commit together. */
export async function writeCursor(db: Executor, id: string, value: Record<string, unknown>): Promise<void> {
  await db.execute(
    sql`insert into audit_cursors (id, value) values (${id}, ${JSON.stringify(value)}::jsonb)
        on conflict (id) do update set value = excluded.value, updated_at = now()`,
  );
}
