import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

/** The PostgreSQL benchmarks run against; unset → the PostgreSQL figures are skipped (and say so). */
export const benchDatabaseUrl =
  process.env.LATCHKEY_BENCH_DATABASE_URL ?? process.env.LATCHKEY_TEST_DATABASE_URL;

/** Nearest-rank percentile (`q` in 0..1) of samples; NaN when there are none. */
export function percentile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((x, y) => x - y);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

/** Operations per second of a synchronous `op`, run in batches for about `ms`. */
export function rateSync(op: () => void, ms: number): number {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1_000; i++) op();
    n += 1_000;
    now = performance.now();
  }
  return n / ((now - start) / 1_000);
}

/** Operations per second of an asynchronous `op` awaited one after the other, for about `ms`. */
export async function rateAsync(op: () => Promise<unknown>, ms: number): Promise<number> {
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1_000; i++) await op();
    n += 1_000;
    now = performance.now();
  }
  return n / ((now - start) / 1_000);
}

/** How long `op` took, in milliseconds. */
export async function timed(op: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await op();
  return performance.now() - start;
}

/** A database of its own for one benchmark run, dropped by `drop`. */
export async function createBenchDatabase(
  adminUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `lk_bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const run = async (text: string) => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query(text);
    } finally {
      await admin.end();
    }
  };
  await run(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`drop database if exists ${name} with (force)`) };
}

/** A fresh temporary data directory, removed by the returned cleanup. */
export function benchDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One line of the summary table. */
export interface BarRow {
  figure: string;
  measured: string;
  baseline: string;
  bar: string;
  met: boolean | undefined;
}

/** Prints rows as an aligned plain-text table (`met` undefined → "skipped"). */
export function printTable(rows: readonly BarRow[]): void {
  const cells = [
    ['figure', 'measured', 'baseline (same run)', 'bar (SPEC §12)', 'met'],
    ...rows.map((r) => [
      r.figure,
      r.measured,
      r.baseline,
      r.bar,
      r.met === undefined ? 'skipped' : r.met ? 'yes' : 'NO',
    ]),
  ];
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length))) ?? [];
  const line = (row: readonly string[]) => row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ');
  process.stdout.write(`${line(cells[0] ?? [])}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}\n`);
  for (const row of cells.slice(1)) process.stdout.write(`${line(row)}\n`);
}

export const ms = (v: number) => `${v.toFixed(2)} ms`;
export const perSecond = (v: number) => `${Math.round(v).toLocaleString('en-US')}/s`;
