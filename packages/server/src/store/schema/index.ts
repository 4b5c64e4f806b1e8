/*
 * The one schema of both stores (PostgreSQL and embedded PGlite), one file per feature. The SQL in
 * ../../../migrations creates exactly this; test/schema-drift.test.ts fails when they disagree.
 */
import { auditEvents, loginRequests, memberships, partners, sessions, tenants, users } from './foundation.js';
import { clientRegistrations, connectionAuthorizations, connections } from './connections.js';

import { apiTokens } from './api-tokens.js';
import {
  auditBlockEvents,
  auditBlocks,
  auditChains,
  auditCursors,
  auditRetention,
  auditWebhookAttempts,
  auditWebhookDeliveries,
  auditWebhooks,
} from './audit.js';
import { notices } from './notices.js';
import { proxyUsage } from './usage.js';

export * from './foundation.js';
export * from './connections.js';
export * from './api-tokens.js';
export * from './audit.js';
export * from './notices.js';
export * from './usage.js';

export const schema = {
  partners,
  tenants,
  users,
  memberships,
  auditEvents,
  sessions,
  loginRequests,
  clientRegistrations,
  connections,
  connectionAuthorizations,
  apiTokens,
  auditChains,
  auditBlocks,
  auditBlockEvents,
  auditCursors,
  auditWebhooks,
  auditWebhookDeliveries,
  auditWebhookAttempts,
  auditRetention,
  notices,
  proxyUsage,
};
export type Schema = typeof schema;
