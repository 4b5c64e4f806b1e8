/*
 * The refresh engine at scale (SPEC §4.4): N connections all due at once (N from
 * LATCHKEY_BENCH_REFRESH_N, default 2 000; the 10 000 needs a longer
 * LATCHKEY_BENCH_TIMEOUT_SECONDS), two replica processes running the background refresher on
 * one PostgreSQL database, a rotating OAuth token endpoint on loopback that revokes a grant whose
 * spent refresh token comes back (RFC 9700 §4.14.2). Reports the time to refresh all, refreshes
 * per second next to the bare provider round trip measured in the same run (plain fetch, same
 * machine), double refreshes (must be 0), lost grants (must be 0) and each replica's peak memory.
 * Run by `npm run bench` (bench/run.ts); never part of `npm test`.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { sealToken } from '../packages/server/src/connections/secrets.js';
import { openToken } from '../packages/server/src/connections/secrets.js';
import { openStore } from '../packages/server/src/store/db.js';
import { runMigrations } from '../packages/server/src/store/migrate.js';
import { rawRows } from '../packages/server/src/store/raw-rows.js';
import { connections, users } from '../packages/server/src/store/schema/index.js';
import { updateTenantSettings } from '../packages/server/src/store/tenants.js';
import {
  REFRESH_SERVICE,
  seedTenant,
  testKeyring,
} from '../packages/server/test/helpers/refresh-fixtures.js';
import { RefreshProvider } from '../packages/server/test/helpers/refresh-provider.js';
import { startRefreshReplica } from '../packages/server/test/helpers/refresh-replica.js';
import { benchDatabaseUrl, createBenchDatabase, perSecond, printTable } from './support/measure.js';

/** 2 000 keeps `npm run bench` within its per-benchmark timeout; the figure is 10 000. */
const N = Number(process.env.LATCHKEY_BENCH_REFRESH_N ?? '2000');
/** Refreshes in flight per replica: each holds a pooled connection across the provider call. */
const CONCURRENCY = 8;
const POOL = CONCURRENCY + 2;
const BATCH = 200;
const TIMEOUT_MS = 600_000;

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(0)} MiB`;

/** The provider alone: N/5 refresh round trips over plain fetch at the replicas' concurrency. */
async function bareProvider(provider: RefreshProvider, count: number, concurrency: number): Promise<number> {
  const grants = Array.from({ length: count }, () => provider.grant().refreshToken);
  const basic = Buffer.from(`${provider.clientId}:${provider.clientSecret}`).toString('base64');
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < grants.length) {
        const token = grants[next++] ?? '';
        const res = await fetch(`${provider.url}/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }).toString(),
        });
        await res.json();
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

