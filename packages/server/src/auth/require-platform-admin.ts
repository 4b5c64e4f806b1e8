import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import { apiTokenNotAllowed } from './authenticate.js';
import type { Principal } from './principal.js';
import { requirePrincipal } from './tenant-context.js';

/**
 * The guard of every operator route (SPEC §3.2). Rules, in order: an authenticated caller; never
 * an API token (they are tenant-bound and cannot carry an audience); an IdP token minted for an
 * operator audience; `platform_admin = true` in the store. Either of the last two alone → 403, so
 * a leaked operator-audience token of an ordinary user, or a platform admin's everyday token,
 * opens nothing.
 */
export function requirePlatformAdmin(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (principal.kind === 'api_token') {
    throw apiTokenNotAllowed('the operator API cannot be called with an API token');
  }
  if (!principal.operatorAudience || !principal.user.platformAdmin) {
    throw new AppError(
      'forbidden',
      'the operator API needs a platform admin with an operator-audience token',
    );
  }
  return principal;
}
