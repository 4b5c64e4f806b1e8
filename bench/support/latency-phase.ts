/*
 * The latency phase of bench/proxy.ts (SPEC §12: "proxy added latency: p99 ≤ 1 ms over the bare
 * proxy at half of its peak rate"). A closed-loop generator cannot hold a rate, so each run is an
 * open-loop generator (bench/support/open-loop.ts) in a process of its own, at a fixed rate, the
 * two targets alternating over rounds so that a slow spell of the shared machine hits both.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ms, perSecond, printTable, type BarRow } from './measure.js';
import {
  ADDED_P99_BAR_MS,
  addedLatencyVerdict,
  medianOfRuns,
  type OpenLoopResult,
} from './open-loop-stats.js';

const ROUNDS = 3;
const SECONDS = 3;
/** Each run's own warm-up: the generator is a fresh process (JIT, connections) every time. */
const WARMUP_SECONDS = 1;
/** Enough that the generator's pool never holds a request back at these rates (see maxInFlight). */
const CONNECTIONS = 64;
const root = resolve(import.meta.dirname, '..', '..');

/** Where one target of the phase is reached. */
export interface LatencyTarget {
  name: string;
  url: string;
  headers: Record<string, string>;
}

const NUMBER_FIELDS = [
  'sent',
  'completed',
  'errors',
  'targetRate',
  'achievedRate',
  'p50',
  'p90',
  'p99',
  'p999',
  'sendLagP99',
  'maxInFlight',
  'cpuPerRequest',
] as const;

/** The generator's JSON line; JSON has no NaN, so a percentile of no samples arrives as null. */
export function parseOpenLoopResult(line: string): OpenLoopResult {
  const raw = JSON.parse(line) as Record<string, unknown>;
  const out: Partial<Record<(typeof NUMBER_FIELDS)[number], number>> = {};
  for (const field of NUMBER_FIELDS) {
    const v = raw[field];
    if (v === null) out[field] = Number.NaN;
    else if (typeof v === 'number') out[field] = v;
    else throw new Error(`open-loop result without a number for ${field}: ${line}`);
  }
  return out as OpenLoopResult;
}

/** One open-loop run against `target` at `rate` requests/s. */
function openLoop(target: LatencyTarget, rate: number): Promise<OpenLoopResult> {
  const options = JSON.stringify({
    url: target.url,
    rate,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    headers: target.headers,
    connections: CONNECTIONS,
  });
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'bench/support/open-loop.ts', options],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code !== 0) fail(new Error(`open-loop run against ${target.name} exited with ${code}`));
      else done(parseOpenLoopResult(out.trim()));
    });
  });
}

/** Each round of each target at the same rate. */
export interface LatencyRuns {
  bare: OpenLoopResult[];
  latchkey: OpenLoopResult[];
}

/** Runs both targets at `rate`, alternating over the rounds. */
export async function measureAddedLatency(
  bare: LatencyTarget,
  latchkey: LatencyTarget,
  rate: number,
): Promise<LatencyRuns> {
  const runs = new Map<LatencyTarget, OpenLoopResult[]>([
    [bare, []],
    [latchkey, []],
  ]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const t of round % 2 === 0 ? [bare, latchkey] : [latchkey, bare]) {
      runs.get(t)?.push(await openLoop(t, rate));
    }
  }
  return { bare: runs.get(bare) ?? [], latchkey: runs.get(latchkey) ?? [] };
}

const percentiles = (r: OpenLoopResult) => `p50 ${ms(r.p50)} p99 ${ms(r.p99)} p99.9 ${ms(r.p999)}`;

/**
 * Prints the phase's table (median of the rounds), then per target the rate it held, each round's
 * p99 (how far apart rounds are on a shared machine) and why the bar fails when a run was unfit.
 */
export function printAddedLatency(rate: number, runs: LatencyRuns): void {
  const bare = medianOfRuns(runs.bare);
  const latchkey = medianOfRuns(runs.latchkey);
  const verdict = addedLatencyVerdict(bare, latchkey);
  const at = `1k @ ${perSecond(rate)}`;
  const rows: BarRow[] = [
    {
      figure: `bare node:http + undici, ${at}`,
      measured: percentiles(bare),
      baseline: '',
      bar: 'reference',
      met: undefined,
    },
    {
      figure: `Latchkey, API token, ${at}`,
      measured: percentiles(latchkey),
      baseline: percentiles(bare),
      bar: 'reference',
      met: undefined,
    },
    {
      figure: 'added p99 (Latchkey − bare)',
      measured: `${verdict.addedP99 >= 0 ? '+' : ''}${ms(verdict.addedP99)}`,
      baseline: `bare p99 ${ms(bare.p99)}`,
      bar: `≤ ${ADDED_P99_BAR_MS} ms at half the bare peak`,
      met: verdict.met,
    },
  ];
  printTable(rows);
  for (const [name, r, each] of [
    ['bare', bare, runs.bare],
    ['Latchkey', latchkey, runs.latchkey],
  ] as const) {
    process.stdout.write(
      `  ${name.padEnd(9)} held ${perSecond(r.achievedRate)} of ${perSecond(r.targetRate)} (median of ${each.length} rounds), ${r.errors} errors in ${r.sent.toLocaleString('en-US')} requests; p99 by round ${each.map((x) => ms(x.p99)).join(', ')}\n` +
        `  ${''.padEnd(9)} generator: send lag p99 ${ms(r.sendLagP99)}, most in flight ${r.maxInFlight} (pool of ${CONNECTIONS}), own CPU ${r.cpuPerRequest.toFixed(0)} µs/request\n`,
    );
  }
  for (const p of verdict.problems) process.stdout.write(`  bar not met: ${p}\n`);
}
