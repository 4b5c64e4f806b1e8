import { bigint, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

/**
 * Proxied calls per (tenant, user, service, hour): what the Dashboard charts (SPEC §9). Counted
 * in memory on the hot path and added here in batches, so replicas sum into the same row; reads
 * are not audited by default, so the audit log cannot answer "how many calls".
 */
export const proxyUsage = pgTable(
  'proxy_usage',
  {
    tenantId: text('tenant_id').notNull(),
    /** Start of the UTC hour. */
    hour: ts('hour').notNull(),
    userId: text('user_id').notNull(),
    serviceId: text('service_id').notNull(),
    calls: bigint('calls', { mode: 'number' }).notNull().default(0),
    /** Answered ≥ 400 by the upstream, or broken off mid-response. */
    failed: bigint('failed', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'proxy_usage_pkey', columns: [t.tenantId, t.hour, t.userId, t.serviceId] })],
);
