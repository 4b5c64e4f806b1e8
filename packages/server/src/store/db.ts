import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { schema, type Schema } from './schema/index.js';
import { extractSeed } from './seed-archive.js';

/** The typed query layer, the same for PostgreSQL and PGlite. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction; store functions accept either (`Executor`) so callers decide the boundary. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

/** A raw SQL connection held for a while (migrations under an advisory lock, LISTEN). */
export interface RawClient {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- callers name the row shape
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface Store {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** Runs `fn` on one dedicated connection (PGlite has only one). */
  withClient<T>(fn: (client: RawClient) => Promise<T>): Promise<T>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  /**
   * LISTENs on `channel` over a connection of its own. `onState(false)` when that connection is
   * lost (it reconnects with backoff), `onState(true)` once listening again. Returns the stopper.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onState: (up: boolean) => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** postgres:// URL; absent → PGlite. */
  url?: string | undefined;
  /** PGlite data directory, or `memory://` for an in-memory store. */
  pgliteDir?: string;
  poolSize?: number;
}

/** Opens the production PostgreSQL store or the embedded PGlite one. */
/** Writes the embedded seed: an empty PGlite with every migration applied, gzipped. */
export async function writeEmbeddedSeed(
  file: string,
  migrate: (store: Store) => Promise<unknown>,
): Promise<void> {
  const store = await openPglite('memory://');
  try {
    await migrate(store);
    const pglite = (store as Store & { pglite?: PGlite }).pglite;
    if (pglite === undefined) throw new Error('not a PGlite store');
    const blob = await pglite.dumpDataDir('gzip');
    writeFileSync(file, Buffer.from(await blob.arrayBuffer()));
  } finally {
    await store.close();
  }
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.url !== undefined) return openPostgres(options.url, options.poolSize ?? 10);
  return openPglite(options.pgliteDir ?? 'memory://');
}

const LISTEN_PING_MS = 5_000;

/** A dedicated LISTEN connection that reconnects, and says when it is down. */
function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  onState: (up: boolean) => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  let ping: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let backoff = 100;

  const lost = () => {
    if (ping !== undefined) clearInterval(ping);
    const dead = client;
    client = undefined;
    dead?.removeAllListeners();
    dead?.on('error', () => undefined);
    void dead?.end().catch(() => undefined);
    if (stopped) return;
    onState(false);
    retry = setTimeout(() => void connect(), backoff);
    backoff = Math.min(backoff * 2, 5_000);
  };

  const connect = async (): Promise<void> => {
    const c = new pg.Client({
      connectionString: url,
      application_name: 'latchkey-listen',
      connectionTimeoutMillis: 5_000,
    });
    c.on('error', lost);
    c.on('end', lost);
    c.on('notification', (n) => {
      if (n.channel === channel) onMessage(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
    } catch {
      client = c;
      lost();
      return;
    }
    if (stopped) {
      await c.end();
      return;
    }
    client = c;
    backoff = 100;
    // A silently dead TCP connection emits nothing: a periodic round trip notices it.
    ping = setInterval(() => {
      c.query('select 1').catch(() => {
        if (client === c) lost();
      });
    }, LISTEN_PING_MS);
    ping.unref();
    onState(true);
  };

  return connect().then(() => async () => {
    stopped = true;
    if (retry !== undefined) clearTimeout(retry);
    if (ping !== undefined) clearInterval(ping);
    const c = client;
    client = undefined;
    c?.removeAllListeners();
    c?.on('error', () => undefined);
    await c?.end().catch(() => undefined);
  });
}

function openPostgres(url: string, poolSize: number): Store {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 5_000 });
  // An idle client that dies (server restart) emits here; without a listener the process would crash.
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener: when its connection dies (failover, restart, an
  // administrator's pg_terminate_backend) it emits 'error', which unheard would crash the process.
  // The same error already fails its pending query, and the pool discards the client on release.
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async withClient(fn) {
      const client = await pool.connect();
      try {
        return await fn(client);
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    listen: (channel, onMessage, onState) => listenPostgres(url, channel, onMessage, onState),
    async close() {
      await pool.end();
    },
  };
}

/*
 * The embedded store serves one process with a handful of connections' worth of work: small
 * buffers keep its resident memory near 150 MB instead of PostgreSQL's server defaults.
 */
const pgliteConf = [
  'shared_buffers=8MB',
  'wal_buffers=512kB',
  'temp_buffers=1MB',
  'work_mem=4MB',
  'maintenance_work_mem=16MB',
];

/** A pre-initialised, migrated data directory made at build time (`npm run build`). */
export const embeddedSeedFile = fileURLToPath(new URL('../../embedded-seed.tar.gz', import.meta.url));

async function openPglite(dir: string): Promise<Store> {
  const fresh = !dir.startsWith('memory://') && !existsSync(join(dir, 'PG_VERSION'));
  if (fresh && existsSync(embeddedSeedFile)) {
    // initdb inside WebAssembly costs ~4 s and ~700 MB at its peak; unpacking the seed, ~0.1 s.
    extractSeed(readFileSync(embeddedSeedFile), dir);
  }
  const client = await PGlite.create(dir, { postgresqlconf: pgliteConf });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const raw: RawClient = {
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- see RawClient
    query: async <R>(text: string, params?: unknown[]) => {
      const r = await client.query<R>(text, params);
      return { rows: r.rows };
    },
  };
  const store: Store & { pglite: PGlite } = {
    kind: 'pglite',
    pglite: client,
    db,
    withClient: (fn) => fn(raw),
    async ping() {
      await client.query('select 1');
    },
    async listen(channel, onMessage, onState) {
      // In-process: the channel cannot be lost while the store is open.
      const unlisten = await client.listen(channel, onMessage);
      onState(true);
      return async () => {
        if (!client.closed) await unlisten();
      };
    },
    async close() {
      if (!client.closed) await client.close();
    },
  };
  return store;
}
