import type { SQL } from 'drizzle-orm';
import type { Executor } from './db.js';

/** Runs raw SQL and returns its rows: both drivers answer `{ rows }`, which drizzle's shared type cannot say. */
export async function rawRows<R>(db: Executor, query: SQL): Promise<R[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: R[] }).rows;
}
