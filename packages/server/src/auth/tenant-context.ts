import type { FastifyRequest } from 'fastify';
import { AppError } from '../errors.js';
import type { MembershipView } from '../store/users.js';
import type { Principal } from './principal.js';

export const TENANT_HEADER = 'latchkey-tenant';

/**
 * The tenant a request acts in: the `Latchkey-Tenant` header (slug or id) when given, otherwise
 * the caller's only membership. A tenant the caller does not belong to answers 404, never 403,
 * so membership cannot be probed.
 */
export function selectMembership(principal: Principal, requested: string | undefined): MembershipView | null {
  if (requested !== undefined && requested !== '') {
    const m = principal.memberships.find((x) => x.tenantSlug === requested || x.tenantId === requested);
    if (m === undefined) throw new AppError('not_found', 'no such tenant');
    return m;
  }
  return principal.memberships.length === 1 ? (principal.memberships[0] ?? null) : null;
}

export function requestedTenant(request: FastifyRequest): string | undefined {
  const v = request.headers[TENANT_HEADER];
  return typeof v === 'string' ? v : undefined;
}

/** The principal of a route that requires a user (the auth hook guarantees it). */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (request.principal === null) throw new AppError('unauthenticated');
  return request.principal;
}

/**
 * The membership a tenant-scoped route acts through. Rules: the tenant is chosen as in
 * `selectMembership`; none chosen → 400 `tenant_required` (send `Latchkey-Tenant`); a suspended or
 * deleted tenant → 403 `tenant_suspended`.
 */
export function requireMembership(request: FastifyRequest): MembershipView {
  return activeMembership(requirePrincipal(request), requestedTenant(request));
}

/** `requireMembership` without a framework: the principal and the `Latchkey-Tenant` value. */
export function activeMembership(principal: Principal, requested: string | undefined): MembershipView {
  const membership = selectMembership(principal, requested);
  if (membership === null) {
    throw new AppError(
      'tenant_required',
      'you belong to several tenants (or none): send the Latchkey-Tenant header',
    );
  }
  if (membership.tenantStatus === 'suspended' || membership.tenantStatus === 'deleted') {
    throw new AppError('tenant_suspended', `tenant ${membership.tenantSlug} is ${membership.tenantStatus}`);
  }
  return membership;
}

/** As `requireMembership`, for tenant administrators (`owner` or `admin`) only. */
export function requireTenantAdmin(request: FastifyRequest): MembershipView {
  const membership = requireMembership(request);
  if (membership.role !== 'owner' && membership.role !== 'admin') {
    throw new AppError('forbidden', 'this needs the admin or owner role in the tenant');
  }
  return membership;
}
