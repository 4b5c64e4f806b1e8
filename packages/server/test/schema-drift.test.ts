import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { schema } from '../src/store/schema/index.js';

/** Spelling differences between a declared type and what PostgreSQL reports for it. */
function normaliseType(type: string): string {
  const t = type.toLowerCase().replace(/\s+/g, '');
  if (t === 'bigserial') return 'bigint';
  if (t === 'serial') return 'integer';
  return t;
}

interface ColumnInfo {
  table_name: string;
  column_name: string;
  type: string;
  not_null: boolean;
}

describe('the SQL migrations build exactly the declared schema', () => {
  let store: Store;
  const tables = Object.values(schema).map((t) => getTableConfig(t as PgTable));

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    await runMigrations(store);
  });
  afterAll(async () => {
    await store.close();
  });

  it('creates every declared table and no other', async () => {
    const rows = await store.withClient((c) =>
      c.query<{ tablename: string }>(
        `select tablename from pg_tables where schemaname = 'public' and tablename <> 'latchkey_migrations'`,
      ),
    );
    expect(rows.rows.map((r) => r.tablename).sort()).toEqual(tables.map((t) => t.name).sort());
  });

  it('gives every table the declared columns, types and nullability', async () => {
    const rows = await store.withClient((c) =>
      c.query<ColumnInfo>(
        `select c.relname as table_name, a.attname as column_name,
                format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null
         from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped`,
      ),
    );
    for (const table of tables) {
      const actual = rows.rows
        .filter((r) => r.table_name === table.name)
        .map((r) => ({ column: r.column_name, type: normaliseType(r.type), notNull: r.not_null }))
        .sort((a, b) => a.column.localeCompare(b.column));
      const declared = table.columns
        .map((c) => ({ column: c.name, type: normaliseType(c.getSQLType()), notNull: c.notNull }))
        .sort((a, b) => a.column.localeCompare(b.column));
      expect(actual, table.name).toEqual(declared);
    }
  });

  it('creates every declared index and unique constraint', async () => {
    const rows = await store.withClient((c) =>
      c.query<{ tablename: string; indexname: string }>(
        `select tablename, indexname from pg_indexes where schemaname = 'public' and indexname not like '%_pkey'`,
      ),
    );
    for (const table of tables) {
      const actual = rows.rows
        .filter((r) => r.tablename === table.name)
        .map((r) => r.indexname)
        .sort();
      const declared = [
        ...table.indexes.map((i) => i.config.name ?? ''),
        ...table.uniqueConstraints.map((u) => u.getName()),
      ].sort();
      expect(actual, table.name).toEqual(declared);
    }
  });
});
