import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { tenants, users } from './foundation.js';
import { ts } from './columns.js';

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id')
      .notNull()
      .references(() => tenants.id),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    description: text('description'),
    /** SHA-256 of the secret, hex. The secret itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    last4: text('last4').notNull(),
    services: text('services').array().notNull(),
    permissions: text('permissions').array().notNull(),
    allowedCidrs: text('allowed_cidrs')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    revokedReason: text('revoked_reason'),
    lastUsedAt: ts('last_used_at'),
    lastUsedIp: text('last_used_ip'),
    /** First token of a rotation chain (its own id when never rotated). */
    chainId: text('chain_id').notNull(),
    rotatedFromId: text('rotated_from_id'),
    rotatedAt: ts('rotated_at'),
    /** After rotation, the old secret keeps working until then (grace period ≤ 24 h). */
    graceUntil: ts('grace_until'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_key').on(t.tokenHash),
    // One active token per name and user: revoked tokens, and the old half of a rotation, free it.
    uniqueIndex('api_tokens_active_name_key')
      .on(t.tenantId, t.userId, t.name)
      .where(sql`revoked_at is null and rotated_at is null`),
    index('api_tokens_tenant_user_idx').on(t.tenantId, t.userId, t.createdAt),
    index('api_tokens_chain_idx').on(t.chainId),
    check('api_tokens_revoked_reason_check', sql`(${t.revokedAt} is null) = (${t.revokedReason} is null)`),
  ],
);
