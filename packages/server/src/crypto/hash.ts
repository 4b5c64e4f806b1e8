import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string | Buffer): string {
  return createHash('sha256').update(value).digest('hex');
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
