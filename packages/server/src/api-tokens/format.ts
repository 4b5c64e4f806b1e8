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

/**
 * Whether the last 6 characters of `token` are the base62 CRC32 of the rest, without building
 * the expected string: a CRC32 is < 2^32 < 62^6, so plain number arithmetic is exact. The check
 * runs on every proxied request; the checksum is not a secret (anyone can compute it), so an
 * early exit leaks nothing.
 */
function checksumMatches(token: string): boolean {
  let v = crc32(token.slice(0, TOKEN_LENGTH - CHECKSUM_LENGTH));
  for (let i = TOKEN_LENGTH - 1; i >= TOKEN_LENGTH - CHECKSUM_LENGTH; i--) {
    const digit = v % 62;
    if (token.charCodeAt(i) !== ALPHABET.charCodeAt(digit)) return false;
    v = (v - digit) / 62;
  }
  return true;
}

/** A new secret token. 62^43 > 2^256, so every 256-bit value has a distinct 43-character body. */
export function generateApiToken(): string {
  const body = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), BODY_LENGTH);
  const head = TOKEN_PREFIX + body;
  return head + checksumOf(head);
}

/** Offline check: right prefix, length, alphabet and checksum. No I/O. */
export function isWellFormedApiToken(token: string): boolean {
  return token.length === TOKEN_LENGTH && SHAPE.test(token) && checksumMatches(token);
}

/** What lists show of a token: `lk_AbCd…wxyz` (never enough to use it). */
export function tokenHint(token: string): { prefix: string; last4: string } {
  return { prefix: token.slice(0, 7), last4: token.slice(-4) };
}
