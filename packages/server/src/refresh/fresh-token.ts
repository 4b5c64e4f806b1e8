import type { AuditActor } from '../audit/record.js';
import type { ConnectionOwner } from '../connections/manage.js';

/** A downstream access token, decrypted, valid for at least the service's `earlySeconds`. */
export interface DownstreamToken {
  connectionId: string;
  serviceId: string;
  accessToken: string;
  tokenType: string;
  /** Undefined when the provider gave no expiry. */
  expiresAt: Date | undefined;
  scopes: readonly string[];
}

export interface AcquireOptions {
  /**
   * The token an upstream just refused with 401 (SPEC §6.1 "refresh once and retry once"): refresh
   * unless the stored token already differs from it (someone else refreshed meanwhile).
   */
  rejected?: string;
  /** Who the refresh is done for, for the audit event (default: the system actor). */
  actor?: AuditActor;
}

/**
 * Where the proxy and token exchange get a usable downstream token (SPEC §4.4 "on demand").
 * Errors are `AppError`s: `not_found` when the user has no connection to the service,
 * `connection_needs_consent` when it must be connected again, `provider_unavailable` (with a
 * `retry-after` header) during a refresh failure's cool-down.
 */
export interface FreshTokenSource {
  acquire(owner: ConnectionOwner, serviceId: string, options?: AcquireOptions): Promise<DownstreamToken>;
  /**
   * What `acquire` (without options) would answer from memory alone, synchronously: the token
   * when it is cached, trusted and valid beyond `earlySeconds`; `undefined` otherwise (then call
   * `acquire`). The proxy's hot path.
   */
  cached(owner: ConnectionOwner, serviceId: string): DownstreamToken | undefined;
}
