import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WebhookSourceConfig } from '../../config/audit-schema.js';

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** The header and encoding a source's signature uses, after its preset. */
export function signatureSettings(source: WebhookSourceConfig): {
  header: string;
  encoding: 'hex' | 'base64' | 'base64url';
} {
  const stalwart = source.signature.preset === 'stalwart';
  return {
    header: (source.signature.header ?? (stalwart ? 'X-Signature' : 'X-Latchkey-Signature')).toLowerCase(),
    encoding: source.signature.encoding ?? (stalwart ? 'base64' : 'hex'),
  };
}

function decode(value: string, encoding: 'hex' | 'base64' | 'base64url'): Buffer | null {
  const pattern =
    encoding === 'hex'
      ? /^[0-9a-fA-F]+$/
      : encoding === 'base64'
        ? /^[A-Za-z0-9+/]+={0,2}$/
        : /^[A-Za-z0-9_-]+$/;
  return pattern.test(value) ? Buffer.from(value, encoding) : null;
}

/**
 * Checks an ingest webhook: HMAC-SHA256 of the raw body (or of `{timestamp}.{body}` when the
 * source sends a timestamp header) with the source's secret, compared in constant time; the
 * timestamp, when configured, must be within the tolerance (against replays of old deliveries).
 */
export function verifySignature(
  source: WebhookSourceConfig,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  now: Date = new Date(),
): SignatureCheck {
  const { header, encoding } = signatureSettings(source);
  const given = headers[header];
  if (typeof given !== 'string' || given === '')
    return { ok: false, reason: `the ${header} header is missing` };
  const prefix = source.signature.prefix;
  if (!given.startsWith(prefix)) return { ok: false, reason: 'the signature does not verify' };

  const mac = createHmac('sha256', source.secret);
  const tsHeader = source.signature.timestampHeader?.toLowerCase();
  if (tsHeader !== undefined) {
    const ts = headers[tsHeader];
    if (typeof ts !== 'string' || !/^\d{1,12}$/.test(ts))
      return { ok: false, reason: `the ${tsHeader} header is missing` };
    if (Math.abs(now.getTime() / 1000 - Number(ts)) > source.signature.toleranceSeconds) {
      return { ok: false, reason: 'the timestamp is outside the tolerance' };
    }
    mac.update(`${ts}.`);
  }
  const expected = mac.update(body).digest();
  const presented = decode(given.slice(prefix.length).trim(), encoding);
  if (presented === null || presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return { ok: false, reason: 'the signature does not verify' };
  }
  return { ok: true };
}
