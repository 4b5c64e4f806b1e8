import { latchkeySignature } from '../../crypto/latchkey-signature.js';

/** The signature of an outgoing audit webhook delivery (SPEC §8): current secret first. */
export function signDelivery(secrets: readonly string[], body: string, now: Date = new Date()): string {
  return latchkeySignature(secrets, body, now);
}
