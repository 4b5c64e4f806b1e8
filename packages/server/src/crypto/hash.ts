import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SHA-256 as lowercase hex. The one-shot `crypto.hash` (Node ≥ 20.12) builds no Hash object:
 * about a third of `createHash(…).update(…).digest('hex')`'s time, and it runs on every proxied
 * request (the API-token cache key).
 */
export function sha256Hex(value: string | Buffer): string {
  return hash('sha256', value, 'hex');
}

/** Constant-time string comparison; unequal lengths compare a digest so timing reveals nothing. */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

/** A random secret for cookies, states and verifiers (base64url, `bytes` of entropy). */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
