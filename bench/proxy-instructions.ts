/*
 * Instructions per proxied request, counted by valgrind's callgrind: the figure of bench/proxy.ts
 * that does not move with whatever else the machine runs. Requests/s and CPU time on a shared
 * 2-core machine swing by a third between runs minutes apart; an instruction count of the same
 * code on the same input repeats within a few percent. What varies is V8's optimizing compilers
 * and the garbage collector landing in one batch or another: the compilers' own instructions are
 * left out of every batch (warm-up, not serving; bench/support/callgrind-dump.ts), and the figure
 * is the minimum over batches, the median beside it.
 *
 * The subject (bench/support/latchkey-subject.ts) runs under callgrind with instrumentation off
 * while it starts and warms up, then on: Latchkey's proxy (API token, cache warm) and the bare
 * `node:http` + undici proxy (bench/support/bare-proxy.ts) served from that same process take
 * alternating batches of `ab` keep-alive requests, each batch counted on its own (callgrind's
 * zero/dump). The bare proxy alone in a process of its own is counted the same way, so the process
 * environment and Latchkey's own code can be told apart. CPU time is instructions × cycles per
 * instruction, and a bigger process misses caches more often: the ratio here is a floor for the
 * CPU-time ratio of bench/proxy.ts, not a substitute.
 *
 * Needs `valgrind` and `ab` (Debian: valgrind, apache2-utils); skipped, and says so, without them.
 * Run by `npm run bench` (bench/run.ts); never part of `npm test`. Takes about 6 minutes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dumpCosts } from './support/callgrind-dump.js';
import { median } from './support/measure.js';

const root = resolve(import.meta.dirname, '..');
const ROUNDS = 5;
const CONCURRENCY = 8;
/** Requests per counted batch and per warm-up, by body size (64 KiB is ~4× slower under valgrind). */
const SIZES = [
  { name: '1k', batch: 2_000, warmup: 15_000 },
  { name: '64k', batch: 500, warmup: 4_000 },
] as const;

interface Subject {
  child: ChildProcess;
  /** valgrind's pid, the one `callgrind_control` addresses. */
  pid: number;
  dir: string;
  stop(): void;
}

function has(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).error === undefined;
}

