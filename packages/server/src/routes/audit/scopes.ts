import type { FastifyRequest } from 'fastify';
import type { AuditScope } from '../../audit/query/filters.js';
import { requirePrincipal, requireTenantAdmin } from '../../auth/tenant-context.js';
import { requireOperator } from './require-operator.js';

/** The three audit views (SPEC §8): who may open each, and which events it shows. */
export interface AuditView {
  /** URL prefix of the view's list, export and stream routes. */
  base: string;
  summary: string;
  scope(request: FastifyRequest, tenantFilter: string | undefined): AuditScope;
}

export const auditViews: readonly AuditView[] = [
  {
    base: '/api/v1/audit',
    summary: 'your own audit events (you, or one of your API tokens, are the actor)',
    scope: (request) => ({ kind: 'own', userId: requirePrincipal(request).user.id }),
  },
  {
    base: '/api/v1/admin/audit',
    summary: 'the tenant’s audit events (tenant admin)',
    scope: (request) => ({ kind: 'tenant', tenantId: requireTenantAdmin(request).tenantId }),
  },
  {
    base: '/api/v1/operator/audit',
    summary: 'every audit event (platform admin with an operator token)',
    scope: (request, tenant) => {
      requireOperator(request);
      return tenant === undefined ? { kind: 'all' } : { kind: 'tenant', tenantId: tenant };
    },
  },
];
