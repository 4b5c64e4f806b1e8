import type { Schemas } from '@latchkey/sdk';

// The shapes of the public API, generated from docs/openapi.json through the SDK: the console has
// no hand-written copy that could drift from the server.
export type {
  ApiToken,
  AuditEvent,
  AuditFilters,
  ConsentRequired,
  Connection,
  CreatedApiToken,
  Dashboard,
  Me,
  Service,
} from '@latchkey/sdk';

export type Membership = NonNullable<Schemas['Me']['tenant']>;
export type Role = Membership['role'];
export type TenantStatus = Schemas['Tenant']['status'];
export type ConnectionStatus = Schemas['Connection']['status'];
export type Permission = Schemas['ApiToken']['permissions'][number];
export type ApiTokenStatus = Schemas['ApiToken']['status'];
export type AdminApiToken = Schemas['AdminApiToken'];
export type AuditEventPage = Schemas['AuditEventPage'];
export type TenantUser = Schemas['TenantUser'];
export type ServiceSettings = Schemas['ServiceSettings'];
export type TokenPolicy = Schemas['TokenPolicy'];
export type AuditWebhook = Schemas['AuditWebhook'];
export type AuditWebhookDelivery = Schemas['AuditWebhookDelivery'];
export type Tenant = Schemas['Tenant'];
export type Partner = Schemas['Partner'];
