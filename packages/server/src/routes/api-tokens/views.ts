import { z } from 'zod';
import { permissions } from '../../api-tokens/permissions.js';
import type { ApiTokenRow } from '../../store/api-tokens.js';

export const tokenStatus = z.enum(['active', 'expired', 'revoked', 'rotated']);

export const apiTokenView = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    hint: z.string().describe('prefix…last4: enough to recognise, never to use'),
    services: z.array(z.string()),
    permissions: z.array(z.enum(permissions)),
    allowedCidrs: z.array(z.string()),
    status: tokenStatus,
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
    revokedReason: z.string().nullable(),
    lastUsedAt: z.iso.datetime().nullable(),
    lastUsedIp: z.string().nullable(),
    rotatedFromId: z.string().nullable(),
    graceUntil: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ApiToken' });

export type ApiTokenView = z.output<typeof apiTokenView>;

export function statusOf(row: ApiTokenRow, now = Date.now()): z.output<typeof tokenStatus> {
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt.getTime() <= now) return 'expired';
  if (row.rotatedAt !== null && (row.graceUntil === null || row.graceUntil.getTime() <= now))
    return 'rotated';
  return 'active';
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** What the API says about a token: never its secret nor its hash. */
export function toView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    hint: `${row.prefix}…${row.last4}`,
    services: row.services,
    permissions: row.permissions as ApiTokenView['permissions'],
    allowedCidrs: row.allowedCidrs,
    status: statusOf(row),
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    revokedAt: iso(row.revokedAt),
    revokedReason: row.revokedReason,
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    rotatedFromId: row.rotatedFromId,
    graceUntil: iso(row.graceUntil),
  };
}

export const createdTokenResponse = z
  .object({
    token: z.string().describe('The secret, shown this once. Store it now: Latchkey keeps only its hash.'),
    apiToken: apiTokenView,
  })
  .meta({ id: 'CreatedApiToken' });

export const tokenIdParams = z.object({ id: z.string().min(1).max(64) });
