import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

export const noticeKinds = ['api_token_expiring', 'connection_needs_consent'] as const;
export type NoticeKind = (typeof noticeKinds)[number];
export const noticeEmailStatuses = ['pending', 'sent', 'skipped', 'failed'] as const;

/**
 * Notices owed to users (SPEC §5 "expiry notices"): one row per occasion — a token's 30/7/1-day
 * mark, a connection falling into `needs_consent` at a given version — so each is sent once,
 * whichever replica notices it first. The row doubles as the e-mail outbox.
 */
export const notices = pgTable(
  'notices',
  {
    id: text('id').primaryKey(),
    tenantId: text('tenant_id').notNull(),
    userId: text('user_id').notNull(),
    kind: text('kind', { enum: noticeKinds }).notNull(),
    /** The token or connection the notice is about. */
    subjectId: text('subject_id').notNull(),
    /** Which occasion: `30d`, `7d`, `1d` before expiry, or `v<version>` of a connection. */
    occasion: text('occasion').notNull(),
    emailStatus: text('email_status', { enum: noticeEmailStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    sentAt: ts('sent_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('notices_occasion_key').on(t.kind, t.subjectId, t.occasion),
    index('notices_email_due_idx').on(t.emailStatus, t.nextAttemptAt),
    check('notices_kind_check', sql`${t.kind} in ('api_token_expiring', 'connection_needs_consent')`),
    check('notices_email_status_check', sql`${t.emailStatus} in ('pending', 'sent', 'skipped', 'failed')`),
  ],
);
