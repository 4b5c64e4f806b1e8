import { z } from 'zod';
import { readProvisioning } from '../../../provisioning/state.js';
import type { TenantRow } from '../../../store/tenants.js';

export const tenantStatus = z.enum(['pending', 'active', 'suspended', 'deleted']);

/** SPEC §7: a lowercase DNS label (RFC 1123), immutable once created. */
export const tenantSlug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a lowercase DNS label (a-z, 0-9, -; at most 63)');

export const domainName = z
  .string()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i, 'a domain name');

export const slugParams = z.object({ slug: tenantSlug.describe('Tenant slug') }).strict();

const stepView = z.object({
  service: z.string(),
  step: z.string(),
  type: z.string(),
  state: z.enum(['ok', 'skipped', 'error', 'pending']),
  error: z.string().nullable(),
  attempts: z.number().int(),
  updatedAt: z.string(),
});

export const tenantView = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    status: tenantStatus,
    plan: z.string(),
    domains: z.array(z.string()),
    partnerId: z.string().nullable(),
    provisioning: z.object({ steps: z.record(z.string(), stepView) }),
    createdAt: z.string(),
    updatedAt: z.string(),
    deletedAt: z.string().nullable(),
  })
  .meta({ id: 'Tenant' });

export function toTenantView(row: TenantRow): z.infer<typeof tenantView> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    status: row.status,
    plan: row.plan,
    domains: row.domains,
    partnerId: row.partnerId,
    provisioning: readProvisioning(row.provisioning),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
  };
}
