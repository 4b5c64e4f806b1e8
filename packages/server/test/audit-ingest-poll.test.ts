import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PollError, pollAuthentik, pollKeycloak } from '../src/audit/ingest/poll-source.js';
import { auditSourceSchema, type PollSourceConfig } from '../src/config/audit-schema.js';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { rawRows } from '../src/store/raw-rows.js';
import { tempDataDir } from './helpers/config.js';

const TOKEN = 'poll-token';

interface FakeApi {
  url: string;
  requests: URL[];
  close: () => Promise<void>;
}

/** A real HTTP server on loopback answering like an events API; `answer` sees each request URL. */
async function fakeApi(answer: (url: URL) => { status: number; body: unknown }): Promise<FakeApi> {
  const requests: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) {
      res.writeHead(401).end();
      return;
    }
    const { status, body } = answer(url);
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/events/`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

describe('HTTP pollers with durable cursors', () => {
  const dir = tempDataDir();
  let store: Store;
  const restart = async () => {
    await store.close();
    store = await openStore({ pgliteDir: join(dir.dir, 'pg') });
  };
  const externalIds = async (source: string) =>
    (
      await rawRows<{ external_id: string }>(
        store.db,
        sql`select external_id from audit_events where source = ${source} order by seq`,
      )
    ).map((r) => r.external_id);

  beforeAll(async () => {
    store = await openStore({ pgliteDir: join(dir.dir, 'pg') });
    await runMigrations(store);
  });
  afterAll(async () => {
    await store.close();
    dir.cleanup();
  });

  describe('authentik-style: newest first, paginated, stop at the last id seen', () => {
    // The upstream's events, newest first, as authentik lists them.
    const upstream: { pk: string; action: string; created: string; user: { username: string } }[] = [];
    const add = (n: number) =>
      upstream.unshift({
        pk: `ak-${n}`,
        action: 'login',
        created: new Date(Date.UTC(2026, 2, 1, 10, n)).toISOString(),
        user: { username: `user${n}` },
      });
    let api: FakeApi;
    let source: PollSourceConfig;

    beforeAll(async () => {
      api = await fakeApi((url) => {
        const page = Number(url.searchParams.get('page'));
        const size = Number(url.searchParams.get('page_size'));
        const results = upstream.slice((page - 1) * size, page * size);
        const next = page * size < upstream.length ? page + 1 : 0;
        return { status: 200, body: { pagination: { next, current: page }, results } };
      });
      source = auditSourceSchema.parse({
        id: 'authentik',
        type: 'poll',
        style: 'authentik',
        url: api.url,
        token: TOKEN,
        pageSize: 3,
      }) as PollSourceConfig;
    });
    afterAll(() => api.close());

    it('reads every page on the first poll and stores events oldest first', async () => {
      for (let n = 1; n <= 7; n++) add(n);
      const counts = await pollAuthentik(store.db, source);
      expect(counts).toMatchObject({ received: 7, stored: 7 });
      expect(await externalIds('authentik')).toEqual([
        'ak-1',
        'ak-2',
        'ak-3',
        'ak-4',
        'ak-5',
        'ak-6',
        'ak-7',
      ]);
      expect(api.requests.every((u) => u.searchParams.get('ordering') === '-created')).toBe(true);
    });

    it('after a restart, reads only up to the last id seen', async () => {
      add(8);
      add(9);
      await restart();
      api.requests.length = 0;
      const counts = await pollAuthentik(store.db, source);
      expect(counts).toMatchObject({ received: 2, stored: 2, duplicates: 0 });
      expect(api.requests).toHaveLength(1);
      expect((await externalIds('authentik')).slice(-2)).toEqual(['ak-8', 'ak-9']);
      expect(await pollAuthentik(store.db, source)).toMatchObject({ received: 0, stored: 0 });
    });
  });

  describe('Keycloak-style: time window with overlap, content hash for events without id', () => {
    const base = Date.UTC(2026, 2, 1, 10, 0);
    const upstream: { time: number; type: string; userId: string; ipAddress: string; error?: string }[] = [];
    let api: FakeApi;
    let source: PollSourceConfig;
    let failWith = 0;

    beforeAll(async () => {
      api = await fakeApi((url) => {
        if (failWith !== 0) return { status: failWith, body: {} };
        const from = url.searchParams.get('dateFrom');
        const first = Number(url.searchParams.get('first'));
        const max = Number(url.searchParams.get('max'));
        const list = [...upstream]
          .filter((e) => from === null || e.time >= Date.parse(`${from}T00:00:00Z`))
          .sort((a, b) => b.time - a.time);
        return { status: 200, body: list.slice(first, first + max) };
      });
      source = auditSourceSchema.parse({
        id: 'keycloak',
        type: 'poll',
        style: 'keycloak',
        url: api.url,
        token: TOKEN,
        pageSize: 2,
        overlapSeconds: 120,
      }) as PollSourceConfig;
    });
    afterAll(() => api.close());

    it('stores the window, with failures marked by their error', async () => {
      upstream.push(
        { time: base, type: 'LOGIN', userId: 'u1', ipAddress: '192.0.2.1' },
        {
          time: base + 1000,
          type: 'LOGIN_ERROR',
          userId: 'u2',
          ipAddress: '192.0.2.2',
          error: 'invalid_user_credentials',
        },
        { time: base + 2000, type: 'LOGOUT', userId: 'u1', ipAddress: '192.0.2.1' },
      );
      const counts = await pollKeycloak(store.db, source, new Date(base + 60_000));
      expect(counts).toMatchObject({ received: 3, stored: 3 });
      const rows = await rawRows<{ action: string; outcome: string; external_id: string }>(
        store.db,
        sql`select action, outcome, external_id from audit_events where source = 'keycloak' order by seq`,
      );
      expect(rows.map((r) => [r.action, r.outcome])).toEqual([
        ['keycloak.LOGIN', 'success'],
        ['keycloak.LOGIN_ERROR', 'failure'],
        ['keycloak.LOGOUT', 'success'],
      ]);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.external_id))).toBe(true);
    });

    it('picks up a late event inside the overlap after a restart, storing the overlap once', async () => {
      // Committed upstream late: older than the newest event already read, but within the overlap.
      upstream.push({ time: base + 1500, type: 'CODE_TO_TOKEN', userId: 'u3', ipAddress: '192.0.2.3' });
      upstream.push({ time: base + 90_000, type: 'LOGIN', userId: 'u4', ipAddress: '192.0.2.4' });
      await restart();
      const counts = await pollKeycloak(store.db, source, new Date(base + 120_000));
      expect(counts).toMatchObject({ received: 5, stored: 2, duplicates: 3 });
      expect(await externalIds('keycloak')).toHaveLength(5);
    });

    it('reports an unreachable or refusing API as retryable or not', async () => {
      failWith = 503;
      await expect(pollKeycloak(store.db, source)).rejects.toMatchObject({ retryable: true });
      failWith = 403;
      const err: unknown = await pollKeycloak(store.db, source).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PollError);
      expect((err as PollError).retryable).toBe(false);
      failWith = 0;
      expect(await externalIds('keycloak')).toHaveLength(5);
    });
  });
});
