import { createHmac } from 'node:crypto';

/**
 * `Latchkey-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` (SPEC §8), the one
 * scheme of everything Latchkey sends out signed (audit webhooks, provisioning calls). The
 * timestamp is signed with the body so a receiver can refuse old replays.
 *
 * Several secrets give several `v1=` entries, newest first: during a secret rotation's overlap
 * window a receiver still holding the old secret keeps accepting deliveries, and one that already
 * has the new secret accepts them too (it checks each `v1`).
 */
export function latchkeySignature(
  secret: string | readonly string[],
  body: string,
  at: Date = new Date(),
): string {
  const t = Math.floor(at.getTime() / 1000);
  const secrets = typeof secret === 'string' ? [secret] : secret;
  const v1 = secrets.map((s) => `v1=${createHmac('sha256', s).update(`${t}.${body}`).digest('hex')}`);
  return `t=${t},${v1.join(',')}`;
}
