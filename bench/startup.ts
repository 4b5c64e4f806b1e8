/*
 * The embedded default's start-up against SPEC §12 (cold start ≤ 3 s, idle RSS ≤ 250 MB):
 * `latchkey serve` with an empty data directory (first start: the store restored from the
 * embedded seed, keys generated), then again on that directory (a restart). Measured from spawn to
 * the first 200 of /ready; RSS of the serving process after it has idled 3 s. Baseline in the
 * same run: a bare node process that listens with node:http, spawn to its first answer.
 * It runs the built CLI (packages/cli/dist/bin.js, what `npm start` runs) when that build is
 * newer than the sources; otherwise the CLI from its sources through tsx, and says so (slower).
 * Run by `npm run bench` (bench/run.ts); never part of `npm test`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../packages/server/src/server.js';
import { benchDataDir, median, printTable, type BarRow } from './support/measure.js';

const ROUNDS = 3;
const COLD_BAR_MS = 3_000;
const RSS_BAR_MB = 250;
const root = resolve(import.meta.dirname, '..');
const built = join(root, 'packages/cli/dist/bin.js');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** The command `npm start` runs, or its source equivalent when the build is stale. */
function latchkeyCommand(): { args: string[]; label: string } {
  const sources = Math.max(
    newestMtime(join(root, 'packages/server/src')),
    newestMtime(join(root, 'packages/cli/src')),
  );
  // tsc rewrites only the outputs of changed sources: the build is current when its newest
  // output is newer than the newest source.
  const dists = [join(root, 'packages/server/dist'), join(root, 'packages/cli/dist')];
  if (existsSync(built) && dists.every(existsSync) && Math.max(...dists.map(newestMtime)) >= sources)
    return { args: [built, 'serve'], label: 'built CLI (what `npm start` runs)' };
  return {
    args: ['--conditions=source', '--import', 'tsx', join(root, 'packages/cli/src/bin.ts'), 'serve'],
    label: 'CLI from sources via tsx (build is stale or absent: run `npm run build` for the real figure)',
  };
}

/** Spawns, then polls `url` until it answers 200; resolves with the child and the time taken. */
async function startAndWait(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${stderr.slice(-500)}`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return { child, ms: performance.now() - started };
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 30_000) throw new Error(`no answer from ${url} after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function rssMb(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(line ?? 0) / 1024;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const command = latchkeyCommand();
const bare = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), '127.0.0.1')`;
const samples = { bare: [] as number[], cold: [] as number[], restart: [] as number[], rss: [] as number[] };

for (let round = 0; round < ROUNDS; round++) {
  const port = await freePort('127.0.0.1');
  const b = await startAndWait(
    ['-e', bare],
    { ...process.env, PORT: String(port) },
    `http://127.0.0.1:${port}/`,
  );
  samples.bare.push(b.ms);
  await stop(b.child);

  const data = benchDataDir();
  try {
    const env = {
      ...process.env,
      NODE_ENV: 'development',
      LATCHKEY_DATA_DIR: data.dir,
      LATCHKEY_PORT: String(await freePort('127.0.0.1')),
      LATCHKEY_LOG_LEVEL: 'warn',
    };
    const ready = `http://127.0.0.1:${env.LATCHKEY_PORT}/ready`;
    const cold = await startAndWait(command.args, env, ready);
    samples.cold.push(cold.ms);
    await new Promise((r) => setTimeout(r, 3_000));
    if (cold.child.pid !== undefined) samples.rss.push(rssMb(cold.child.pid));
    await stop(cold.child);
    const restart = await startAndWait(command.args, env, ready);
    samples.restart.push(restart.ms);
    await stop(restart.child);
  } finally {
    data.cleanup();
  }
}

const s = (v: number) => `${(v / 1000).toFixed(2)} s`;
const baseline = `bare node:http ${s(median(samples.bare))}`;
process.stdout.write(`embedded default, ${command.label}, median of ${ROUNDS} rounds\n`);
const rows: BarRow[] = [
  {
    figure: 'cold start (empty data dir)',
    measured: s(median(samples.cold)),
    baseline,
    bar: `≤ ${s(COLD_BAR_MS)}`,
    met: median(samples.cold) <= COLD_BAR_MS,
  },
  {
    figure: 'restart (existing data dir)',
    measured: s(median(samples.restart)),
    baseline,
    bar: 'reference',
    met: undefined,
  },
  {
    figure: 'idle RSS after cold start',
    measured: `${median(samples.rss).toFixed(0)} MB`,
    baseline: '—',
    bar: `≤ ${RSS_BAR_MB} MB`,
    met: median(samples.rss) <= RSS_BAR_MB,
  },
];
printTable(rows);