if (benchDatabaseUrl === undefined) {
  process.stdout.write('refresh: skipped (set LATCHKEY_BENCH_DATABASE_URL or LATCHKEY_TEST_DATABASE_URL)\n');
} else {
  const provider = new RefreshProvider();
  await provider.start();
  const database = await createBenchDatabase(benchDatabaseUrl);
  const store = await openStore({ url: database.url, poolSize: 4 });
  const keyring = testKeyring();
  try {
    await runMigrations(store);
    const tenantId = await seedTenant(store, 'ten_bench');
    // The tenant's own limit is not what is measured here: the replicas' is.
    await updateTenantSettings(store.db, tenantId, {
      services: {
        [REFRESH_SERVICE]: { refreshEnabled: true, beforeExpirySeconds: 300, maxConcurrency: CONCURRENCY },
      },
    });
    const due = new Date(Date.now() - 1_000);
    const expires = new Date(Date.now() + 120_000);
    const refreshTokens = new Map<string, string>();
    for (let start = 0; start < N; start += 1_000) {
      const chunk = Array.from({ length: Math.min(1_000, N - start) }, (_, i) => start + i);
      await store.db
        .insert(users)
        .values(chunk.map((i) => ({ id: `usr_b${i}`, issuer: 'https://idp.bench', subject: `b${i}` })));
      await store.db.insert(connections).values(
        chunk.map((i) => {
          const id = `con_b${i}`;
          const grant = provider.grant();
          refreshTokens.set(id, grant.refreshToken);
          return {
            id,
            tenantId,
            userId: `usr_b${i}`,
            serviceId: REFRESH_SERVICE,
            accessTokenEnc: sealToken(keyring, id, 'access_token', grant.accessToken),
            refreshTokenEnc: sealToken(keyring, id, 'refresh_token', grant.refreshToken),
            expiresAt: expires,
            nextRefreshAt: due,
          };
        }),
      );
    }

    const spec = {
      mode: 'background',
      databaseUrl: database.url,
      provider: { url: provider.url, clientId: provider.clientId, clientSecret: provider.clientSecret },
      tenantId,
      leaseMs: 60_000,
      batchSize: BATCH,
      concurrency: CONCURRENCY,
      poolSize: POOL,
    };
    // Counted from before the replicas start: they begin claiming as soon as they are up.
    const requestsBefore = provider.requests;
    const replicas = [startRefreshReplica(spec), startRefreshReplica(spec)];
    await Promise.all(replicas.map((r) => r.message('ready', 60_000)));
    const started = performance.now();
    for (;;) {
      const [left] = await rawRows<{ n: string }>(
        store.db,
        sql`select count(*) as n from connections where version = 1`,
      );
      if (Number(left?.n ?? 0) === 0) break;
      if (performance.now() - started > TIMEOUT_MS) throw new Error(`not done after ${TIMEOUT_MS / 1000} s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const elapsed = (performance.now() - started) / 1000;
    for (const r of replicas) r.send('stop');
    const reports = await Promise.all(
      replicas.map((r) =>
        r.message<{ refreshes: number; takeovers: number; maxRssBytes: number }>('maxRssBytes'),
      ),
    );
    await Promise.all(replicas.map((r) => r.exited));

    // Double refreshes: provider exchanges beyond one per connection. Lost grants: connections
    // whose stored refresh token the provider no longer accepts, plus grants it revoked for reuse.
    const requests = provider.requests - requestsBefore;
    const double = provider.refreshes - N;
    const rows = await store.db
      .select({ id: connections.id, enc: connections.refreshTokenEnc })
      .from(connections);
    const lost =
      rows.filter((r) => !provider.accepts(openToken(keyring, r.id, 'refresh_token', r.enc ?? ''))).length +
      provider.reuseDetected;
    const rate = N / elapsed;
    const bare = await bareProvider(provider, Math.max(100, Math.floor(N / 5)), CONCURRENCY * 2);

    process.stdout.write(
      `${N} connections due at once, 2 replicas × ${CONCURRENCY} in flight, PostgreSQL, provider on loopback\n`,
    );
    printTable([
      {
        figure: 'time to refresh all',
        measured: `${elapsed.toFixed(1)} s`,
        baseline: '-',
        bar: '-',
        met: undefined,
      },
      {
        figure: 'refreshes per second',
        measured: perSecond(rate),
        baseline: `bare provider ${perSecond(bare)} (×${(bare / rate).toFixed(1)})`,
        bar: '-',
        met: undefined,
      },
      {
        figure: 'provider requests',
        measured: String(requests),
        baseline: `${N} connections`,
        bar: `= ${N}`,
        met: requests === N,
      },
      { figure: 'double refreshes', measured: String(double), baseline: '-', bar: '0', met: double === 0 },
      { figure: 'lost grants', measured: String(lost), baseline: '-', bar: '0', met: lost === 0 },
      {
        figure: 'refreshes per replica',
        measured: reports.map((r) => r.refreshes).join(' / '),
        baseline: '-',
        bar: '-',
        met: undefined,
      },
      {
        figure: 'peak memory per replica',
        measured: reports.map((r) => mib(r.maxRssBytes)).join(' / '),
        baseline: '-',
        bar: '-',
        met: undefined,
      },
    ]);
    if (double !== 0 || lost !== 0) process.exitCode = 1;
  } finally {
    await store.close();
    await database.drop();
    await provider.stop();
  }
}
