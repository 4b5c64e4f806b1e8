import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../src/audit/chain/verify.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { seedEvents } from './helpers/audit-events.js';
import { tempDataDir } from './helpers/config.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './helpers/postgres.js';

warnPostgresTierSkipped();

const repoRoot = resolve(import.meta.dirname, '../../..');
// The CLI from its TypeScript sources in a process of its own (`source` condition: no build needed).
const cli = ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts'];

function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: repoRoot, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

describe.skipIf(postgresUrl === undefined)('latchkey audit verify (CLI, PostgreSQL)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;
  const data = tempDataDir();
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    db = await createTempDatabase();
    store = await openStore({ url: db.url, poolSize: 2 });
    await runMigrations(store);
    await seedEvents(
      store.db,
      Array.from({ length: 6 }, (_, i) => ({ action: 'cli.test', tenantId: 'ten_cli', metadata: { i } })),
    );
    env = {
      ...process.env,
      LATCHKEY_DATABASE_URL: db.url,
      LATCHKEY_DATA_DIR: data.dir,
      LATCHKEY_LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
    data.cleanup();
  });

  it('seals pending events on request and reports every chain valid (exit 0)', async () => {
    const res = await runCli(['audit', 'verify', '--seal', '--format', 'json'], env);
    expect(res.code, res.stderr).toBe(0);
    const report = JSON.parse(res.stdout) as VerifyReport;
    expect(report).toMatchObject({ ok: true, unsealedEvents: 0 });
    expect(report.chains).toEqual([
      expect.objectContaining({ chainId: 'ten_cli', events: 6, blocks: 1, broken: null }),
    ]);
  });

  it('names the broken block and exits 1 after an event was edited', async () => {
    await store.db.execute(
      sql`update audit_events set outcome = 'denied' where action = 'cli.test' and metadata->>'i' = '3'`,
    );
    const res = await runCli(['audit', 'verify'], env);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('ten_cli: ');
    expect(res.stdout).toMatch(/audit verify: FAILED - chain ten_cli, block 1: hash does not match/);
  });

  it('refuses contradictory serve flags as a usage error (exit 2)', async () => {
    const res = await runCli(['serve', '--workers-only', '--no-workers'], env);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--workers-only and --no-workers');
  });
});
