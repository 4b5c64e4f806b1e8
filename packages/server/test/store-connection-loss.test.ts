import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/db.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './helpers/postgres.js';

warnPostgresTierSkipped();

describe.skipIf(postgresUrl === undefined)('a PostgreSQL connection lost while in use', () => {
  let db: { url: string; drop: () => Promise<void> };
  let store: Store;

  beforeAll(async () => {
    db = await createTempDatabase();
    store = await openStore({ url: db.url, poolSize: 2 });
  });
  afterAll(async () => {
    await store.close();
    await db.drop();
  });

  // What broke: a checked-out pool client whose backend was terminated emitted an unheard 'error'
  // event, and the whole replica process exited (found by the two-replica revocation test).
  it('fails the work that used it, not the process; the pool serves again', async () => {
    const outcome = await store.withClient(async (client) => {
      await client.query(`set application_name = 'latchkey-held'`);
      const admin = new pg.Client({ connectionString: db.url });
      await admin.connect();
      try {
        const r = await admin.query<{ gone: boolean }>(
          `select pg_terminate_backend(pid, 5000) as gone from pg_stat_activity
            where application_name = 'latchkey-held'`,
        );
        expect(r.rows).toEqual([{ gone: true }]);
      } finally {
        await admin.end();
      }
      // Give the socket's error a turn of the event loop to arrive while the client is held.
      await new Promise((r) => setTimeout(r, 100));
      return client.query('select 1').then(
        () => 'answered',
        () => 'failed',
      );
    });
    expect(outcome).toBe('failed');
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
