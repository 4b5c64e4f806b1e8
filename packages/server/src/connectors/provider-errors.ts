import * as oidc from 'openid-client';
import { ConnectorError, type ConnectorFailure } from './connector.js';

/** RFC 6749 §5.2 / §4.1.2.1 codes that mean "ask the user again", not "try later". */
const permanent: Readonly<Record<string, ConnectorFailure>> = {
  invalid_grant: 'invalid_grant',
  invalid_client: 'invalid_client',
  unauthorized_client: 'invalid_client',
  access_denied: 'access_denied',
  // Matrix client-server API §Standard error response: a login or refresh token that is not (or
  // no longer) valid.
  M_FORBIDDEN: 'invalid_grant',
  M_UNKNOWN_TOKEN: 'invalid_grant',
  M_USER_DEACTIVATED: 'invalid_grant',
};

/** Transient HTTP statuses: server trouble and rate limiting (RFC 6585 §4). */
function transientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

function isNetworkError(err: unknown): boolean {
  if (err instanceof TypeError) return true;
  return err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
}

/**
 * Maps whatever a provider call threw onto a ConnectorError. The message is ours: a provider's
 * `error_description` or a driver message never reaches a client (STYLE: no leaking internals).
 */
export function toConnectorError(err: unknown, doing: string): ConnectorError {
  if (err instanceof ConnectorError) return err;
  if (err instanceof oidc.ResponseBodyError) {
    const failure = permanent[err.error] ?? (transientStatus(err.status) ? 'unavailable' : 'protocol');
    return new ConnectorError(failure, `the provider refused ${doing} (${err.error.slice(0, 64)})`, {
      providerCode: err.error,
      cause: err,
    });
  }
  if (err instanceof oidc.AuthorizationResponseError) {
    return new ConnectorError(
      permanent[err.error] ?? 'protocol',
      `the provider refused ${doing} (${err.error.slice(0, 64)})`,
      { providerCode: err.error, cause: err },
    );
  }
  if (isNetworkError(err)) {
    return new ConnectorError('unavailable', `the provider cannot be reached for ${doing}`, { cause: err });
  }
  if (err instanceof Error && err.cause instanceof Response && transientStatus(err.cause.status)) {
    return new ConnectorError('unavailable', `the provider failed ${doing} (HTTP ${err.cause.status})`, {
      cause: err,
    });
  }
  return new ConnectorError('protocol', `the provider's answer to ${doing} is not valid`, { cause: err });
}

/** Reads a JSON answer of a hand-written provider call (RFC 7591, Matrix), classifying failures. */
export async function readProviderJson(res: Response, doing: string): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch (cause) {
    if (transientStatus(res.status))
      throw new ConnectorError('unavailable', `the provider failed ${doing} (HTTP ${res.status})`, { cause });
    throw new ConnectorError('protocol', `the provider's answer to ${doing} is not JSON`, { cause });
  }
  const record =
    body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  if (res.ok) return record;
  // Matrix puts its code in `errcode` and a human sentence in `error`; OAuth the code in `error`.
  const code =
    typeof record.errcode === 'string'
      ? record.errcode
      : typeof record.error === 'string'
        ? record.error
        : undefined;
  const failure = transientStatus(res.status)
    ? 'unavailable'
    : ((code !== undefined ? permanent[code] : undefined) ?? 'protocol');
  throw new ConnectorError(
    failure,
    `the provider refused ${doing} (HTTP ${res.status}${code ? `, ${code.slice(0, 64)}` : ''})`,
    {
      providerCode: code,
    },
  );
}

/** fetch with a timeout, mapping network failures onto `unavailable`. */
export async function providerFetch(url: string, init: RequestInit, doing: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  } catch (cause) {
    throw new ConnectorError('unavailable', `the provider cannot be reached for ${doing}`, { cause });
  }
}
