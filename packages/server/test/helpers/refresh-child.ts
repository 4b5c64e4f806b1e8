/**
 * A second (third…) Latchkey process for the refresh tests: the refresh stack as app.ts wires it,
 * over the PostgreSQL database the test names, driven over stdin/stdout with JSON lines.
 *
 * - `acquire`: prints `{"ready":true}`, waits for a `go` line, runs `count` concurrent acquires
 *   for the owner, prints `{"tokens":[…]}` (or `{"error":…}`) and exits.
 * - `background`: prints `{"ready":true}`, runs the background refresher until a `stop` line,
 *   prints `{"takeovers":n,"refreshes":n}` and exits. Killed with SIGKILL in the crash test.
 */
import { createInterface } from 'node:readline';
import { BackgroundRefresher } from '../../src/refresh/background.js';
import { openStore } from '../../src/store/db.js';
import { REFRESH_SERVICE, refreshService, refreshStack, testKeyring } from './refresh-fixtures.js';

interface ChildSpec {
  mode: 'acquire' | 'background';
  databaseUrl: string;
  provider: { url: string; clientId: string; clientSecret: string };
  tenantId: string;
  userId?: string;
  count?: number;
  leaseMs?: number;
  batchSize?: number;
  concurrency?: number;
  poolSize?: number;
}

const spec = JSON.parse(process.env.LATCHKEY_REFRESH_CHILD ?? '{}') as ChildSpec;
const say = (v: object) => {
  process.stdout.write(`${JSON.stringify(v)}\n`);
};

const store = await openStore({ url: spec.databaseUrl, poolSize: spec.poolSize ?? 10 });
const stack = await refreshStack(store, refreshService(spec.provider), testKeyring());
const lines = createInterface({ input: process.stdin });
const nextLine = () =>
  new Promise<string>((resolve) => {
    lines.once('line', resolve);
  });

if (spec.mode === 'acquire') {
  say({ ready: true });
  await nextLine();
  const owner = { tenantId: spec.tenantId, userId: spec.userId ?? '' };
  try {
    const got = await Promise.all(
      Array.from({ length: spec.count ?? 1 }, () => stack.tokens.acquire(owner, REFRESH_SERVICE)),
    );
    say({ tokens: got.map((t) => t.accessToken) });
  } catch (err) {
    say({ error: String(err) });
  }
} else {
  const refresher = new BackgroundRefresher({
    db: store.db,
    engine: stack.engine,
    connectors: stack.connectors,
    metrics: stack.metrics,
    options: {
      batchSize: spec.batchSize ?? 50,
      leaseMs: spec.leaseMs ?? 2_000,
      concurrency: spec.concurrency ?? 4,
    },
    log: {
      warn: (obj, msg) => {
        say({ warn: msg, detail: String((obj as { err?: unknown }).err) });
      },
    },
  });
  let stopped = false;
  // A function, not the variable: the line handler flips it while the loop awaits.
  const running = () => !stopped;
  void nextLine().then(() => {
    stopped = true;
  });
  say({ ready: true });
  while (running()) {
    const more = await refresher.runOnce().catch((err: unknown) => {
      say({ warn: 'run failed', detail: String(err) });
      return false;
    });
    if (!more) await new Promise((r) => setTimeout(r, 100));
  }
  const takeovers = (await stack.metrics.refreshLeaseTakeovers.get()).values[0]?.value ?? 0;
  const refreshes = (await stack.metrics.refreshes.get()).values
    .filter((v) => v.labels.outcome === 'success')
    .reduce((n, v) => n + v.value, 0);
  // Peak resident memory of this replica (the benchmark reports it), in bytes.
  say({ takeovers, refreshes, maxRssBytes: process.resourceUsage().maxRSS * 1024 });
}
lines.close();
await stack.bus.stop();
await store.close();
