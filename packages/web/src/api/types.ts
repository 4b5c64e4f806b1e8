// The shapes of the public API the console reads (docs/openapi.json is the reference).

export type Role = 'owner' | 'admin' | 'member' | 'guest';
export type TenantStatus = 'pending' | 'active' | 'suspended' | 'deleted';

export interface Membership {
  tenantId: string;
  slug: string;
  name: string;
  status: TenantStatus;
  role: Role;
}

export interface Me {
  credential: 'idp_token' | 'session' | 'api_token';
  user: {
    id: string;
    issuer: string;
    subject: string;
    email: string | null;
    name: string | null;
    platformAdmin: boolean;
  };
  tenant: Membership | null;
  memberships: Membership[];
  operator: boolean;
}

export interface Service {
  id: string;
  name: string;
  baseUrl: string;
  connector: string;
  dav: boolean;
}

export type ConnectionStatus = 'active' | 'expired' | 'needs_consent' | 'revoked';

export interface Connection {
  id: string;
  service: string;
  serviceName: string;
  status: ConnectionStatus;
  scopes: string[];
  expiresAt: string | null;
  account: string | null;
  refreshable: boolean;
  lastRefreshedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ConsentRequired {
  status: 'consent_required';
  authorizationUrl: string;
  expiresAt: string;
}

export type Permission = 'read' | 'write' | 'delete' | 'exchange';
export type ApiTokenStatus = 'active' | 'expired' | 'revoked' | 'rotated';

export interface ApiToken {
  id: string;
  name: string;
  description: string | null;
  hint: string;
  services: string[];
  permissions: Permission[];
  allowedCidrs: string[];
  status: ApiTokenStatus;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
}

export interface AdminApiToken extends ApiToken {
  owner: { id: string; email: string | null; name: string | null };
}

export interface CreatedApiToken {
  token: string;
  apiToken: ApiToken;
}

export interface AuditEvent {
  id: string;
  seq: number;
  tenantId: string | null;
  source: string;
  occurredAt: string;
  actor: { type: string; id: string | null; label: string | null; ip: string | null };
  action: string;
  target: { type: string | null; id: string | null; label: string | null };
  outcome: 'success' | 'failure' | 'denied';
  metadata: Record<string, unknown>;
}

export interface AuditEventPage {
  items: AuditEvent[];
  nextCursor?: string | null;
}

export interface TenantUser {
  id: string;
  email: string | null;
  name: string | null;
  role: Role;
  source: 'idp' | 'manual';
  platformAdmin: boolean;
  lastSeenAt: string | null;
  apiTokens: { active: number; total: number; lastUsedAt: string | null };
  connections: { total: number; byStatus: Record<string, number>; services: string[] };
}

export interface ServiceSettings {
  service: string;
  refreshEnabled: boolean;
  beforeExpirySeconds: number;
  maxConcurrency: number;
  overridden: boolean;
}

export interface TokenPolicy {
  maxLifetimeDays: number | null;
}

export interface AuditWebhook {
  id: string;
  url: string;
  actions: string[];
  active: boolean;
  previousSecretExpiresAt: string | null;
  createdAt: string;
}

export interface ProvisioningStep {
  service: string;
  step: string;
  type: string;
  state: 'ok' | 'skipped' | 'error' | 'pending';
  error: string | null;
  attempts: number;
  updatedAt: string;
}

export interface Tenant {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  plan: string;
  domains: string[];
  partnerId: string | null;
  provisioning: { steps: Record<string, ProvisioningStep> };
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface TenantList {
  items: Tenant[];
  total: number;
  counts: Record<TenantStatus, number>;
}

export interface Partner {
  id: string;
  slug: string;
  name: string;
  domain: string | null;
  status: 'active' | 'terminated';
  marginPct: number;
  customers: number;
  createdAt: string;
  terminatedAt: string | null;
}

export interface PartnerDetail extends Partner {
  tenants: Tenant[];
}

export interface Items<T> {
  items: T[];
}
