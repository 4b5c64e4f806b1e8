import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tailStep } from '../src/audit/ingest/file-tail.js';
import { auditSourceSchema, type FileSourceConfig } from '../src/config/audit-schema.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { rawRows } from '../src/store/raw-rows.js';
import { tempDataDir } from './helpers/config.js';

const line = (n: number) =>
  `${JSON.stringify({ Action: 'file_create', Time: '2026-03-01T10:00:00Z', User: 'u', n })}\n`;

describe('JSON-lines file tail with a durable inode:offset cursor (oCIS-style)', () => {
  const dir = tempDataDir();
  const logFile = join(dir.dir, 'audit.log');
  const source = auditSourceSchema.parse({ id: 'ocis', type: 'file', path: logFile }) as FileSourceConfig;
  const warnings: string[] = [];
  const log = { warn: (_o: object, msg: string) => warnings.push(msg), error: () => undefined };
  let store: Store;

  /** Reopens the store on the same data directory, as a restarted process would. */
  const restart = async () => {
    await store.close();
    store = await openStore({ pgliteDir: join(dir.dir, 'pg') });
  };
  /** Steps until the tail has nothing more to read, like the worker does. */
  const drain = async () => {
    for (;;) if (!(await tailStep(store.db, source, log)).more) return;
  };
  const stored = async () =>
    (
      await rawRows<{ n: number }>(
        store.db,
        sql`select (metadata->'raw'->>'n')::int as n from audit_events where source = 'ocis' order by seq`,
      )
    ).map((r) => r.n);

  beforeAll(async () => {
    store = await openStore({ pgliteDir: join(dir.dir, 'pg') });
    await runMigrations(store);
  });
  afterAll(async () => {
    await store.close();
    dir.cleanup();
  });

  it('reads every complete line in order, skips non-JSON lines with a warning, waits for a partial line', async () => {
    writeFileSync(logFile, `${line(1)}${line(2)}not json at all\n[1,2]\n${line(3)}{"Action":"file_`);
    const step = await tailStep(store.db, source, log);
    expect(step).toMatchObject({ stored: 3, skipped: 2, more: false });
    expect(await stored()).toEqual([1, 2, 3]);
    expect(warnings.filter((w) => w.includes('not a JSON object'))).toHaveLength(2);
  });

  it('resumes after a restart exactly where it stopped, finishing the partial line', async () => {
    await restart();
    appendFileSync(logFile, `delete","Time":"2026-03-01T10:00:00Z","n":4}\n${line(5)}`);
    await drain();
    expect(await stored()).toEqual([1, 2, 3, 4, 5]);
    await restart();
    await drain();
    expect(await stored()).toEqual([1, 2, 3, 4, 5]);
  });

  it('detects a truncation and reads the file again from the start', async () => {
    truncateSync(logFile, 0);
    appendFileSync(logFile, line(6));
    await drain();
    expect(await stored()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(warnings.some((w) => w.includes('truncated'))).toBe(true);
  });

  it('follows a logrotate-style rotation: the rest of the renamed file first, then the new file', async () => {
    appendFileSync(logFile, line(7));
    await drain();
    // The writer adds a last line to the old file (still open) after the rename, then reopens.
    renameSync(logFile, `${logFile}.1`);
    appendFileSync(`${logFile}.1`, line(8));
    writeFileSync(logFile, `${line(9)}${line(10)}`);
    await restart();
    await drain();
    expect(await stored()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // And again, with the store restarted between the rotation and the next read.
    renameSync(logFile, `${logFile}.1`);
    writeFileSync(logFile, line(11));
    await restart();
    await drain();
    await drain();
    expect(await stored()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('keeps the cursor as inode:offset in the store', async () => {
    const [row] = await rawRows<{ value: { inode: number; offset: number; skipped: number } }>(
      store.db,
      sql`select value from audit_cursors where id = 'file:ocis'`,
    );
    expect(row?.value.offset).toBe(line(11).length);
    expect(row?.value.inode).toBeGreaterThan(0);
    expect(row?.value.skipped).toBe(2);
  });

  it('waits quietly while the file does not exist', async () => {
    const missing = auditSourceSchema.parse({
      id: 'gone',
      type: 'file',
      path: join(dir.dir, 'missing.log'),
    }) as FileSourceConfig;
    expect(await tailStep(store.db, missing, log)).toEqual({ lines: 0, stored: 0, skipped: 0, more: false });
  });

  it('stores a chunk of thousands of lines at once (more rows than one statement may carry)', async () => {
    const bigFile = join(dir.dir, 'big.log');
    writeFileSync(bigFile, Array.from({ length: 5000 }, (_, i) => line(i)).join(''));
    const big = auditSourceSchema.parse({ id: 'big', type: 'file', path: bigFile }) as FileSourceConfig;
    const step = await tailStep(store.db, big, log);
    expect(step).toMatchObject({ lines: 5000, stored: 5000, skipped: 0 });
  });
});
