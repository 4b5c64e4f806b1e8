import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawClient, Store } from './db.js';

/**
 * The committed SQL migrations: `NNNN_name.sql`, applied in name order, statements separated by
 * `--> statement-breakpoint`. Plain numbered files (rather than a generator's journal) let
 * features land in parallel; test/schema-drift.test.ts checks they build exactly store/schema/.
 */
export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

// Arbitrary but fixed: every replica contends for the same advisory lock while migrating.
const MIGRATION_LOCK = 7_311_100_001;
const FILE = /^\d{4}_[a-z0-9_]+\.sql$/;

export interface Migration {
  name: string;
  checksum: string;
  statements: string[];
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/** Raised when an applied migration's file changed since: the schema can no longer be trusted. */
export class MigrationChecksumError extends Error {
  constructor(name: string) {
    super(`migration ${name} was edited after it was applied; add a new migration instead`);
    this.name = 'MigrationChecksumError';
  }
}

let cached: Migration[] | undefined;
/** The committed migrations, in order. */
export function loadMigrations(): Migration[] {
  cached ??= readdirSync(migrationsFolder)
    .filter((f) => FILE.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(migrationsFolder, name), 'utf8');
      return {
        name,
        checksum: createHash('sha256').update(text).digest('hex'),
        statements: text
          .split('--> statement-breakpoint')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    });
  return cached;
}

async function ensureTable(client: RawClient): Promise<void> {
  await client.query(`create table if not exists latchkey_migrations (
    name text primary key,
    checksum text not null,
    applied_at timestamptz not null default now()
  )`);
}

async function appliedChecksums(client: RawClient): Promise<Map<string, string>> {
  const done = await client.query<{ name: string; checksum: string }>(
    'select name, checksum from latchkey_migrations',
  );
  return new Map(done.rows.map((r) => [r.name, r.checksum]));
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
      const applied = await appliedChecksums(client);
      const report: MigrationReport = { applied: [], alreadyApplied: 0 };
      for (const m of migrations) {
        const checksum = applied.get(m.name);
        if (checksum !== undefined) {
          if (checksum !== m.checksum) throw new MigrationChecksumError(m.name);
          report.alreadyApplied += 1;
          continue;
        }
        await client.query('begin');
        try {
          for (const statement of m.statements) await client.query(statement);
          await client.query('insert into latchkey_migrations (name, checksum) values ($1, $2)', [
            m.name,
            m.checksum,
          ]);
          await client.query('commit');
        } catch (err) {
          await client.query('rollback');
          throw err;
        }
        report.applied.push(m.name);
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
    const applied = await appliedChecksums(client);
    return migrations.filter((m) => !applied.has(m.name)).length;
  });
}
