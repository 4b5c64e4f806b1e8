import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterCells } from '../src/http/counter-cells.js';

describe('hot-path counters (prom-client counters counted in plain numbers until scraped)', () => {
  function setup() {
    const registry = new Registry();
    const cells = new CounterCells<'outcome'>();
    new Counter({
      name: 'lookups_total',
      help: 'test',
      labelNames: ['outcome'],
      registers: [registry],
      collect() {
        cells.flushInto(this);
      },
    });
    const line = async (outcome: string) =>
      (await registry.metrics()).split('\n').find((l) => l.startsWith(`lookups_total{outcome="${outcome}"}`));
    return { cells, line };
  }

  it('shows every increment made before a scrape, each exactly once', async () => {
    const { cells, line } = setup();
    const hit = cells.bind({ outcome: 'hit' });
    const miss = cells.bind({ outcome: 'miss' });
    for (let i = 0; i < 5; i++) hit();
    miss();
    expect(await line('hit')).toBe('lookups_total{outcome="hit"} 5');
    expect(await line('miss')).toBe('lookups_total{outcome="miss"} 1');
    // A second scrape with nothing new shows the same totals (nothing is handed over twice).
    expect(await line('hit')).toBe('lookups_total{outcome="hit"} 5');
    hit();
    hit();
    expect(await line('hit')).toBe('lookups_total{outcome="hit"} 7');
    expect(await line('miss')).toBe('lookups_total{outcome="miss"} 1');
  });

  it('shows no series for a label set that was bound but never counted', async () => {
    const { cells, line } = setup();
    cells.bind({ outcome: 'never' });
    expect(await line('never')).toBeUndefined();
  });
});
