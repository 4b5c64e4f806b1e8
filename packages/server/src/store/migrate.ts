import { fileURLToPath } from 'node:url';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import type { RawClient, Store } from './db.js';

/** The committed SQL migrations, generated from store/schema.ts. */
export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

// Arbitrary but fixed: every replica contends for the same advisory lock while migrating.
const MIGRATION_LOCK = 7_311_100_001;

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

let cached: MigrationMeta[] | undefined;
function loadMigrations(): MigrationMeta[] {
  cached ??= readMigrationFiles({ migrationsFolder });
  return cached;
}

async function ensureTable(client: RawClient): Promise<void> {
  await client.query(`create table if not exists latchkey_migrations (
    hash text primary key,
    created_at bigint not null,
    applied_at timestamptz not null default now()
  )`);
}

/**
 * Applies pending migrations, each in its own transaction, under a session advisory lock: two
 * replicas starting together serialise here and the second finds nothing left to do.
 */
export async function runMigrations(store: Store): Promise<MigrationReport> {
  const migrations = loadMigrations();
  return store.withClient(async (client) => {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await ensureTable(client);
      const done = await client.query<{ hash: string }>('select hash from latchkey_migrations');
      const applied = new Set(done.rows.map((r) => r.hash));
      const report: MigrationReport = { applied: [], alreadyApplied: 0 };
      for (const m of migrations) {
        if (applied.has(m.hash)) {
          report.alreadyApplied += 1;
          continue;
        }
        await client.query('begin');
        try {
          for (const statement of m.sql) {
            if (statement.trim() !== '') await client.query(statement);
          }
          await client.query('insert into latchkey_migrations (hash, created_at) values ($1, $2)', [
            m.hash,
            m.folderMillis,
          ]);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback');
          throw err;
        }
        report.applied.push(String(m.folderMillis));
      }
      return report;
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

/** Number of committed migrations not yet applied to the store (0 = ready). */
export async function pendingMigrations(store: Store): Promise<number> {
  const migrations = loadMigrations();
  return store.withClient(async (client) => {
    const exists = await client.query<{ t: string | null }>(
      `select to_regclass('latchkey_migrations')::text as t`,
    );
    if (exists.rows[0]?.t == null) return migrations.length;
    const done = await client.query<{ hash: string }>('select hash from latchkey_migrations');
    const applied = new Set(done.rows.map((r) => r.hash));
    return migrations.filter((m) => !applied.has(m.hash)).length;
  });
}
