/*
 * The arithmetic of the open-loop latency phase of bench/proxy.ts, kept free of I/O so a unit
 * test can prove it: the send schedule, percentiles, and the verdict against SPEC §12's
 * "proxy added latency: p99 ≤ 1 ms over the bare proxy at half of its peak rate".
 */

/** What one open-loop run (bench/support/open-loop.ts) prints, latencies in ms. */
export interface OpenLoopResult {
  /** Requests sent in the measured window (after the warm-up). */
  sent: number;
  /** Of those, answered with a 2xx before the drain deadline. */
  completed: number;
  /** Of those, answered otherwise, failed, or still unanswered at the drain deadline. */
  errors: number;
  /** The rate asked for, requests/s. */
  targetRate: number;
  /** Completed requests per second, from the window's start to the last completion. */
  achievedRate: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  /** p99 of (actual send − intended send): the generator's own lateness, already inside the figures. */
  sendLagP99: number;
  /** Most requests in flight at once; at the pool's size the pool itself was queueing. */
  maxInFlight: number;
  /** The generator's own CPU time per request sent, in µs: what it took from the proxies' cores. */
  cpuPerRequest: number;
}

/** When request `index` is meant to leave, in ms on the clock that `startMs` is read from. */
export function intendedAt(index: number, startMs: number, rate: number): number {
  return startMs + (index * 1_000) / rate;
}

/**
 * How many requests of a schedule of `total` at `rate` are due `elapsedMs` after its start:
 * request i is due at i / rate, so request 0 is due at once.
 */
export function dueCount(elapsedMs: number, rate: number, total: number): number {
  if (elapsedMs < 0) return 0;
  return Math.min(total, Math.floor((elapsedMs * rate) / 1_000) + 1);
}

/** Nearest-rank percentile (`q` in 0..1) of values already sorted ascending; NaN when empty. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** p50, p90, p99 and p99.9 of `latencies` (sorted in place: the generator's buffer is its own). */
export function latencyPercentiles(latencies: Float64Array): {
  p50: number;
  p90: number;
  p99: number;
  p999: number;
} {
  latencies.sort();
  return {
    p50: percentileSorted(latencies, 0.5),
    p90: percentileSorted(latencies, 0.9),
    p99: percentileSorted(latencies, 0.99),
    p999: percentileSorted(latencies, 0.999),
  };
}

/**
 * One figure for several rounds of one target: the median of each rate and percentile, and the
 * sum of the counts (one failed request in any round must show).
 */
export function medianOfRuns(runs: readonly OpenLoopResult[]): OpenLoopResult {
  const med = (pick: (r: OpenLoopResult) => number) =>
    percentileSorted(
      runs.map(pick).sort((x, y) => x - y),
      0.5,
    );
  const sum = (pick: (r: OpenLoopResult) => number) => runs.reduce((total, r) => total + pick(r), 0);
  return {
    sent: sum((r) => r.sent),
    completed: sum((r) => r.completed),
    errors: sum((r) => r.errors),
    targetRate: med((r) => r.targetRate),
    achievedRate: med((r) => r.achievedRate),
    p50: med((r) => r.p50),
    p90: med((r) => r.p90),
    p99: med((r) => r.p99),
    p999: med((r) => r.p999),
    sendLagP99: med((r) => r.sendLagP99),
    maxInFlight: Math.max(0, ...runs.map((r) => r.maxInFlight)),
    cpuPerRequest: med((r) => r.cpuPerRequest),
  };
}

/** Below this share of the target rate the run did not hold the rate, and its latencies mean little. */
export const HELD_RATE_SHARE = 0.95;

/** Why a run cannot stand for latency "at that rate"; empty when it can. */
export function runProblems(name: string, r: OpenLoopResult): string[] {
  const problems: string[] = [];
  if (r.achievedRate < HELD_RATE_SHARE * r.targetRate) {
    problems.push(
      `${name}: achieved ${Math.round(r.achievedRate)}/s, below ${HELD_RATE_SHARE * 100} % of the ${Math.round(r.targetRate)}/s asked`,
    );
  }
  if (r.errors > 0) problems.push(`${name}: ${r.errors} of ${r.sent} requests failed or were not 2xx`);
  return problems;
}

/** SPEC §12: Latchkey's p99 may exceed the bare proxy's by at most this, at the same rate. */
export const ADDED_P99_BAR_MS = 1;

/**
 * Latchkey's p99 minus the bare proxy's, and whether it meets the bar. A run that did not hold the
 * rate or had errors does not meet it, whatever its percentiles say.
 */
export function addedLatencyVerdict(
  bare: OpenLoopResult,
  latchkey: OpenLoopResult,
): { addedP99: number; met: boolean; problems: string[] } {
  const addedP99 = latchkey.p99 - bare.p99;
  const problems = [...runProblems('bare', bare), ...runProblems('Latchkey', latchkey)];
  return { addedP99, met: problems.length === 0 && addedP99 <= ADDED_P99_BAR_MS, problems };
}
