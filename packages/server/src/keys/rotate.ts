import { sql } from 'drizzle-orm';
import { recordAudit, systemActor } from '../audit/record.js';
import type { Keyring } from '../crypto/keyring.js';
import type { Store, Tx } from '../store/db.js';
import { encryptedColumns, type EncryptedColumn } from './encrypted-columns.js';

export interface RotationReport {
  primaryKeyId: string;
  reencrypted: number;
  byColumn: Record<string, number>;
}

async function rows<R>(tx: Tx, query: ReturnType<typeof sql>): Promise<R[]> {
  // Both drivers answer `{ rows }`; drizzle's shared type cannot say so.
  const result: unknown = await tx.execute(query);
  return (result as { rows: R[] }).rows;
}

async function rotateBatch(
  store: Store,
  keyring: Keyring,
  column: EncryptedColumn,
  batchSize: number,
): Promise<number> {
  const table = sql.identifier(column.table);
  const id = sql.identifier(column.idColumn);
  const col = sql.identifier(column.column);
  // A prefix test, not LIKE: `_` is allowed in key ids and is a LIKE wildcard, so `lk1.k1_.%` would
  // also match ciphertexts of `k1x` and leave them under the old key.
  const current = `lk1.${keyring.primaryKeyId}.`;
  return store.db.transaction(async (tx) => {
    // SKIP LOCKED: several rotations (or replicas) can run at once without waiting on each other.
    const batch = await rows<{ id: string; value: string }>(
      tx,
      sql`select ${id} as id, ${col} as value from ${table}
          where ${col} is not null and not starts_with(${col}, ${current})
          order by ${id} limit ${batchSize} for update skip locked`,
    );
    for (const row of batch) {
      const ctx = { table: column.table, rowId: row.id, field: column.field };
      const reencrypted = keyring.encrypt(keyring.decrypt(row.value, ctx), ctx);
      await tx.execute(
        sql`update ${table} set ${col} = ${reencrypted} where ${id} = ${row.id} and ${col} = ${row.value}`,
      );
    }
    if (batch.length > 0) {
      await recordAudit(tx, {
        action: 'keys.rotated',
        actor: systemActor,
        target: { type: 'column', id: `${column.table}.${column.column}` },
        metadata: { count: batch.length, toKeyId: keyring.primaryKeyId },
      });
    }
    return batch.length;
  });
}

/**
 * Re-encrypts every stored secret not yet under the primary key, in batches of `batchSize`
 * transactions, while the server keeps serving (old keys still decrypt until the end).
 */
export async function rotateKeys(
  store: Store,
  keyring: Keyring,
  options: { batchSize?: number; onProgress?: (column: string, done: number) => void } = {},
): Promise<RotationReport> {
  const batchSize = options.batchSize ?? 500;
  const report: RotationReport = { primaryKeyId: keyring.primaryKeyId, reencrypted: 0, byColumn: {} };
  for (const column of encryptedColumns) {
    const name = `${column.table}.${column.column}`;
    let done = 0;
    for (;;) {
      const n = await rotateBatch(store, keyring, column, batchSize);
      if (n === 0) break;
      done += n;
      options.onProgress?.(name, done);
    }
    report.byColumn[name] = done;
    report.reencrypted += done;
  }
  return report;
}
