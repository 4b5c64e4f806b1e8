/**
 * Runs tasks with at most `total` in flight, and at most `perKey(key)` in flight per key
 * (tenant and service: SPEC §4.4 "bounded concurrency per service"). Resolves once all settled.
 */
export async function runBounded<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  perKey: (item: T) => number,
  total: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const waiting = [...items];
  const active = new Map<string, number>();
  let running = 0;
  await new Promise<void>((done) => {
    const pump = () => {
      if (waiting.length === 0 && running === 0) {
        done();
        return;
      }
      for (let i = 0; i < waiting.length && running < total;) {
        const item = waiting[i] as T;
        const key = keyOf(item);
        const busy = active.get(key) ?? 0;
        if (busy >= Math.max(1, perKey(item))) {
          i++;
          continue;
        }
        waiting.splice(i, 1);
        active.set(key, busy + 1);
        running++;
        void task(item)
          .catch(() => undefined)
          .finally(() => {
            running--;
            active.set(key, (active.get(key) ?? 1) - 1);
            pump();
          });
      }
    };
    pump();
  });
}
