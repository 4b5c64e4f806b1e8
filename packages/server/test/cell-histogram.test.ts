import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CellHistogram } from '../src/http/cell-histogram.js';

const BUCKETS = [0.001, 0.005, 0.01, 0.1, 1];

/** A scrape as `series → value`, label pairs sorted (their order in a line is not significant). */
async function scrape(registry: Registry): Promise<Map<string, string>> {
  const series = new Map<string, string>();
  for (const line of (await registry.metrics()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([^{ ]+)(?:\{(.*)\})? (.+)$/.exec(line);
    if (m === null) throw new Error(`unparsed line ${line}`);
    const labels = (m[2] ?? '').split(',').filter(Boolean).sort().join(',');
    series.set(`${m[1]}{${labels}}`, m[3] ?? '');
  }
  return series;
}

function pair() {
  const reference = new Registry();
  const ours = new Registry();
  const config = {
    name: 'd_seconds',
    help: 'test',
    labelNames: ['route', 'status'] as const,
    buckets: BUCKETS,
  };
  return {
    reference,
    ours,
    prom: new Histogram({ ...config, labelNames: [...config.labelNames], registers: [reference] }),
    cells: new CellHistogram({ ...config, registers: [ours] }),
  };
}

describe('CellHistogram (prom-client histogram exposition without per-observation label hashing)', () => {
  it('scrapes exactly as a prom-client Histogram fed the same observations (property)', async () => {
    const observation = fc.record({
      route: fc.constantFrom('/a', '/b'),
      status: fc.constantFrom('200', '404'),
      // Bucket bounds themselves included: `le` is inclusive.
      value: fc.oneof(fc.constantFrom(...BUCKETS, 0, 2), fc.double({ min: 0, max: 3, noNaN: true })),
      via: fc.constantFrom('bind', 'observe', 'labels'),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 40 }), async (observations) => {
        const { reference, ours, prom, cells } = pair();
        for (const { route, status, value, via } of observations) {
          prom.observe({ route, status }, value);
          if (via === 'bind') cells.bind({ route, status })(value);
          else if (via === 'observe') cells.observe({ route, status }, value);
          else cells.labels(route, status).observe(value);
        }
        expect(await scrape(ours)).toEqual(await scrape(reference));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps bound observers working across reset, and shows zeroed series like prom-client', async () => {
    const { reference, ours, prom, cells } = pair();
    const observe = cells.bind({ route: '/a', status: '200' });
    observe(0.002);
    prom.observe({ route: '/a', status: '200' }, 0.002);
    cells.reset();
    prom.reset();
    expect(await scrape(ours)).toEqual(new Map());
    observe(0.5);
    prom.observe({ route: '/a', status: '200' }, 0.5);
    cells.zero({ route: '/b', status: '500' });
    prom.zero({ route: '/b', status: '500' });
    const seen = await scrape(ours);
    expect(seen).toEqual(await scrape(reference));
    expect(seen.get('d_seconds_count{route="/a",status="200"}')).toBe('1');
    expect(seen.get('d_seconds_count{route="/b",status="500"}')).toBe('0');
  });

  it('refuses a label the histogram does not have', () => {
    const { cells } = pair();
    expect(() => cells.bind({ route: '/a', method: 'GET' } as never)).toThrow(/unknown label "method"/);
  });
});
