import { defineConfig } from 'vitest/config';

export const vitestConfig = defineConfig({
  resolve: { conditions: ['source'] },
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
// Vitest loads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default vitestConfig;
