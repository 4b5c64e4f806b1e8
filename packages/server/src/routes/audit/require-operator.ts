import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../auth/tenant-context.js';
import type { Principal } from '../../auth/principal.js';
import { AppError } from '../../errors.js';

/**
 * The principal of an operator route. SPEC §3.2: both an IdP token minted for an operator audience
 * and `platform_admin` in the database; either alone answers 403.
 */
export function requireOperator(request: FastifyRequest): Principal {
  const principal = requirePrincipal(request);
  if (!principal.operatorAudience || !principal.user.platformAdmin) {
    throw new AppError(
      'forbidden',
      'the operator API needs a platform admin with an operator-audience token',
    );
  }
  return principal;
}
