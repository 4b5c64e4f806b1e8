import type { ErrorCode } from './generated/error-codes.js';

/** One bad field of a `validation_failed` problem. */
export interface FieldError {
  path: string;
  message: string;
}

/**
 * `code` of a {@link LatchkeyError}: one of the server's error codes, or `unexpected_response`
 * when something answered that is not a Latchkey problem document (a load balancer's HTML page).
 */
export type LatchkeyErrorCode = ErrorCode | 'unexpected_response';

/** The members of an RFC 9457 problem document as Latchkey sends it. */
export interface ProblemFields {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: LatchkeyErrorCode;
  requestId?: string;
  errors?: FieldError[];
  /** Every other member the server added (e.g. `authorizationUrl`, `retryAfter`). */
  extra: Readonly<Record<string, unknown>>;
}

/**
 * A problem answered by Latchkey (RFC 9457 `application/problem+json`). `code` is a union, so a
 * `switch` over it is checked by the compiler.
 *
 * @example
 * try {
 *   await lk.tokens.revoke('tok_123');
 * } catch (err) {
 *   if (err instanceof LatchkeyError && err.code === 'not_found') console.log('already gone');
 *   else throw err;
 * }
 */
export class LatchkeyError extends Error implements ProblemFields {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly code: LatchkeyErrorCode;
  readonly requestId?: string;
  readonly errors?: FieldError[];
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(problem: ProblemFields) {
    super(problem.detail ?? problem.title);
    this.name = 'LatchkeyError';
    this.type = problem.type;
    this.title = problem.title;
    this.status = problem.status;
    this.code = problem.code;
    this.extra = problem.extra;
    if (problem.detail !== undefined) this.detail = problem.detail;
    if (problem.requestId !== undefined) this.requestId = problem.requestId;
    if (problem.errors !== undefined) this.errors = problem.errors;
  }
}

/**
 * The service is not connected yet, or its connection needs a new consent (SPEC §4.2): send the
 * user to `authorizationUrl`, then retry. Thrown by the proxy, by `exchange` and by `connect`.
 *
 * @example
 * try {
 *   await lk.proxyFetch('files', '/remote.php/dav/files/alice/');
 * } catch (err) {
 *   if (err instanceof ConsentRequiredError) window.location.assign(err.authorizationUrl);
 *   else throw err;
 * }
 */
export class ConsentRequiredError extends LatchkeyError {
  /** Where the user consents at the provider (open it in a browser). */
  readonly authorizationUrl: string;
  constructor(problem: ProblemFields, authorizationUrl: string) {
    super(problem);
    this.name = 'ConsentRequiredError';
    this.authorizationUrl = authorizationUrl;
  }
}

/** RFC 6749 §5.2 error codes of the token endpoint. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_target'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'temporarily_unavailable'
  | 'server_error';

/**
 * A token exchange refused with an RFC 6749 §5.2 error (other than a consent, which is a
 * {@link ConsentRequiredError}).
 *
 * @example
 * try {
 *   await lk.exchange('mail');
 * } catch (err) {
 *   if (err instanceof ExchangeError && err.error === 'invalid_target') console.log('no such service');
 * }
 */
export class ExchangeError extends Error {
  /** The RFC 6749 `error` code. */
  readonly error: OAuthErrorCode | 'unexpected_response';
  /** HTTP status of the answer. */
  readonly status: number;
  constructor(error: OAuthErrorCode | 'unexpected_response', description: string, status: number) {
    super(description);
    this.name = 'ExchangeError';
    this.error = error;
    this.status = status;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const KNOWN = new Set(['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors', 'instance']);

function fieldErrors(value: unknown): FieldError[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isRecord).map((e) => ({ path: String(e.path), message: String(e.message) }));
}

/**
 * Whether a response carries a problem document (RFC 9457 §3).
 *
 * @example
 * if (!res.ok && isProblemResponse(res)) throw await errorFromResponse(res);
 */
export function isProblemResponse(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').toLowerCase().startsWith('application/problem+json');
}

/**
 * The typed error for a failed response: a {@link ConsentRequiredError} when the problem carries
 * an `authorizationUrl`, else a {@link LatchkeyError}. Reads the body.
 *
 * @example
 * const res = await fetch(`${baseUrl}/api/v1/me`);
 * if (!res.ok) throw await errorFromResponse(res);
 */
export async function errorFromResponse(response: Response): Promise<LatchkeyError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const requestId = response.headers.get('x-request-id') ?? undefined;
  if (!isRecord(body) || typeof body.code !== 'string') {
    return new LatchkeyError({
      type: 'about:blank',
      title: response.statusText || 'Unexpected response',
      status: response.status,
      detail: `HTTP ${String(response.status)} without a Latchkey problem document`,
      code: 'unexpected_response',
      ...(requestId === undefined ? {} : { requestId }),
      extra: {},
    });
  }
  const extra = Object.fromEntries(Object.entries(body).filter(([key]) => !KNOWN.has(key)));
  const errors = fieldErrors(body.errors);
  const detail = typeof body.detail === 'string' ? body.detail : undefined;
  const id = typeof body.requestId === 'string' ? body.requestId : requestId;
  const problem: ProblemFields = {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : response.statusText,
    status: typeof body.status === 'number' ? body.status : response.status,
    // The server only sends codes of its catalogue; the SDK trusts it like any typed client.
    code: body.code as LatchkeyErrorCode,
    extra,
    ...(detail === undefined ? {} : { detail }),
    ...(id === undefined ? {} : { requestId: id }),
    ...(errors === undefined ? {} : { errors }),
  };
  const url = body.authorizationUrl;
  if (typeof url === 'string') return new ConsentRequiredError(problem, url);
  return new LatchkeyError(problem);
}
