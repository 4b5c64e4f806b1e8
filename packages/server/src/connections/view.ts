import { z } from 'zod';
import type { ServiceConfig } from '../config/service-schema.js';
import type { ConnectionStatus } from '../store/schema/index.js';
import type { ConnectionRow } from '../store/connections.js';

/** A connection as the API shows it: never a token, only what the user needs to manage it. */
export const connectionViewSchema = z
  .object({
    id: z.string().describe('`con_…`'),
    service: z.string().describe('Service id.'),
    serviceName: z.string(),
    status: z
      .enum(['active', 'expired', 'needs_consent', 'revoked'])
      .describe(
        '`expired`: the access token has expired, a refresh is possible; `needs_consent`: reconnect.',
      ),
    scopes: z.array(z.string()),
    expiresAt: z.iso.datetime().nullable().describe('Expiry of the current access token.'),
    account: z.string().nullable().describe('The account at the provider, when it said.'),
    refreshable: z.boolean().describe('A refresh token is held.'),
    lastRefreshedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .describe('Connection');

export type ConnectionView = z.infer<typeof connectionViewSchema>;

/** The status a reader sees: an active row whose token has expired reads `expired`. */
export function effectiveStatus(row: ConnectionRow, now: Date): ConnectionStatus {
  if (row.status === 'active' && row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime())
    return 'expired';
  return row.status;
}

export function toConnectionView(
  row: ConnectionRow,
  service: ServiceConfig | undefined,
  now = new Date(),
): ConnectionView {
  return {
    id: row.id,
    service: row.serviceId,
    serviceName: service?.name ?? row.serviceId,
    status: effectiveStatus(row, now),
    scopes: row.scopes,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    account: row.account,
    refreshable: row.refreshTokenEnc !== null,
    lastRefreshedAt: row.lastRefreshedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
