/*
 * Generated from packages/server/src/errors.ts by `npm run gen` (scripts/generate-sdk.ts). Do not edit by hand.
 */

/** Every `code` a Latchkey problem response can carry: `switch (err.code)` is exhaustive. */
export type ErrorCode =
  | 'bad_request'
  | 'invalid_json'
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_signature'
  | 'invalid_token'
  | 'token_expired'
  | 'token_revoked'
  | 'token_owner_removed'
  | 'session_expired'
  | 'forbidden'
  | 'csrf_rejected'
  | 'insufficient_scope'
  | 'api_token_not_allowed'
  | 'guest_cannot_create_tokens'
  | 'ip_not_allowed'
  | 'tenant_required'
  | 'tenant_suspended'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'token_name_taken'
  | 'token_already_rotated'
  | 'illegal_transition'
  | 'tenant_slug_taken'
  | 'partner_slug_taken'
  | 'partner_terminated'
  | 'unknown_partner'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  | 'store_unavailable'
  | 'not_ready'
  | 'idp_unavailable'
  | 'login_failed'
  | 'dev_mode_disabled'
  | 'unknown_service'
  | 'connection_needs_consent'
  | 'connection_required'
  | 'upstream_unavailable'
  | 'upstream_timeout'
  | 'provider_error'
  | 'provider_unavailable';

/** The HTTP status each error code is answered with. */
export const errorStatus = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  invalid_token: 401,
  token_expired: 401,
  token_revoked: 401,
  token_owner_removed: 401,
  session_expired: 401,
  forbidden: 403,
  csrf_rejected: 403,
  insufficient_scope: 403,
  api_token_not_allowed: 403,
  guest_cannot_create_tokens: 403,
  ip_not_allowed: 403,
  tenant_required: 400,
  tenant_suspended: 403,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  token_name_taken: 409,
  token_already_rotated: 409,
  illegal_transition: 409,
  tenant_slug_taken: 409,
  partner_slug_taken: 409,
  partner_terminated: 409,
  unknown_partner: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  store_unavailable: 503,
  not_ready: 503,
  idp_unavailable: 503,
  login_failed: 400,
  dev_mode_disabled: 404,
  unknown_service: 404,
  connection_needs_consent: 409,
  connection_required: 409,
  upstream_unavailable: 502,
  upstream_timeout: 504,
  provider_error: 502,
  provider_unavailable: 503,
} as const satisfies Record<ErrorCode, number>;
