import { openStore, type Store } from '../../src/store/db.js';
import { createTempDatabase, postgresUrl, warnPostgresTierSkipped } from './postgres.js';

/** One store implementation the same suite runs against. */
export interface StoreTier {
  name: 'pglite' | 'postgres';
  /** False when the tier cannot run here (PostgreSQL without LATCHKEY_TEST_DATABASE_URL). */
  available: boolean;
  /** Opens a fresh, empty store of this tier; `dispose` closes it and drops its database. */
  open(): Promise<{ store: Store; dispose: () => Promise<void> }>;
}

/** PGlite (embedded) and PostgreSQL (at LATCHKEY_TEST_DATABASE_URL): run store suites over both. */
export function storeTiers(): StoreTier[] {
  warnPostgresTierSkipped();
  return [
    {
      name: 'pglite',
      available: true,
      async open() {
        const store = await openStore({ pgliteDir: 'memory://' });
        return { store, dispose: () => store.close() };
      },
    },
    {
      name: 'postgres',
      available: postgresUrl !== undefined,
      async open() {
        const db = await createTempDatabase();
        const store = await openStore({ url: db.url, poolSize: 5 });
        return {
          store,
          dispose: async () => {
            await store.close();
            await db.drop();
          },
        };
      },
    },
  ];
}
