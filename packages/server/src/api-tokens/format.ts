import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/*
 * API token format (SPEC §5): `lk_` + 43 base62 characters (256 random bits) + 6 base62 characters
 * of the CRC32 of everything before them. The prefix lets secret scanners find leaked tokens; the
 * checksum rejects typos and garbage before any cache or database work.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const TOKEN_PREFIX = 'lk_';
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
export const TOKEN_LENGTH = TOKEN_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;
const SHAPE = /^lk_[0-9A-Za-z]{49}$/;

function toBase62(value: bigint, length: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < length; i++) {
    out = ALPHABET.charAt(Number(v % 62n)) + out;
    v /= 62n;
  }
  return out;
}

function checksumOf(head: string): string {
  return toBase62(BigInt(crc32(head)), CHECKSUM_LENGTH);
}

/** A new secret token. 62^43 > 2^256, so every 256-bit value has a distinct 43-character body. */
export function generateApiToken(): string {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  const head = TOKEN_PREFIX + body;
  return head + checksumOf(head);
}

/** Offline check: right prefix, length, alphabet and checksum. No I/O. */
export function isWellFormedApiToken(token: string): boolean {
  if (token.length !== TOKEN_LENGTH || !SHAPE.test(token)) return false;
  const head = token.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH);
  return checksumOf(head) === token.slice(TOKEN_LENGTH - CHECKSUM_LENGTH);
}

/** What lists show of a token: `lk_AbCd…wxyz` (never enough to use it). */
export function tokenHint(token: string): { prefix: string; last4: string } {
  return { prefix: token.slice(0, 7), last4: token.slice(-4) };
}
