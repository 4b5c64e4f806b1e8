import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMigrations } from '../src/store/migrate.js';
import { tempDataDir } from './helpers/config.js';
import { listening, startReplica, stopReplica, type ReplicaProcess } from './helpers/replica-process.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './helpers/postgres.js';

warnPostgresTierSkipped();

const repoRoot = resolve(import.meta.dirname, '../../..');
// The CLI run from its TypeScript sources, as a separate process: the `source` export condition
// makes `@latchkey/server` resolve to packages/server/src, so no build is needed.
const cli = ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts'];
const committedMigrations = loadMigrations().length;

function cliEnv(databaseUrl: string, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LATCHKEY_DATABASE_URL: databaseUrl,
    LATCHKEY_PORT: '0',
    LATCHKEY_HOST: '127.0.0.1',
    LATCHKEY_DATA_DIR: dataDir,
    LATCHKEY_LOG_LEVEL: 'warn',
  };
}

/** A `latchkey serve` process and everything it wrote, for the failure message. */
/** Runs the CLI to completion. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: repoRoot, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      done({ code, stdout: code === 0 ? stdout : `${stdout}\n${stderr}` });
    });
  });
}

async function query<R>(url: string, text: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R & pg.QueryResultRow>(text)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(postgresUrl === undefined)('two replicas start together on one PostgreSQL', () => {
  let db: { url: string; drop: () => Promise<void> };
  let replicas: ReplicaProcess[] = [];
  let urls: string[] = [];

  beforeAll(async () => {
    db = await createTempDatabase();
    // Both at the same moment: both reach the migration step on an empty database.
    replicas = [startReplica(db.url), startReplica(db.url)];
    urls = await Promise.all(replicas.map((r) => listening(r, 110_000)));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => stopReplica(r)));
    await db.drop();
  }, 30_000);

  it('both listen, on different ports, and answer /ready', async () => {
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) {
      const res = await fetch(`${url}/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ready', store: 'postgres' });
    }
  });

  it('applied each committed migration exactly once', async () => {
    const rows = await query<{ name: string }>(db.url, 'select name from latchkey_migrations');
    expect(rows).toHaveLength(committedMigrations);
    expect(new Set(rows.map((r) => r.name)).size).toBe(committedMigrations);
  });

  it('created each bootstrap tenant once, with one tenant.created event', async () => {
    const tenants = await query<{ slug: string; n: number }>(
      db.url,
      'select slug, count(*)::int as n from tenants group by slug order by slug',
    );
    expect(tenants.length).toBeGreaterThan(0);
    expect(tenants.filter((t) => t.n !== 1)).toEqual([]);
    const events = await query<{ n: number }>(
      db.url,
      `select count(*)::int as n from audit_events where action = 'tenant.created'`,
    );
    expect(events[0]?.n).toBe(tenants.length);
  });

  it('both stop cleanly on SIGTERM', async () => {
    for (const r of replicas) r.child.kill('SIGTERM');
    const codes = await Promise.all(replicas.map((r) => r.exited));
    expect(codes, replicas.map((r) => r.output()).join('\n')).toEqual([0, 0]);
  }, 15_000);
});

describe.skipIf(postgresUrl === undefined)('latchkey migrate as a process', () => {
  let db: { url: string; drop: () => Promise<void> };
  const data = tempDataDir();

  beforeAll(async () => {
    db = await createTempDatabase();
  });
  afterAll(async () => {
    await db.drop();
    data.cleanup();
  });

  it('applies every migration to a fresh database, then nothing on a second run', async () => {
    const env = cliEnv(db.url, data.dir);
    const first = await runCli(['migrate'], env);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toContain(
      `migrations: ${committedMigrations} applied, 0 already applied (postgres)`,
    );

    const second = await runCli(['migrate'], env);
    expect(second.code, second.stdout).toBe(0);
    expect(second.stdout).toContain(
      `migrations: 0 applied, ${committedMigrations} already applied (postgres)`,
    );

    const rows = await query<{ name: string }>(db.url, 'select name from latchkey_migrations');
    expect(rows).toHaveLength(committedMigrations);
  }, 60_000);
});
