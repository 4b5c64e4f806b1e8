/**
 * The closed list of actions Latchkey records about itself. Ingested events keep the action their
 * source gives them (after the source's action map); Latchkey's own must be one of these.
 */
export const auditActions = [
  'user.created',
  'user.updated',
  'user.platform_admin_granted',
  'user.platform_admin_revoked',
  'membership.granted',
  'membership.role_changed',
  'membership.revoked',
  'tenant.created',
  'tenant.updated',
  'tenant.activated',
  'tenant.suspended',
  'tenant.resumed',
  'tenant.deleted',
  'tenant.provisioned',
  'tenant.reconciled',
  'partner.created',
  'partner.updated',
  'partner.terminated',
  'session.created',
  'session.ended',
  'keys.rotated',
  'connection.consent_started',
  'connection.created',
  'connection.refreshed',
  'connection.refresh_failed',
  'connection.revoked',
  'connection.callback_rejected',
  'api_token.created',
  'api_token.revoked',
  'api_token.rotated',
  'api_token.rotation_reuse_detected',
  'tenant.settings_changed',
  'audit_webhook.created',
  'audit_webhook.deleted',
  'audit_retention.changed',
  'audit.purged',
] as const;

export type AuditAction = (typeof auditActions)[number];
