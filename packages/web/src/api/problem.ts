/**
 * Errors answered by the Latchkey API as `application/problem+json` (RFC 9457) arrive as the
 * SDK's `LatchkeyError`. The console shows `detail` (or the title) to people, never the raw JSON.
 */
export { LatchkeyError as ApiError } from '@latchkey/sdk';
