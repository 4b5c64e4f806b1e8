/*
 * @latchkey/sdk: a typed client for Latchkey, generated from the server's OpenAPI document.
 * Runs on Node 20+ and in browsers; no dependency on the server at runtime.
 */
export { createLatchkeyClient, type LatchkeyClient, type LatchkeyClientOptions } from './client.js';
export {
  ConsentRequiredError,
  ExchangeError,
  LatchkeyError,
  errorFromResponse,
  isProblemResponse,
  type FieldError,
  type LatchkeyErrorCode,
  type OAuthErrorCode,
  type ProblemFields,
} from './errors.js';
export { type ExchangedToken, type ExchangeOptions } from './exchange.js';
export { type AuditView, type FollowOptions } from './audit-stream.js';
export { collect, paginate, paginateOffset, type CursorPage, type OffsetPage } from './pagination.js';
export { proxyUrl } from './proxy-fetch.js';
export { unwrap } from './unwrap.js';
export type { ErrorCode } from './generated/error-codes.js';
export { errorStatus } from './generated/error-codes.js';
export type { components, operations, paths } from './generated/openapi.js';
export type * from './types.js';
