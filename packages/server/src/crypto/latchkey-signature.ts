import { createHmac } from 'node:crypto';

/**
 * `Latchkey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (SPEC §8), the one
 * scheme of everything Latchkey sends out signed (audit webhooks, provisioning calls). The
 * timestamp is signed with the body so a receiver can refuse old replays.
 */
export function latchkeySignature(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return `t=${t},v1=${v1}`;
}
