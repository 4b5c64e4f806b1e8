import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Prefixes of Latchkey's ids: they make logs and support tickets readable. */
export type IdPrefix =
  'ten' | 'prt' | 'usr' | 'mem' | 'evt' | 'ses' | 'lgn' | 'req' | 'tok' | 'con' | 'cau' | 'reg';

/**
 * A prefixed, time-ordered id: 9 base36 characters of milliseconds then 16 random ones, so ids
 * sort roughly by creation (keyset pagination and index locality) and cannot be guessed.
 */
export function newId(prefix: IdPrefix, now: number = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const bytes = randomBytes(16);
  let rand = '';
  for (const b of bytes) rand += alphabet.charAt(b % 36);
  return `${prefix}_${time}${rand}`;
}
