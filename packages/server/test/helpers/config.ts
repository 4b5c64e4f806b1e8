import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConfig, type Config } from '../../src/config/load.js';
import type { ConfigInput } from '../../src/config/schema.js';

/** A fresh temporary data directory, removed by the returned cleanup. */
export function tempDataDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A test configuration: development mode on, silent logs, its own data dir, listening on a free
 * port when started. `input` is merged over it (shallowly per top-level key).
 */
export function testConfig(
  dataDir: string,
  input: Partial<ConfigInput> = {},
  env: Record<string, string> = {},
): Config {
  return createConfig(
    {
      dataDir,
      log: { level: 'silent' },
      ...input,
      server: { host: '127.0.0.1', port: 0, ...input.server },
    },
    env,
  );
}
