import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/**
 * The console is built to `dist/` and served by the Latchkey server at `/`; hashed files under
 * `/assets/` are cached for a year, `index.html` never.
 */
export const viteConfig = defineConfig({
  plugins: [react()],
  base: '/',
  // The SDK is bundled from its TypeScript source, so the console never ships a stale build of it.
  resolve: { conditions: ['source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
    // No inline scripts or module-preload polyfill: the CSP allows scripts from 'self' only.
    modulePreload: { polyfill: false },
  },
});

// Vite loads the default export of its config file.
// eslint-disable-next-line no-restricted-syntax
export default viteConfig;
