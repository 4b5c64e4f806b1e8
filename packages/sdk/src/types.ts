import type { components, paths } from './generated/openapi.js';

/** Every schema of the server's OpenAPI document, by name. */
export type Schemas = components['schemas'];
/** The caller as the server sees it (`GET /api/v1/me`). */
export type Me = Schemas['Me'];
/** A service of the catalogue. */
export type Service = Schemas['Service'];
/** A user's connection to a service. */
export type Connection = Schemas['Connection'];
/** The answer to `connect` when the user must consent first. */
export type ConsentRequired = Schemas['ConsentRequired'];
/** An API token (never its secret). */
export type ApiToken = Schemas['ApiToken'];
/** A newly created or rotated API token with its secret, shown once. */
export type CreatedApiToken = Schemas['CreatedApiToken'];
/** The body of `POST /api/v1/api-tokens`. */
export type CreateApiToken = Schemas['CreateApiTokenInput'];
/** The Dashboard (`GET /api/v1/dashboard`). */
export type Dashboard = Schemas['Dashboard'];
/** Window and view of the Dashboard. */
export type DashboardOptions = NonNullable<paths['/api/v1/dashboard']['get']['parameters']['query']>;
/** One audit event. */
export type AuditEvent = Schemas['AuditEvent'];
/** Filters of the audit list and live tail. */
export type AuditFilters = Omit<
  NonNullable<paths['/api/v1/audit']['get']['parameters']['query']>,
  'cursor' | 'limit'
>;
