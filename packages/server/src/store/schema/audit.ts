import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

/**
 * One hash chain per tenant (`ten_…`) plus `platform` for events without a tenant: a tenant's
 * retention can then drop its oldest blocks whole, and the chain stays verifiable from the oldest
 * kept block (its `prev_hash` must equal the recorded anchor).
 */
export const auditChains = pgTable('audit_chains', {
  chainId: text('chain_id').primaryKey(),
  /** Number of the last block appended (0: none yet). */
  headSeq: bigint('head_seq', { mode: 'number' }).notNull().default(0),
  headHash: text('head_hash').notNull(),
  /** Block number and hash the oldest kept block follows (0 and the genesis hash until a purge). */
  anchorSeq: bigint('anchor_seq', { mode: 'number' }).notNull().default(0),
  anchorHash: text('anchor_hash').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** A sealed block: `hash = SHA-256(prev_hash ‖ event hashes in position order)`. */
export const auditBlocks = pgTable(
  'audit_blocks',
  {
    chainId: text('chain_id').notNull(),
    blockSeq: bigint('block_seq', { mode: 'number' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    eventCount: integer('event_count').notNull(),
    firstEventSeq: bigint('first_event_seq', { mode: 'number' }).notNull(),
    lastEventSeq: bigint('last_event_seq', { mode: 'number' }).notNull(),
    /** Newest `received_at` in the block: retention drops a block once this is past the cutoff. */
    lastReceivedAt: ts('last_received_at').notNull(),
    sealedAt: ts('sealed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: 'audit_blocks_pkey', columns: [t.chainId, t.blockSeq] })],
);

/** Which block (and position in it) holds each sealed event; an event has at most one row. */
export const auditBlockEvents = pgTable(
  'audit_block_events',
  {
    eventSeq: bigint('event_seq', { mode: 'number' }).primaryKey(),
    chainId: text('chain_id').notNull(),
    blockSeq: bigint('block_seq', { mode: 'number' }).notNull(),
    position: integer('position').notNull(),
  },
  (t) => [index('audit_block_events_block_idx').on(t.chainId, t.blockSeq, t.position)],
);

/**
 * Durable positions of background readers: the sealer's floor, each file tail's `inode:offset`,
 * each poller's last id or time, the webhook dispatcher's last event. One row per reader.
 */
export const auditCursors = pgTable('audit_cursors', {
  id: text('id').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** A tenant's outgoing webhook subscription (SPEC §8). */
export const auditWebhooks = pgTable(
  'audit_webhooks',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    url: text('url').notNull(),
    /** Action prefixes to deliver (`api_token.`, `connection.refresh_failed`); empty: every event. */
    actions: text('actions')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Signing secret, encrypted with the keyring (bound to this row). */
    secretEnc: text('secret_enc').notNull(),
    /** The secret before the last rotation, still signing deliveries until it expires. */
    previousSecretEnc: text('previous_secret_enc'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('audit_webhooks_tenant_idx').on(t.tenantId)],
);

/** The durable outbox: one row per (subscription, event), retried with backoff until delivered. */
export const auditWebhookDeliveries = pgTable(
  'audit_webhook_deliveries',
  {
    id: text('id').primaryKey(),
    webhookId: text('webhook_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    eventId: text('event_id').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastAttemptAt: ts('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('audit_webhook_deliveries_webhook_event_key').on(t.webhookId, t.eventId),
    index('audit_webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    check('audit_webhook_deliveries_status_check', sql`${t.status} in ('pending', 'delivered', 'failed')`),
  ],
);

/** The delivery log: every attempt, its HTTP status or error. */
export const auditWebhookAttempts = pgTable(
  'audit_webhook_attempts',
  {
    id: text('id').primaryKey(),
    deliveryId: text('delivery_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    attemptedAt: ts('attempted_at').notNull().defaultNow(),
    statusCode: integer('status_code'),
    error: text('error'),
  },
  (t) => [index('audit_webhook_attempts_delivery_idx').on(t.deliveryId, t.attemptedAt)],
);

/** Per-tenant retention, in days (no row: keep forever). */
export const auditRetention = pgTable(
  'audit_retention',
  {
    tenantId: text('tenant_id').primaryKey(),
    days: integer('days').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('audit_retention_days_check', sql`${t.days} >= 1`)],
);
