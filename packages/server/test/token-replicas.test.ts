import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiToken } from '../src/api-tokens/format.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './helpers/postgres.js';
import { listening, startReplica, stopReplica, type ReplicaProcess } from './helpers/replica-process.js';

warnPostgresTierSkipped();

/** SPEC §5: a revocation is evicted from every replica's cache within one second. */
const REVOCATION_BOUND_MS = 1_000;
/** How long a poll may run before it gives up (bounded so a failure reports instead of hanging). */
const POLL_LIMIT_MS = 5_000;

interface Answer {
  status: number;
  code: string | undefined;
}

interface Created {
  token: string;
  apiToken: { id: string };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `GET /api/v1/me` with an API token: its status and, for a problem, its code. */
async function me(base: string, token: string): Promise<Answer> {
  const res = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { code?: string };
  return { status: res.status, code: body.code };
}

/** The value of `latchkey_change_channel_up` in a replica's /metrics. */
async function channelUp(base: string): Promise<number | undefined> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = /^latchkey_change_channel_up (\d+)$/m.exec(text);
  return line?.[1] === undefined ? undefined : Number(line[1]);
}

/** Polls `probe` until `done` holds or POLL_LIMIT_MS passes; returns the last value. */
async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs = POLL_LIMIT_MS,
): Promise<T> {
  const deadline = performance.now() + limitMs;
  for (;;) {
    const value = await probe();
    if (done(value) || performance.now() > deadline) return value;
    await sleep(5);
  }
}

