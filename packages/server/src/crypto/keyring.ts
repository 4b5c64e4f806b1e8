import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyringKey } from '../config/load.js';

/** Where a secret lives: bound into the ciphertext so a copy pasted into another row fails. */
export interface SecretContext {
  table: string;
  rowId: string;
  field: string;
}

export type KeyringErrorReason = 'malformed' | 'unknown_key' | 'authentication_failed';

/** A ciphertext that cannot be opened. The message never contains key material or plaintext. */
export class KeyringError extends Error {
  readonly reason: KeyringErrorReason;
  constructor(reason: KeyringErrorReason, message: string) {
    super(message);
    this.name = 'KeyringError';
    this.reason = reason;
  }
}

const VERSION = 'lk1';
const IV_BYTES = 12; // NIST SP 800-38D §8.2: 96-bit IVs for GCM
const TAG_BYTES = 16;

function aad(keyId: string, ctx: SecretContext): Buffer {
  // Length-prefixed so no two different contexts serialise to the same bytes.
  const parts = [VERSION, keyId, ctx.table, ctx.rowId, ctx.field];
  return Buffer.from(parts.map((p) => `${p.length}:${p}`).join('|'), 'utf8');
}

/**
 * AES-256-GCM with a key id in every ciphertext (`lk1.<kid>.<iv>.<ct+tag>`, base64url) and
 * associated data binding it to its table, row and field. The first key encrypts; every key
 * decrypts, so keys rotate without downtime.
 */
export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;
  readonly primaryKeyId: string;

  constructor(keys: readonly KeyringKey[]) {
    const first = keys[0];
    if (first === undefined) throw new Error('keyring needs at least one key');
    const map = new Map<string, Buffer>();
    for (const k of keys) {
      if (k.key.length !== 32) throw new Error(`key ${k.id} is not 32 bytes`);
      if (map.has(k.id)) throw new Error(`duplicate key id ${k.id}`);
      map.set(k.id, Buffer.from(k.key));
    }
    this.#keys = map;
    this.primaryKeyId = first.id;
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  encrypt(plaintext: string | Buffer, ctx: SecretContext): string {
    const key = this.#keys.get(this.primaryKeyId);
    if (key === undefined) throw new KeyringError('unknown_key', 'primary key missing');
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(this.primaryKeyId, ctx));
    const body = Buffer.concat([
      cipher.update(typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return [VERSION, this.primaryKeyId, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, ctx: SecretContext): Buffer {
    const { keyId, iv, body } = parse(ciphertext);
    const key = this.#keys.get(keyId);
    if (key === undefined) throw new KeyringError('unknown_key', `no key with id "${keyId}" in the keyring`);
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, ctx));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new KeyringError(
        'authentication_failed',
        'ciphertext does not authenticate for this row and field',
      );
    }
  }

  decryptString(ciphertext: string, ctx: SecretContext): string {
    return this.decrypt(ciphertext, ctx).toString('utf8');
  }

  /** True when the ciphertext was made with a key other than the primary one. */
  needsRotation(ciphertext: string): boolean {
    return parse(ciphertext).keyId !== this.primaryKeyId;
  }
}

/** The key id of a ciphertext, without decrypting it. */
export function keyIdOf(ciphertext: string): string {
  return parse(ciphertext).keyId;
}

function parse(ciphertext: string): { keyId: string; iv: Buffer; body: Buffer } {
  const parts = ciphertext.split('.');
  const [version, keyId, ivText, bodyText] = parts;
  if (parts.length !== 4 || version !== VERSION || !keyId || ivText === undefined || bodyText === undefined) {
    throw new KeyringError('malformed', 'not a Latchkey ciphertext');
  }
  const iv = Buffer.from(ivText, 'base64url');
  const body = Buffer.from(bodyText, 'base64url');
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES)
    throw new KeyringError('malformed', 'not a Latchkey ciphertext');
  return { keyId, iv, body };
}