/** Runs a command to its end without blocking the event loop; resolves with its stdout. */
function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code === 0) done(out);
      else fail(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${err.slice(-500)}`));
    });
  });
}

/** Starts `script` under callgrind, instrumentation off; resolves with its first stdout line. */
async function startCounted(script: string, args: string[]): Promise<{ subject: Subject; line: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-callgrind-'));
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      '--instr-atstart=no',
      // V8 writes machine code into anonymous memory at run time.
      '--smc-check=all-non-file',
      `--callgrind-out-file=${join(dir, 'out.%p')}`,
      process.execPath,
      // No background compiler or GC threads: their work would land in whichever batch is counted.
      '--single-threaded',
      '--conditions=source',
      '--import',
      'tsx',
      script,
      ...args,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const line = await new Promise<string>((done, fail) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout.off('data', onData);
        done(out.slice(0, nl).trim());
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => {
      fail(new Error(`${script} under valgrind exited with ${code}`));
    });
  });
  if (child.pid === undefined) throw new Error('valgrind has no pid');
  const pid = child.pid;
  return {
    line,
    subject: {
      child,
      pid,
      dir,
      stop: () => {
        child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      },
    },
  };
}

/** `ab` keep-alive requests; throws unless every one was a 2xx. */
async function requests(url: string, n: number, headers: string[] = []): Promise<void> {
  const args = ['-q', '-k', '-n', String(n), '-c', String(CONCURRENCY)];
  for (const h of headers) args.push('-H', h);
  const out = await run('ab', [...args, url]);
  const failed = /^Failed requests:\s+(\d+)/m.exec(out)?.[1];
  if (failed !== '0' || /Non-2xx responses/.test(out)) throw new Error(`${url} answered errors:\n${out}`);
}

function dumps(subject: Subject): string[] {
  return readdirSync(subject.dir).filter((f) => /^out\.\d+\.\d+$/.test(f));
}

/**
 * Instructions the subject executed while serving `n` requests to `url`, per request, without
 * those of V8's optimizing compilers (callgrind-dump.ts).
 */
async function counted(subject: Subject, url: string, n: number, headers: string[]): Promise<number> {
  await run('callgrind_control', ['-z', String(subject.pid)]);
  await requests(url, n, headers);
  const before = new Set(dumps(subject));
  await run('callgrind_control', ['-d', String(subject.pid)]);
  for (let waited = 0; waited < 60_000; waited += 200) {
    const file = dumps(subject).find((f) => !before.has(f));
    if (file !== undefined) {
      // `summary:` heads the file, `totals:` ends it: the dump is whole once the latter is there.
      const text = readFileSync(join(subject.dir, file), 'utf8');
      if (/^totals:/m.test(text)) {
        const { total, compiler } = dumpCosts(text);
        return (total - compiler) / n;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('callgrind wrote no dump');
}

interface Target {
  name: string;
  subject: Subject;
  url: (size: string) => string;
  headers: string[];
}

async function main(): Promise<void> {
  if (!has('valgrind', ['--version']) || !has('ab', ['-V']) || !has('callgrind_control', ['-h'])) {
    process.stdout.write('valgrind or ab not installed (Debian: valgrind, apache2-utils): skipped\n');
    return;
  }
  const upstream = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'bench/support/proxy-upstream.ts'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const subjects: Subject[] = [];
  try {
    const upstreamPort = await new Promise<number>((done) => {
      upstream.stdout.once('data', (c: Buffer) => {
        done(Number(c.toString('utf8').trim()));
      });
    });
    const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
    const latchkey = await startCounted('bench/support/latchkey-subject.ts', [upstreamUrl]);
    subjects.push(latchkey.subject);
    const urls = JSON.parse(latchkey.line) as { latchkey: string; token: string; bare: string };
    const alone = await startCounted('bench/support/bare-proxy.ts', [upstreamUrl]);
    subjects.push(alone.subject);
    const targets: Target[] = [
      {
        name: 'bare, own process',
        subject: alone.subject,
        url: (s) => `http://127.0.0.1:${alone.line}/${s}`,
        headers: [],
      },
      {
        name: "bare, in Latchkey's process",
        subject: latchkey.subject,
        url: (s) => `${urls.bare}/${s}`,
        headers: [],
      },
      {
        name: 'Latchkey, API token',
        subject: latchkey.subject,
        url: (s) => `${urls.latchkey}/${s}`,
        headers: [`Authorization: Bearer ${urls.token}`],
      },
    ];
    process.stdout.write(
      `callgrind, ${ROUNDS} batches per target and size, ${CONCURRENCY} keep-alive connections (ab); instructions per request without V8's optimizing compilers, minimum (median) of the batches\n`,
    );
    for (const size of SIZES) {
      // Warm-up uncounted: JIT tiers, pools, the token cache.
      for (const t of targets) await requests(t.url(size.name), size.warmup, t.headers);
      for (const s of subjects) await run('callgrind_control', ['-i', 'on', String(s.pid)]);
      const batches = new Map<Target, number[]>(targets.map((t) => [t, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const t of round % 2 === 0 ? targets : [...targets].reverse()) {
          batches.get(t)?.push(await counted(t.subject, t.url(size.name), size.batch, t.headers));
        }
      }
      for (const s of subjects) await run('callgrind_control', ['-i', 'off', String(s.pid)]);
      const figure = (t: Target) => Math.min(...(batches.get(t) ?? []));
      const [aloneT, inProcessT] = targets;
      if (aloneT === undefined || inProcessT === undefined) throw new Error('targets missing');
      for (const t of targets) {
        const list = batches.get(t) ?? [];
        const min = figure(t);
        process.stdout.write(
          `  ${`${t.name}, ${size.name}`.padEnd(36)} ${Math.round(min).toLocaleString('en-US').padStart(9)} (${Math.round(median(list)).toLocaleString('en-US')})` +
            `  ${(min / figure(aloneT)).toFixed(2)}× bare alone  ${(min / figure(inProcessT)).toFixed(2)}× bare in-process\n`,
        );
      }
    }
  } finally {
    for (const s of subjects) s.stop();
    upstream.kill('SIGTERM');
  }
}

await main();
