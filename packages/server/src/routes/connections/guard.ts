import type { FastifyRequest } from 'fastify';
import { requireMembership } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { MembershipView } from '../../store/users.js';

/**
 * SPEC §3.2: a guest may see their own connections; managing them (connect, refresh,
 * disconnect) starts at member.
 */
export function requireConnectionManager(request: FastifyRequest): MembershipView {
  const membership = requireMembership(request);
  if (membership.role === 'guest') {
    throw new AppError('forbidden', 'guests may see their connections but not manage them');
  }
  return membership;
}
