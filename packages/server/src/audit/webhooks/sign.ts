import { createHmac } from 'node:crypto';

/**
 * `Latchkey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (SPEC §8). The timestamp
 * is signed with the body so a receiver can refuse old replays.
 */
export function signDelivery(secret: string, body: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
