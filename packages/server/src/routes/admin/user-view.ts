import { z } from 'zod';
import type { TenantUserRow } from '../../store/tenant-directory.js';

/** A member of a tenant as tenant admins and operators see them: role, tokens, connections. */
export const tenantUserView = z
  .object({
    id: z.string(),
    email: z.string().nullable(),
    name: z.string().nullable(),
    role: z.enum(['owner', 'admin', 'member', 'guest']),
    source: z.enum(['idp', 'manual']),
    platformAdmin: z.boolean(),
    lastSeenAt: z.string().nullable(),
    apiTokens: z.object({
      active: z.number().int().describe('Neither revoked nor expired'),
      total: z.number().int(),
      lastUsedAt: z.string().nullable(),
    }),
    connections: z.object({
      total: z.number().int(),
      byStatus: z.record(z.string(), z.number().int()),
      services: z.array(z.string()),
    }),
  })
  .meta({ id: 'TenantUser' });

export function toTenantUserView(row: TenantUserRow): z.infer<typeof tenantUserView> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    source: row.source,
    platformAdmin: row.platformAdmin,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    apiTokens: {
      active: row.tokens.active,
      total: row.tokens.total,
      lastUsedAt: row.tokens.lastUsedAt?.toISOString() ?? null,
    },
    connections: row.connections,
  };
}
