import { signDelivery } from './sign.js';

/** What one POST of a signed delivery came to. `error` is null exactly when it was a 2xx. */
export interface PostOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one signed JSON delivery. Redirects are not followed (a 3xx could lead past the SSRF
 * guard); the receiver's body is discarded unread; errors are named by their kind only, because
 * a receiver's message can carry anything.
 */
export async function postSigned(input: {
  url: string;
  body: string;
  secrets: readonly string[];
  deliveryId: string;
  eventType: string;
  timeoutMs: number;
}): Promise<PostOutcome> {
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await fetch(input.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Latchkey-Webhooks',
        'latchkey-delivery': input.deliveryId,
        'latchkey-event': input.eventType,
        'latchkey-signature': signDelivery(input.secrets, input.body),
      },
      body: input.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
  } catch (err) {
    error = err instanceof Error ? `request failed (${err.name})` : 'request failed';
  }
  return { statusCode, error, durationMs: Math.round(performance.now() - started) };
}
