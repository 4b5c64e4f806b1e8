import { chmodSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateKeys } from '../src/config/embedded.js';
import { Keyring } from '../src/crypto/keyring.js';
import { tempDataDir } from './helpers/config.js';

const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('embedded default keeps its generated keys private and stable', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  function dataDir(): string {
    const data = tempDataDir();
    cleanups.push(data.cleanup);
    // A directory that does not exist yet, as on a first `latchkey serve`.
    return join(data.dir, 'nested', '.latchkey');
  }

  it('creates keys.json readable by its owner only, in a directory only its owner can enter', () => {
    const dir = dataDir();
    const keys = loadOrCreateKeys(dir);

    const file = join(dir, 'keys.json');
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.id).toMatch(/^k\d{8}$/);
    expect(keys[0]!.key).toHaveLength(32);
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { keys: { id: string; key: string }[] };
    expect(onDisk.keys).toEqual([{ id: keys[0]!.id, key: keys[0]!.key.toString('base64') }]);
  });

  it('returns the same keys on the next start, so what was stored still decrypts', () => {
    const dir = dataDir();
    const first = loadOrCreateKeys(dir);
    const sealed = new Keyring(first).encrypt('verifier', { table: 't', rowId: 'r', field: 'f' });

    const second = loadOrCreateKeys(dir);

    expect(second).toEqual(first);
    expect(new Keyring(second).decryptString(sealed, { table: 't', rowId: 'r', field: 'f' })).toBe(
      'verifier',
    );
  });

  it('generates different keys for different data directories', () => {
    const a = loadOrCreateKeys(dataDir());
    const b = loadOrCreateKeys(dataDir());
    expect(a[0]!.key.equals(b[0]!.key)).toBe(false);
  });

  it('tightens keys.json back to 0600 when its mode was loosened', () => {
    const dir = dataDir();
    const first = loadOrCreateKeys(dir);
    chmodSync(join(dir, 'keys.json'), 0o644);

    expect(loadOrCreateKeys(dir)).toEqual(first);
    expect(modeOf(join(dir, 'keys.json'))).toBe(0o600);
  });
});
