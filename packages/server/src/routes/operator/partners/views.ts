import { z } from 'zod';
import type { PartnerRow } from '../../../store/partners.js';
import { domainName, tenantSlug } from '../tenants/views.js';

export const partnerSlugParams = z.object({ slug: tenantSlug.describe('Partner slug') }).strict();

/** The editable fields; `contact` and `billing` are free-form JSON kept as given. */
export const partnerFields = {
  name: z.string().trim().min(1).max(200),
  domain: domainName.nullable(),
  marginPct: z.number().min(0).max(100).multipleOf(0.01).describe('Margin in percent, 0–100'),
  contact: z.record(z.string(), z.unknown()),
  billing: z.record(z.string(), z.unknown()),
};

export const partnerView = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    domain: z.string().nullable(),
    status: z.enum(['active', 'terminated']),
    marginPct: z.number(),
    contact: z.record(z.string(), z.unknown()),
    billing: z.record(z.string(), z.unknown()),
    customers: z.number().int().describe('Tenants attached, deleted ones excluded'),
    createdAt: z.string(),
    updatedAt: z.string(),
    terminatedAt: z.string().nullable(),
  })
  .meta({ id: 'Partner' });

export function toPartnerView(row: PartnerRow, customers: number): z.infer<typeof partnerView> {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    domain: row.domain,
    status: row.status,
    marginPct: Number(row.marginPct),
    contact: row.contact,
    billing: row.billing,
    customers,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    terminatedAt: row.terminatedAt?.toISOString() ?? null,
  };
}
