import * as oidc from 'openid-client';

/** First pause after a transient refresh failure, and the longest one. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 15 * 60_000;
/** A provider's `Retry-After` is honoured up to this long; beyond, it is likely a mistake. */
const RETRY_AFTER_MAX_MS = 6 * 3_600_000;

/**
 * How long a connection cools down after its `failures`-th consecutive transient failure:
 * exponential with "equal jitter" (half fixed, half random), so replicas and connections that
 * failed together do not come back together; never shorter than the provider's `Retry-After`
 * (RFC 9110 §10.2.3), which a 429 or 503 may carry.
 */
export function backoffMs(failures: number, retryAfterMs: number | undefined, random: () => number): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_MAX_MS));
}

/** RFC 9110 §10.2.3: delay-seconds or an HTTP-date. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
}

/**
 * The `Retry-After` of the provider answer behind a connector failure, when there was one:
 * openid-client keeps the response on its errors, hand-written calls put it in `cause`.
 */
export function retryAfterOf(err: unknown, now: Date): number | undefined {
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    if (e instanceof Response) return parseRetryAfter(e.headers.get('retry-after'), now);
    if (e instanceof oidc.ResponseBodyError)
      return parseRetryAfter(e.response.headers.get('retry-after'), now);
    e = e instanceof Error ? e.cause : undefined;
  }
  return undefined;
}
