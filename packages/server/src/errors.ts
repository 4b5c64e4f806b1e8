/**
 * The one error catalogue. Every problem Latchkey answers has a stable `code` listed here, with its
 * HTTP status and title. `expose` says whether the detail written at the throw site may reach the
 * client; unexposed errors become a generic 500 carrying the request id, their cause only logged.
 */
export const errorCatalogue = {
  bad_request: { status: 400, title: 'Bad request', expose: true },
  invalid_json: { status: 400, title: 'Malformed JSON body', expose: true },
  validation_failed: { status: 400, title: 'Request validation failed', expose: true },
  unauthenticated: { status: 401, title: 'Authentication required', expose: true },
  invalid_signature: { status: 401, title: 'Invalid webhook signature', expose: true },
  invalid_token: { status: 401, title: 'Invalid access token', expose: true },
  token_expired: { status: 401, title: 'Access token expired', expose: true },
  token_revoked: { status: 401, title: 'Token revoked', expose: true },
  token_owner_removed: { status: 401, title: 'Token owner removed', expose: true },
  session_expired: { status: 401, title: 'Session expired', expose: true },
  forbidden: { status: 403, title: 'Forbidden', expose: true },
  csrf_rejected: { status: 403, title: 'Cross-site request refused', expose: true },
  insufficient_scope: { status: 403, title: 'Insufficient scope', expose: true },
  api_token_not_allowed: { status: 403, title: 'API tokens cannot do this', expose: true },
  guest_cannot_create_tokens: { status: 403, title: 'Guests cannot create API tokens', expose: true },
  ip_not_allowed: { status: 403, title: 'Address not allowed for this token', expose: true },
  tenant_required: { status: 400, title: 'Tenant required', expose: true },
  tenant_suspended: { status: 403, title: 'Tenant suspended', expose: true },
  not_found: { status: 404, title: 'Not found', expose: true },
  route_not_found: { status: 404, title: 'No such route', expose: true },
  method_not_allowed: { status: 405, title: 'Method not allowed', expose: true },
  conflict: { status: 409, title: 'Conflict', expose: true },
  token_name_taken: { status: 409, title: 'Token name already in use', expose: true },
  token_already_rotated: { status: 409, title: 'Token already rotated', expose: true },
  illegal_transition: { status: 409, title: 'Status change not allowed', expose: true },
  tenant_slug_taken: { status: 409, title: 'Tenant slug already in use', expose: true },
  partner_slug_taken: { status: 409, title: 'Partner slug already in use', expose: true },
  partner_terminated: { status: 409, title: 'Partner terminated', expose: true },
  unknown_partner: { status: 400, title: 'No such partner', expose: true },
  payload_too_large: { status: 413, title: 'Request body too large', expose: true },
  unsupported_media_type: { status: 415, title: 'Unsupported content type', expose: true },
  rate_limited: { status: 429, title: 'Too many requests', expose: true },
  internal_error: { status: 500, title: 'Internal server error', expose: false },
  store_unavailable: { status: 503, title: 'Store unavailable', expose: true },
  not_ready: { status: 503, title: 'Not ready', expose: true },
  idp_unavailable: { status: 503, title: 'Identity provider unavailable', expose: true },
  login_failed: { status: 400, title: 'Sign-in failed', expose: true },
  dev_mode_disabled: { status: 404, title: 'Development mode is off', expose: true },
  unknown_service: { status: 404, title: 'No such service', expose: true },
  connection_needs_consent: { status: 409, title: 'The connection needs a new consent', expose: true },
  connection_required: { status: 409, title: 'Connect this service first', expose: true },
  upstream_unavailable: { status: 502, title: 'The service did not answer', expose: true },
  upstream_timeout: { status: 504, title: 'The service took too long to answer', expose: true },
  provider_error: { status: 502, title: 'The service provider refused the request', expose: true },
  provider_unavailable: { status: 503, title: 'The service provider cannot be reached', expose: true },
} as const satisfies Record<string, { status: number; title: string; expose: boolean }>;

/** Every stable error code, as a union so SDK users can `switch (err.code)`. */
export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** One bad field of a request, named by its path (`body.services.0`). */
export interface FieldError {
  path: string;
  message: string;
}

/** An error whose code is in the catalogue. Throw it from domain code; routes turn it into a problem. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: readonly FieldError[] | undefined;
  readonly extra: Readonly<Record<string, unknown>> | undefined;
  readonly headers: Readonly<Record<string, string>> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: {
      fields?: readonly FieldError[];
      extra?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(detail ?? errorCatalogue[code].title, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fields = options.fields;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/** RFC 9457 problem details, with Latchkey's `code` and optional field errors. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** Builds the client-facing problem for an error code; unexposed codes never carry the detail. */
export function toProblem(
  code: ErrorCode,
  detail: string | undefined,
  requestId: string,
  fields?: readonly FieldError[],
  extra?: Readonly<Record<string, unknown>>,
): Problem {
  const entry = errorCatalogue[code];
  const problem: Problem = {
    ...extra,
    type: `https://latchkey.dev/problems/${code.replaceAll('_', '-')}`,
    title: entry.title,
    status: entry.status,
    detail: entry.expose && detail !== undefined ? detail : `${entry.title} (request ${requestId})`,
    code,
    requestId,
  };
  if (fields && fields.length > 0) problem.errors = [...fields];
  return problem;
}