describe.skipIf(postgresUrl === undefined)('revocation reaches every replica', () => {
  let db: { url: string; drop: () => Promise<void> };
  let dbName: string;
  let admin: pg.Client;
  const replicas: ReplicaProcess[] = [];
  let a: string;
  let b: string;
  let aliceOnA: string;
  let names = 0;

  const logs = () => replicas.map((r, i) => `--- replica ${'AB'.charAt(i)}\n${r.output()}`).join('\n');

  /** Mints a token through replica A, as alice (her IdP token comes from A's development IdP). */
  async function createOnA(): Promise<Created> {
    names += 1;
    const res = await fetch(`${a}/api/v1/api-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${aliceOnA}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `replica check ${names}`,
        services: ['*'],
        permissions: ['read'],
        expiresInDays: 7,
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Created;
  }

  /** Revokes through replica A; resolves once A has answered (the revocation is committed). */
  async function revokeOnA(id: string): Promise<void> {
    const res = await fetch(`${a}/api/v1/api-tokens/${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${aliceOnA}` },
    });
    expect(res.status, await res.clone().text()).toBe(204);
  }

  /** Revokes through A, then polls B: how long after A's answer B first refused, and how. */
  async function revokeAndWatch(created: Created): Promise<{ lagMs: number; answer: Answer; polls: number }> {
    await revokeOnA(created.apiToken.id);
    const revokedAt = performance.now();
    let polls = 0;
    const answer = await pollUntil(
      () => {
        polls += 1;
        return me(b, created.token);
      },
      (r) => r.status !== 200,
    );
    return { lagMs: performance.now() - revokedAt, answer, polls };
  }

  /** Opens (true) or closes (false) the database to new connections; open ones are unaffected. */
  async function allowConnections(allow: boolean): Promise<void> {
    await admin.query(`alter database ${pg.escapeIdentifier(dbName)} with allow_connections ${allow}`);
  }

  /**
   * Opens several pool connections on a replica (concurrent lookups of unknown, well-formed
   * tokens all miss the cache), so it can still reach the store while the database refuses new
   * connections.
   */
  async function warmPool(base: string): Promise<void> {
    const answers = await Promise.all(Array.from({ length: 8 }, () => me(base, generateApiToken())));
    expect(answers.filter((r) => r.code !== 'invalid_token')).toEqual([]);
  }

  async function listenerCount(): Promise<number> {
    const r = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where application_name = 'latchkey-listen' and datname = $1`,
      [dbName],
    );
    return r.rows[0]?.n ?? -1;
  }

  beforeAll(async () => {
    db = await createTempDatabase();
    dbName = new URL(db.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    // One key ring for both, as in production: a secret written by one replica decrypts on the other.
    const env = { LATCHKEY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` };
    replicas.push(startReplica(db.url, env), startReplica(db.url, env));
    [a, b] = (await Promise.all(replicas.map((r) => listening(r, 110_000)))) as [string, string];
    // Each replica runs its own development IdP (own key, own issuer): alice's IdP token comes from
    // A and is only ever shown to A. B only ever sees lk_ tokens, which live in the shared store.
    const minted = await fetch(`${a}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    aliceOnA = ((await minted.json()) as { access_token: string }).access_token;
    const first = await fetch(`${a}/api/v1/me`, { headers: { authorization: `Bearer ${aliceOnA}` } });
    expect(first.status, logs()).toBe(200);
    for (const base of [a, b])
      expect(
        await pollUntil(
          () => channelUp(base),
          (v) => v === 1,
        ),
      ).toBe(1);
  }, 120_000);

  afterAll(async () => {
    // Whatever a failed test left behind: the database open again, both processes gone, dropped.
    await allowConnections(true).catch(() => undefined);
    await admin.end().catch(() => undefined);
    await Promise.all(replicas.map((r) => stopReplica(r)));
    await db.drop();
  }, 30_000);

  it('a token revoked on A is refused by B (401 token_revoked) within one second', async () => {
    const seen: { lagMs: number; answer: Answer; polls: number }[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await createOnA();
      // First use on B reads the store and caches the token there; the second is a cache hit.
      expect(await me(b, created.token)).toEqual({ status: 200, code: undefined });
      expect(await me(b, created.token)).toEqual({ status: 200, code: undefined });
      seen.push(await revokeAndWatch(created));
    }
    const report = JSON.stringify(seen);
    expect(
      seen.map((s) => s.answer),
      report,
    ).toEqual(seen.map(() => ({ status: 401, code: 'token_revoked' })));
    expect(Math.max(...seen.map((s) => s.lagMs)), report).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  }, 60_000);

  it('fails closed while its notification channel is down, then recovers', async () => {
    const cached = await createOnA();
    expect(await me(b, cached.token)).toEqual({ status: 200, code: undefined });
    expect(await me(b, cached.token)).toEqual({ status: 200, code: undefined });

    // Both replicas run their listener as `latchkey-listen` (the name operators look for), and
    // PostgreSQL cannot tell whose backend is whose: we terminate every listener of this database
    // rather than add an option only a test would use. A deaf A does not weaken the check on B:
    // A publishes a revocation through its pool, in the revoking transaction, not through its
    // listener. The database is closed to new connections first, so no listener can come back
    // before we say so: the revocation below is committed while B provably cannot hear it (its
    // pool keeps its open connections, so B can still read the store).
    await Promise.all([warmPool(a), warmPool(b)]);
    await allowConnections(false);
    const terminated = await admin.query<{ gone: boolean }>(
      `select pg_terminate_backend(pid, 5000) as gone from pg_stat_activity
        where application_name = 'latchkey-listen' and datname = $1`,
      [dbName],
    );
    expect(terminated.rows).toEqual([{ gone: true }, { gone: true }]);
    expect(
      await pollUntil(
        () => channelUp(b),
        (v) => v === 0,
      ),
      logs(),
    ).toBe(0);

    // Deaf, B still serves from the store, and must not cache what it cannot hear invalidated.
    expect(await me(b, cached.token)).toEqual({ status: 200, code: undefined });
    await revokeOnA(cached.apiToken.id);
    expect(await listenerCount()).toBe(0);
    expect(await channelUp(b)).toBe(0);
    // The revocation's NOTIFY reached no one; B must still refuse, not answer from its cache.
    expect(await me(b, cached.token)).toEqual({ status: 401, code: 'token_revoked' });

    await allowConnections(true);
    for (const base of [b, a]) {
      expect(
        await pollUntil(
          () => channelUp(base),
          (v) => v === 1,
          15_000,
        ),
        logs(),
      ).toBe(1);
    }
    // One listener each again: reconnecting did not leave a second one behind.
    expect(await listenerCount()).toBe(2);
    // What it missed while deaf stays missed only in its cache, never in its answers.
    expect(await me(b, cached.token)).toEqual({ status: 401, code: 'token_revoked' });

    // The cache is trusted again: a fresh token used on B is answered from B's memory. To show
    // that, cut B off its store (no new connections, and every pool connection of the database
    // terminated; the listeners stay): the cached token still works, and a token B has never seen
    // fails closed with 503.
    const fresh = await createOnA();
    const unseen = await createOnA();
    expect(await me(b, fresh.token)).toEqual({ status: 200, code: undefined });
    await allowConnections(false);
    await admin.query(
      `select pg_terminate_backend(pid, 5000) from pg_stat_activity
        where application_name <> 'latchkey-listen' and datname = $1`,
      [dbName],
    );
    expect(await me(b, fresh.token)).toEqual({ status: 200, code: undefined });
    expect(await me(b, unseen.token)).toEqual({ status: 503, code: 'store_unavailable' });
    expect(await channelUp(b)).toBe(1);
    await allowConnections(true);

    const watched = await revokeAndWatch(fresh);
    expect(watched.answer, JSON.stringify(watched)).toEqual({ status: 401, code: 'token_revoked' });
    expect(watched.lagMs, JSON.stringify(watched)).toBeLessThanOrEqual(REVOCATION_BOUND_MS);
  }, 60_000);
});
