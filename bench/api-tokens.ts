/*
 * API-token verification and revocation (SPEC §5), against the bars of SPEC §12:
 *   (a) verifications per second on a cache hit, in-process, next to the unavoidable work alone
 *       (format + checksum check and SHA-256 of the token) measured in the same run;
 *   (b) p50/p99 of a cache miss on PostgreSQL, next to a bare `select 1` on the same pool;
 *   (c) time from a revocation committed on replica A to the first refusal on replica B, two
 *       in-process apps on one PostgreSQL database, each with its own store and ChangeBus.
 * Run by `npm run bench` (bench/run.ts); never part of `npm test`.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToIo } from 'node:timers/promises';
import { isWellFormedApiToken } from '../packages/server/src/api-tokens/format.js';
import { sha256Hex } from '../packages/server/src/crypto/hash.js';
import { AppError } from '../packages/server/src/errors.js';
import { openStore } from '../packages/server/src/store/db.js';
import { benchApp, mintTokens, revokeToken, type BenchApp } from './support/apps.js';
import {
  benchDatabaseUrl,
  createBenchDatabase,
  median,
  ms,
  percentile,
  perSecond,
  printTable,
  rateAsync,
  rateSync,
  timed,
  type BarRow,
} from './support/measure.js';

const HIT_ROUNDS = 3;
const HIT_ROUND_MS = 800;
const MISS_SAMPLES = 600;
const REVOCATIONS = 120;
/** A refusal slower than this is reported as a failure of the run, not waited for any longer. */
const REFUSAL_LIMIT_MS = 5_000;

const HIT_BAR = 200_000;
const MISS_P99_BAR_MS = 5;
const REVOCATION_BAR_MS = 1_000;

/** (a) Cache hits on an embedded store holding one token, interleaved with the baseline. */
async function cacheHit(): Promise<BarRow> {
  const store = await openStore({ pgliteDir: 'memory://' });
  const target = await benchApp(store);
  try {
    const [minted] = await mintTokens(target, 1);
    if (minted === undefined) throw new Error('no token');
    const verifier = target.services.apiTokenVerifier;
    const token = minted.token;
    await verifier.verify(token, '127.0.0.1'); // warm-up: the one miss, then only hits
    const missesBefore = verifier.misses;
    let sink = 0;
    const bare = () => {
      if (isWellFormedApiToken(token)) sink += sha256Hex(token).length;
    };
    const hit = () => verifier.verify(token, '127.0.0.1');
    const hits: number[] = [];
    const baselines: number[] = [];
    // Interleaved rounds, median of each: the machine is shared, so noise hits both alike.
    for (let round = 0; round < HIT_ROUNDS; round++) {
      baselines.push(rateSync(bare, HIT_ROUND_MS));
      hits.push(await rateAsync(hit, HIT_ROUND_MS));
    }
    if (verifier.misses !== missesBefore) throw new Error('a cache-hit round missed the cache');
    if (sink === 0) throw new Error('baseline did nothing');
    const rate = median(hits);
    const base = median(baselines);
    return {
      figure: '(a) cache hit, in-process',
      measured: `${perSecond(rate)} (${((rate / base) * 100).toFixed(0)} % of baseline)`,
      baseline: `${perSecond(base)} format check + SHA-256 alone`,
      bar: `≥ ${perSecond(HIT_BAR)}`,
      met: rate >= HIT_BAR,
    };
  } finally {
    await target.close();
    await store.close();
  }
}

