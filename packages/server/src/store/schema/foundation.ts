import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  jsonb,
  numeric,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

export const partners = pgTable(
  'partners',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    domain: text('domain'),
    status: text('status', { enum: ['active', 'terminated'] })
      .notNull()
      .default('active'),
    marginPct: numeric('margin_pct', { precision: 5, scale: 2 }).notNull().default('0'),
    contact: jsonb('contact').$type<Record<string, unknown>>().notNull().default({}),
    billing: jsonb('billing').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    terminatedAt: ts('terminated_at'),
  },
  (t) => [
    uniqueIndex('partners_slug_key').on(t.slug),
    check('partners_status_check', sql`${t.status} in ('active', 'terminated')`),
    check('partners_margin_check', sql`${t.marginPct} >= 0 and ${t.marginPct} <= 100`),
  ],
);

export const tenants = pgTable(
  'tenants',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    status: text('status', { enum: ['pending', 'active', 'suspended', 'deleted'] })
      .notNull()
      .default('pending'),
    plan: text('plan').notNull().default('standard'),
    domains: text('domains')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    partnerId: text('partner_id').references(() => partners.id),
    provisioning: jsonb('provisioning').$type<Record<string, unknown>>().notNull().default({}),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    uniqueIndex('tenants_slug_key').on(t.slug),
    index('tenants_partner_idx').on(t.partnerId),
    check('tenants_status_check', sql`${t.status} in ('pending', 'active', 'suspended', 'deleted')`),
  ],
);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    name: text('name'),
    platformAdmin: boolean('platform_admin').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [uniqueIndex('users_issuer_subject_key').on(t.issuer, t.subject)],
);

export const memberships = pgTable(
  'memberships',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['owner', 'admin', 'member', 'guest'] }).notNull(),
    /** `idp`: managed by group mappings (removed when the group goes); `manual`: set by an admin. */
    source: text('source', { enum: ['idp', 'manual'] })
      .notNull()
      .default('idp'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('memberships_tenant_user_key').on(t.tenantId, t.userId),
    index('memberships_user_idx').on(t.userId),
    check('memberships_role_check', sql`${t.role} in ('owner', 'admin', 'member', 'guest')`),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    /** Insertion order, the order the sealer chains events in. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    tenantId: text('tenant_id'),
    source: text('source').notNull().default('latchkey'),
    externalId: text('external_id'),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label'),
    actorIp: text('actor_ip'),
    actorUserAgent: text('actor_user_agent'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    targetLabel: text('target_label'),
    outcome: text('outcome', { enum: ['success', 'failure', 'denied'] }).notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex('audit_events_seq_key').on(t.seq),
    uniqueIndex('audit_events_source_external_key').on(t.source, t.externalId),
    index('audit_events_tenant_time_idx').on(t.tenantId, t.occurredAt.desc(), t.id.desc()),
    index('audit_events_time_idx').on(t.occurredAt.desc(), t.id.desc()),
    index('audit_events_actor_idx').on(t.actorId, t.occurredAt.desc()),
    // Migration 0007: an action-prefix filter (`proxy.`) names a family, the first dotted segment;
    // this index walks one family of one tenant newest first, so a rare family costs what a common
    // one does (a prefix range on `action` cannot keep time order across actions).
    index('audit_events_tenant_family_idx').on(
      t.tenantId,
      sql`split_part(${t.action}, '.', 1)`,
      t.occurredAt.desc(),
      t.id.desc(),
    ),
    index('audit_events_tenant_actor_idx').on(t.tenantId, t.actorId, t.occurredAt.desc(), t.id.desc()),
    index('audit_events_tenant_target_idx').on(t.tenantId, t.targetId, t.occurredAt.desc(), t.id.desc()),
    index('audit_events_source_time_idx').on(t.source, t.occurredAt.desc(), t.id.desc()),
    check('audit_events_outcome_check', sql`${t.outcome} in ('success', 'failure', 'denied')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the cookie value; the value itself is never stored. */
    tokenHash: text('token_hash').notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    revokedAt: ts('revoked_at'),
    /**
     * Signed in with an operator-audience access token (SPEC §3.2): with `platform_admin` in the
     * store, this session may use the operator API. An everyday sign-in never is.
     */
    operator: boolean('operator').notNull().default(false),
  },
  (t) => [uniqueIndex('sessions_token_hash_key').on(t.tokenHash), index('sessions_user_idx').on(t.userId)],
);

export const loginRequests = pgTable(
  'login_requests',
  {
    id: text('id').primaryKey(),
    /** SHA-256 of the OAuth `state`. */
    stateHash: text('state_hash').notNull(),
    /** PKCE verifier, encrypted with the keyring (bound to this row). */
    codeVerifierEnc: text('code_verifier_enc').notNull(),
    nonce: text('nonce').notNull(),
    returnTo: text('return_to').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [uniqueIndex('login_requests_state_hash_key').on(t.stateHash)],
);
