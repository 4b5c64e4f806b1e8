import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { missingScope, type Permission } from './permissions.js';
import type { VerifiedApiToken } from './verifier.js';

/**
 * The one scope check of every route an API token may call (proxy, exchange, management API).
 * User credentials (session, IdP token) carry the user's full rights; an API token must hold the
 * service and every needed permission, else 403 `insufficient_scope` naming what is missing
 * (RFC 6750 §3.1).
 */
export function requireScope(
  request: FastifyRequest,
  service: string | null,
  needed: readonly Permission[],
): void {
  assertScope(request.principal?.apiToken, service, needed);
}

/** `requireScope` without a framework: the presented API token, if any. */
export function assertScope(
  token: VerifiedApiToken | undefined,
  service: string | null,
  needed: readonly Permission[],
): void {
  if (token === undefined) return;
  const missing = missingScope(token.scope, service, needed);
  if (missing.length === 0) return;
  throw new AppError('insufficient_scope', `this API token lacks ${missing.join(', ')}`, {
    extra: { required: missing },
    headers: {
      'www-authenticate': `Bearer realm="latchkey", error="insufficient_scope", scope="${missing.join(' ')}"`,
    },
  });
}
