import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the console: packages/web/dist, from src/ and dist/ alike. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface ConsoleAsset {
  body: Buffer;
  type: string;
}

export interface ConsoleBundle {
  index: Buffer;
  /** Hashed files under /assets/, by file name. */
  assets: ReadonlyMap<string, ConsoleAsset>;
}

/**
 * Loads the built console once at start. Only the files found here are ever served, by exact
 * name, so no request path reaches the file system (no traversal to worry about).
 */
export function loadConsoleBundle(dir: string = DEFAULT_CONSOLE_DIR): ConsoleBundle | undefined {
  const indexPath = join(dir, 'index.html');
  if (!existsSync(indexPath)) return undefined;
  const assets = new Map<string, ConsoleAsset>();
  const assetDir = join(dir, 'assets');
  if (existsSync(assetDir)) {
    for (const name of readdirSync(assetDir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined) assets.set(name, { body: readFileSync(join(assetDir, name)), type });
    }
  }
  return { index: readFileSync(indexPath), assets };
}
