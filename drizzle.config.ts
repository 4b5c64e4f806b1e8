import { defineConfig } from 'drizzle-kit';

// Generates the committed SQL migrations from the one schema (`npm run db:generate`).
// eslint-disable-next-line no-restricted-syntax
export default defineConfig({
  dialect: 'postgresql',
  schema: './packages/server/src/store/schema.ts',
  out: './packages/server/migrations',
});
