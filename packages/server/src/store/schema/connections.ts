import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenants, users } from './foundation.js';
import { ts } from './columns.js';

export const connectionStatuses = ['active', 'expired', 'needs_consent', 'revoked'] as const;
export type ConnectionStatus = (typeof connectionStatuses)[number];

/**
 * A client Latchkey registered for one user at a provider with RFC 7591 dynamic client
 * registration. Refresh and RFC 7592 deletion need the secret and the registration access token,
 * so the whole registration response is kept, encrypted.
 */
export const clientRegistrations = pgTable(
  'client_registrations',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    serviceId: text('service_id').notNull(),
    /** The provider instance the client belongs to (an `{username}` pattern filled in). */
    instanceUrl: text('instance_url').notNull(),
    clientId: text('client_id').notNull(),
    /** JSON of client secret, registration access token and client configuration URI, encrypted. */
    registrationEnc: text('registration_enc').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('client_registrations_owner_key').on(t.tenantId, t.userId, t.serviceId, t.instanceUrl)],
);

/** One user's delegated grant for one service in one tenant (SPEC §1, §4.3). */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    serviceId: text('service_id').notNull(),
    status: text('status', { enum: connectionStatuses }).notNull().default('active'),
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    tokenType: text('token_type').notNull().default('Bearer'),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    expiresAt: ts('expires_at'),
    /** Who the provider says the account is (`sub`, Matrix user id), for display only. */
    account: text('account'),
    registrationId: text('registration_id').references(() => clientRegistrations.id),
    /** Connector data that is not secret (Matrix device id, instance URL). */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Compare-and-swap counter: every token write bumps it (SPEC §4.4 "no lost grants"). */
    version: integer('version').notNull().default(1),
    nextRefreshAt: ts('next_refresh_at'),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: ts('lease_expires_at'),
    /** After a transient refresh failure: nobody asks the provider again before this (SPEC §4.4). */
    cooldownUntil: ts('cooldown_until'),
    failureCount: integer('failure_count').notNull().default(0),
    lastError: text('last_error'),
    lastRefreshedAt: ts('last_refreshed_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('connections_owner_service_key').on(t.tenantId, t.userId, t.serviceId),
    index('connections_tenant_service_idx').on(t.tenantId, t.serviceId),
    index('connections_due_idx')
      .on(t.nextRefreshAt)
      .where(sql`${t.status} in ('active', 'expired')`),
    check('connections_status_check', sql`${t.status} in ('active', 'expired', 'needs_consent', 'revoked')`),
  ],
);

/**
 * A consent in flight (SPEC §4.2): the hash of `state` (never the value), the PKCE verifier
 * encrypted, the nonce, who started it and where to send the browser back. Single use, 10 minutes.
 */
export const connectionAuthorizations = pgTable(
  'connection_authorizations',
  {
    id: text('id').primaryKey(),
    stateHash: text('state_hash').notNull(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    serviceId: text('service_id').notNull(),
    codeVerifierEnc: text('code_verifier_enc'),
    nonce: text('nonce'),
    returnTo: text('return_to').notNull(),
    registrationId: text('registration_id').references(() => clientRegistrations.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [
    uniqueIndex('connection_authorizations_state_hash_key').on(t.stateHash),
    index('connection_authorizations_expires_idx').on(t.expiresAt),
  ],
);
