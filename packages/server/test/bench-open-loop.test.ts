import { describe, expect, it } from 'vitest';
import { parseOpenLoopResult } from '../../../bench/support/latency-phase.js';
import {
  addedLatencyVerdict,
  dueCount,
  intendedAt,
  latencyPercentiles,
  medianOfRuns,
  percentileSorted,
  type OpenLoopResult,
} from '../../../bench/support/open-loop-stats.js';

const run = (over: Partial<OpenLoopResult> = {}): OpenLoopResult => ({
  sent: 3_000,
  completed: 3_000,
  errors: 0,
  targetRate: 1_000,
  achievedRate: 999,
  p50: 1,
  p90: 2,
  p99: 4,
  p999: 8,
  sendLagP99: 1,
  maxInFlight: 10,
  cpuPerRequest: 50,
  ...over,
});

describe('open-loop schedule (bench/support/open-loop.ts)', () => {
  it('spaces intended send times 1/rate apart from the start, whenever requests actually leave', () => {
    expect(intendedAt(0, 500, 2_000)).toBe(500);
    expect(intendedAt(1, 500, 2_000)).toBe(500.5);
    expect(intendedAt(3_000, 500, 2_000)).toBe(2_000);
  });

  it('makes request 0 due at once and each later one when its slot starts', () => {
    expect(dueCount(0, 1_000, 100)).toBe(1);
    expect(dueCount(0.999, 1_000, 100)).toBe(1);
    expect(dueCount(1, 1_000, 100)).toBe(2);
    expect(dueCount(10.5, 1_000, 100)).toBe(11);
  });

  it('catches up after a stall instead of skipping the requests it owes (coordinated omission)', () => {
    // 40 ms without a tick at 1 000/s: all 40 requests of those slots are due on the next one.
    expect(dueCount(39.9, 1_000, 100) - dueCount(0, 1_000, 100)).toBe(39);
  });

  it('never schedules past the end of the run, nor before its start', () => {
    expect(dueCount(1e6, 1_000, 100)).toBe(100);
    expect(dueCount(-1, 1_000, 100)).toBe(0);
  });
});

describe('latency percentiles (nearest rank)', () => {
  it('reads p50 to p99.9 of 1 000 latencies 1..1000 ms given in any order', () => {
    const values = Float64Array.from({ length: 1_000 }, (_, i) => ((i * 389) % 1_000) + 1);
    expect(latencyPercentiles(values)).toEqual({ p50: 500, p90: 900, p99: 990, p999: 999 });
  });

  it('sorts numerically, not as text (10 ms is above 9 ms)', () => {
    expect(latencyPercentiles(Float64Array.from([10, 9, 100, 2])).p99).toBe(100);
    expect(latencyPercentiles(Float64Array.from([10, 9, 100, 2])).p50).toBe(9);
  });

  it('lets one slow request in a hundred set p99, not hide below it', () => {
    const values = new Float64Array(100).fill(1);
    values[37] = 250;
    expect(latencyPercentiles(values).p99).toBe(1);
    expect(latencyPercentiles(values).p999).toBe(250);
    values[38] = 250;
    expect(latencyPercentiles(values).p99).toBe(250);
  });

  it('answers NaN, not 0, when nothing completed', () => {
    expect(percentileSorted([], 0.99)).toBeNaN();
    expect(latencyPercentiles(new Float64Array(0)).p50).toBeNaN();
  });
});

describe('added latency bar (SPEC §12: p99 ≤ 1 ms over the bare proxy at half its peak)', () => {
  it('is met when Latchkey adds at most 1 ms to the bare p99', () => {
    expect(addedLatencyVerdict(run({ p99: 4 }), run({ p99: 5 }))).toEqual({
      addedP99: 1,
      met: true,
      problems: [],
    });
  });

  it('is missed when Latchkey adds more than 1 ms', () => {
    const v = addedLatencyVerdict(run({ p99: 4 }), run({ p99: 5.01 }));
    expect(v.met).toBe(false);
    expect(v.addedP99).toBeCloseTo(1.01);
  });

  it('is missed when a target did not hold 95 % of the rate, however good its p99', () => {
    const v = addedLatencyVerdict(run(), run({ achievedRate: 940, p99: 4 }));
    expect(v.met).toBe(false);
    expect(v.problems).toEqual([expect.stringMatching(/^Latchkey: achieved 940\/s, below 95 %/)]);
    expect(addedLatencyVerdict(run(), run({ achievedRate: 950 })).met).toBe(true);
  });

  it('is missed when any request failed or was not 2xx, on either side', () => {
    const v = addedLatencyVerdict(run({ errors: 1 }), run());
    expect(v.met).toBe(false);
    expect(v.problems).toEqual(['bare: 1 of 3000 requests failed or were not 2xx']);
  });

  it('is missed when nothing completed (NaN percentiles)', () => {
    expect(addedLatencyVerdict(run(), run({ p99: Number.NaN })).met).toBe(false);
  });
});

describe('rounds of one target', () => {
  it('takes the median of each figure and sums the counts, so one failed request in any round shows', () => {
    const m = medianOfRuns([
      run({ p99: 9, achievedRate: 990, errors: 1, maxInFlight: 70 }),
      run({ p99: 3, achievedRate: 999 }),
      run({ p99: 5, achievedRate: 995 }),
    ]);
    expect(m).toMatchObject({ p99: 5, achievedRate: 995, errors: 1, sent: 9_000, maxInFlight: 70 });
  });
});

describe("the generator's JSON line", () => {
  it('reads null percentiles (JSON has no NaN) as NaN and refuses a missing field', () => {
    const line = JSON.stringify({ ...run(), completed: 0, p50: null, p90: null, p99: null, p999: null });
    expect(parseOpenLoopResult(line).p99).toBeNaN();
    expect(() => parseOpenLoopResult(JSON.stringify({ ...run(), p99: undefined }))).toThrow(/p99/);
  });
});