/** (b) Misses: every verification is of a token this verifier has never seen. */
async function cacheMiss(a: BenchApp): Promise<BarRow> {
  const tokens = await mintTokens(a, MISS_SAMPLES + 20);
  const verifier = a.services.apiTokenVerifier;
  const store = a.services.store;
  // Warm-up: open pool connections, plan the queries.
  for (const t of tokens.slice(0, 20)) {
    await verifier.verify(t.token, '127.0.0.1');
    await store.ping();
  }
  const misses: number[] = [];
  const pings: number[] = [];
  const missesBefore = verifier.misses;
  // Interleaved one by one, so both see the same moments of a shared machine.
  for (const t of tokens.slice(20)) {
    pings.push(await timed(() => store.ping()));
    misses.push(await timed(() => verifier.verify(t.token, '127.0.0.1')));
  }
  if (verifier.misses - missesBefore !== MISS_SAMPLES) throw new Error('a miss sample hit the cache');
  const p99 = percentile(misses, 0.99);
  return {
    figure: `(b) cache miss, PostgreSQL (${MISS_SAMPLES} tokens)`,
    measured: `p50 ${ms(percentile(misses, 0.5))}, p99 ${ms(p99)}`,
    baseline: `select 1: p50 ${ms(percentile(pings, 0.5))}, p99 ${ms(percentile(pings, 0.99))}`,
    bar: `p99 ≤ ${MISS_P99_BAR_MS} ms`,
    met: p99 <= MISS_P99_BAR_MS,
  };
}

/** Polls B's verifier (yielding to I/O between polls, so B can hear NOTIFY) until it refuses. */
async function untilRefused(b: BenchApp, token: string): Promise<string> {
  const deadline = performance.now() + REFUSAL_LIMIT_MS;
  for (;;) {
    try {
      await b.services.apiTokenVerifier.verify(token, '127.0.0.1');
    } catch (err) {
      if (err instanceof AppError) return err.code;
      throw err;
    }
    if (performance.now() > deadline) return 'still accepted';
    await yieldToIo();
  }
}

/** (c) Revoke on A (HTTP, in-process), first refusal on B: each token is cached on B first. */
async function revocation(a: BenchApp, b: BenchApp): Promise<BarRow> {
  const tokens = await mintTokens(a, REVOCATIONS);
  const lags: number[] = [];
  const wrong: string[] = [];
  for (const t of tokens) {
    await b.services.apiTokenVerifier.verify(t.token, '127.0.0.1');
    await b.services.apiTokenVerifier.verify(t.token, '127.0.0.1');
    await revokeToken(a, t.id);
    const committed = performance.now();
    const code = await untilRefused(b, t.token);
    lags.push(performance.now() - committed);
    if (code !== 'token_revoked') wrong.push(code);
  }
  if (wrong.length > 0) throw new Error(`B refused with other codes: ${wrong.join(', ')}`);
  const worst = Math.max(...lags);
  return {
    figure: `(c) revoke on A → refused on B (${REVOCATIONS})`,
    measured: `p50 ${ms(percentile(lags, 0.5))}, p99 ${ms(percentile(lags, 0.99))}, max ${ms(worst)}`,
    baseline: '—',
    bar: `≤ ${REVOCATION_BAR_MS} ms (every one)`,
    met: worst <= REVOCATION_BAR_MS,
  };
}

async function onPostgres(adminUrl: string): Promise<BarRow[]> {
  const db = await createBenchDatabase(adminUrl);
  const storeA = await openStore({ url: db.url, poolSize: 10 });
  const storeB = await openStore({ url: db.url, poolSize: 10 });
  const opened: BenchApp[] = [];
  try {
    const a = await benchApp(storeA);
    opened.push(a);
    const b = await benchApp(storeB);
    opened.push(b);
    return [await cacheMiss(a), await revocation(a, b)];
  } finally {
    for (const app of opened) await app.close();
    await storeA.close();
    await storeB.close();
    await db.drop();
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows = [await cacheHit()];
  if (benchDatabaseUrl === undefined) {
    const why = 'set LATCHKEY_BENCH_DATABASE_URL (or LATCHKEY_TEST_DATABASE_URL)';
    rows.push(
      { figure: '(b) cache miss, PostgreSQL', measured: why, baseline: '', bar: '', met: undefined },
      { figure: '(c) revoke on A → refused on B', measured: why, baseline: '', bar: '', met: undefined },
    );
  } else {
    rows.push(...(await onPostgres(benchDatabaseUrl)));
  }
  process.stdout.write(`\nAPI tokens (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
  printTable(rows);
}

await main();
