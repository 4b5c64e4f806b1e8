import type { ServiceConfig } from '../config/service-schema.js';

/**
 * When the background refresher should pick a connection up: `beforeExpirySeconds` ahead of the
 * expiry, if the service refreshes at all and a refresh token is held; otherwise never.
 */
export function nextRefreshAt(
  service: ServiceConfig,
  expiresAt: Date | undefined,
  hasRefreshToken: boolean,
): Date | null {
  if (!service.refresh.enabled || !hasRefreshToken || expiresAt === undefined) return null;
  return new Date(expiresAt.getTime() - service.refresh.beforeExpirySeconds * 1000);
}
