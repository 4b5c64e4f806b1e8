import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { gunzipSync } from 'node:zlib';

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/**
 * Unpacks the embedded store's seed (a gzipped ustar archive of a PGlite data directory, written
 * by `dumpDataDir`) into `dir`. Only directories and regular files are expected; anything else,
 * or a path leaving `dir`, is refused.
 */
export function extractSeed(archive: Buffer, dir: string): number {
  const tar = gunzipSync(archive);
  const root = resolve(dir);
  mkdirSync(root, { recursive: true, mode: 0o700 });
  let files = 0;
  for (let offset = 0; offset + BLOCK <= tar.length;) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) break;
    const prefix = field(header, 345, 155);
    const name = prefix === '' ? field(header, 0, 100) : `${prefix}/${field(header, 0, 100)}`;
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] ?? 0);
    const target = resolve(root, `.${sep}${name.replace(/^\/+/, '')}`);
    if (target !== root && !target.startsWith(root + sep))
      throw new Error('seed entry outside the data directory');
    offset += BLOCK;
    if (type === '5') {
      mkdirSync(target, { recursive: true, mode: 0o700 });
    } else if (type === '0' || type === '\0') {
      mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
      writeFileSync(join(target), tar.subarray(offset, offset + size), { mode: 0o600 });
      files += 1;
    } else {
      throw new Error(`unsupported entry type in seed: ${type}`);
    }
    offset += Math.ceil(size / BLOCK) * BLOCK;
  }
  return files;
}
