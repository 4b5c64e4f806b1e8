import { latchkeySignature } from '../../crypto/latchkey-signature.js';

/** The signature of an outgoing audit webhook delivery (SPEC §8). */
export function signDelivery(secret: string, body: string, now: Date = new Date()): string {
  return latchkeySignature(secret, body, now);
}
