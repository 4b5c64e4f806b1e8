import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL the PostgreSQL tier runs against; unset → that tier does not run (and says so). */
export const postgresUrl = process.env.LATCHKEY_TEST_DATABASE_URL;

let warned = false;
/** Prints, once per file, that the PostgreSQL tier was not run. */
export function warnPostgresTierSkipped(): void {
  if (postgresUrl !== undefined || warned) return;
  warned = true;
  process.stderr.write(
    '\n*** LATCHKEY_TEST_DATABASE_URL is not set: the PostgreSQL tier of this file DID NOT RUN ***\n\n',
  );
}

/**
 * A database of its own for one test file (created now, dropped by `drop`), so files run in
 * parallel and a rerun starts clean.
 */
export async function createTempDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (postgresUrl === undefined) throw new Error('LATCHKEY_TEST_DATABASE_URL is not set');
  const name = `lk_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}
