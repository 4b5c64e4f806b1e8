/*
 * Audit ingest and query (SPEC §8) against the bars of SPEC §12, on PostgreSQL:
 *   (a) webhook-batch ingest rate with dedup (500 events a batch), then the same batches replayed
 *       (every event a duplicate);
 *   (b) file-tail ingest rate (JSON lines, durable cursor moved with each batch);
 *   (c) p50/p95 of a filtered page (tenant + action prefix, tenant + actor, deep keyset page) and of
 *       a filtered export, over LATCHKEY_BENCH_AUDIT_EVENTS events (default 300 000 to keep the
 *       default run short; the bar is stated for 5 000 000: set the variable to measure it).
 * Run by `npm run bench` (bench/run.ts); never part of `npm test`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { tailStep } from '../packages/server/src/audit/ingest/file-tail.js';
import { storeIngested } from '../packages/server/src/audit/ingest/store-ingested.js';
import { allEvents, listEvents } from '../packages/server/src/audit/query/list-events.js';
import {
  auditSourceSchema,
  type FileSourceConfig,
  type WebhookSourceConfig,
} from '../packages/server/src/config/audit-schema.js';
import { openStore } from '../packages/server/src/store/db.js';
import { runMigrations } from '../packages/server/src/store/migrate.js';
import {
  benchDatabaseUrl,
  benchDataDir,
  createBenchDatabase,
  ms,
  percentile,
  perSecond,
  printTable,
  timed,
  type BarRow,
} from './support/measure.js';

const INGEST_EVENTS = 20_000;
const BATCH = 500;
const EVENTS = Number(process.env.LATCHKEY_BENCH_AUDIT_EVENTS ?? '300000');
const PAGE_SAMPLES = 200;
const EXPORT_SAMPLES = 10;
const INGEST_BAR = 10_000;
const PAGE_P95_BAR_MS = 50;

if (benchDatabaseUrl === undefined) {
  process.stdout.write('audit: LATCHKEY_BENCH_DATABASE_URL / LATCHKEY_TEST_DATABASE_URL unset, skipped\n');
  process.exit(0);
}

const database = await createBenchDatabase(benchDatabaseUrl);
const store = await openStore({ url: database.url, poolSize: 4 });
const data = benchDataDir();
const quiet = { warn: () => undefined, error: () => undefined };
try {
  await runMigrations(store);
  const rows: BarRow[] = [];

  // (a) webhook batches
  const webhook = auditSourceSchema.parse({
    id: 'bench-hook',
    type: 'webhook',
    secret: 'bench-secret-0123456789',
  }) as WebhookSourceConfig;
  const batches = Array.from({ length: INGEST_EVENTS / BATCH }, (_, b) =>
    Array.from({ length: BATCH }, (_, i) => ({
      value: { id: `w-${b}-${i}`, type: 'login', actor: { id: `u${i % 50}` }, time: Date.now() },
    })),
  );
  const ingestMs = await timed(async () => {
    for (const batch of batches) await store.db.transaction((tx) => storeIngested(tx, webhook, batch));
  });
  const replayMs = await timed(async () => {
    for (const batch of batches) await store.db.transaction((tx) => storeIngested(tx, webhook, batch));
  });
  const ingestRate = INGEST_EVENTS / (ingestMs / 1000);
  rows.push({
    figure: `webhook ingest, ${BATCH}/batch`,
    measured: perSecond(ingestRate),
    baseline: `replay (all duplicates) ${perSecond(INGEST_EVENTS / (replayMs / 1000))}`,
    bar: `≥ ${perSecond(INGEST_BAR)}`,
    met: ingestRate >= INGEST_BAR,
  });

  // (b) file tail
  const file = join(data.dir, 'audit.log');
  writeFileSync(
    file,
    Array.from({ length: INGEST_EVENTS }, (_, i) =>
      JSON.stringify({
        Action: 'file_read',
        Time: new Date().toISOString(),
        User: `u${i % 50}`,
        Path: `/f/${i}`,
      }),
    ).join('\n') + '\n',
  );
  const tail = auditSourceSchema.parse({ id: 'bench-file', type: 'file', path: file }) as FileSourceConfig;
  let tailed = 0;
  const tailMs = await timed(async () => {
    for (;;) {
      const step = await tailStep(store.db, tail, quiet);
      tailed += step.stored;
      if (!step.more) break;
    }
  });
  const tailRate = tailed / (tailMs / 1000);
  rows.push({
    figure: 'file tail ingest',
    measured: perSecond(tailRate),
    baseline: `${tailed} lines`,
    bar: `≥ ${perSecond(INGEST_BAR)}`,
    met: tailRate >= INGEST_BAR,
  });

  // (c) filtered pages over EVENTS events, written in time order as they arrive (one a second):
  // 20 tenants, 200 actors, 40 actions.
  await store.db.execute(sql`
    insert into audit_events (id, tenant_id, source, external_id, occurred_at, actor_type, actor_id, actor_label,
                              action, target_type, target_id, outcome, metadata)
    select 'evt_bench' || lpad(g::text, 10, '0'), 'ten_' || (g % 20), 'latchkey', null,
           now() - (${EVENTS} - g) * interval '1 second', 'user', 'usr_' || (g % 200), 'user ' || (g % 200),
           (array['api_token','connection','proxy','tenant','session'])[1 + g % 5] || '.' || 'op' || (g % 8),
           'thing', 'tgt_' || (g % 5000), (array['success','failure','denied'])[1 + g % 3], '{}'::jsonb
    from generate_series(1, ${EVENTS}) g`);
  await store.db.execute(sql`analyze audit_events`);
  const sample = async (name: string, run: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < PAGE_SAMPLES; i++) times.push(await timed(run));
    const p95 = percentile(times, 0.95);
    rows.push({
      figure: `page of 50: ${name}`,
      measured: `p50 ${ms(percentile(times, 0.5))}, p95 ${ms(p95)}`,
      baseline: `${EVENTS.toLocaleString('en-US')} events`,
      bar: `p95 ≤ ${PAGE_P95_BAR_MS} ms at 5 M`,
      met: p95 <= PAGE_P95_BAR_MS,
    });
  };
  let i = 0;
  await sample('tenant + action prefix', () =>
    listEvents(
      store.db,
      { kind: 'tenant', tenantId: `ten_${i++ % 20}` },
      { action: 'proxy.' },
      { limit: 50 },
    ),
  );
  await sample('tenant + actor', () =>
    listEvents(
      store.db,
      { kind: 'tenant', tenantId: `ten_${i % 20}` },
      { actor: `usr_${i++ % 200}` },
      { limit: 50 },
    ),
  );
  const deep = await listEvents(store.db, { kind: 'tenant', tenantId: 'ten_3' }, {}, { limit: 5000 });
  await sample('tenant, page after 5 000 rows', () =>
    listEvents(
      store.db,
      { kind: 'tenant', tenantId: 'ten_3' },
      {},
      { limit: 50, cursor: deep.nextCursor ?? undefined },
    ),
  );
  const exports: number[] = [];
  let exported = 0;
  for (let e = 0; e < EXPORT_SAMPLES; e++) {
    exported = 0;
    exports.push(
      await timed(async () => {
        for await (const _ of allEvents(
          store.db,
          { kind: 'tenant', tenantId: `ten_${e}` },
          { actor: `usr_${e}` },
        )) {
          exported += 1;
        }
      }),
    );
  }
  rows.push({
    figure: 'export, tenant + actor',
    measured: `p50 ${ms(percentile(exports, 0.5))}, p95 ${ms(percentile(exports, 0.95))}`,
    baseline: `${exported.toLocaleString('en-US')} rows each`,
    bar: '(reported)',
    met: undefined,
  });
  printTable(rows);
} finally {
  await store.close();
  await database.drop();
  data.cleanup();
}
