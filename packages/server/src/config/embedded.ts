import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyringKey } from './load.js';

/** Creates the embedded data directory, readable by its owner only. */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
}

/**
 * The embedded default keeps its generated keys in `<dataDir>/keys.json` (mode 0600), so a
 * restart can decrypt what the previous run stored. Production configures keys explicitly.
 */
export function loadOrCreateKeys(dataDir: string): KeyringKey[] {
  ensureDataDir(dataDir);
  const file = join(dataDir, 'keys.json');
  if (!existsSync(file)) {
    const id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    const body = { keys: [{ id, key: randomBytes(32).toString('base64') }] };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { keys: { id: string; key: string }[] };
  return parsed.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
}
