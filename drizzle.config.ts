import { defineConfig } from 'drizzle-kit';

// Drafts SQL for a schema change (`npx drizzle-kit generate`) into a scratch folder; copy the new
// statements into the next packages/server/migrations/NNNN_name.sql by hand.
// eslint-disable-next-line no-restricted-syntax
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/server/src/store/schema/index.ts',
  out: './.drizzle-draft',
});
