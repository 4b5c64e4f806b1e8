import { eq, inArray } from 'drizzle-orm';
import { recordAudit, type AuditActor } from '../audit/record.js';
import { newId } from '../ids.js';
import type { Executor } from './db.js';
import { tenants } from './schema/index.js';

export type TenantRow = typeof tenants.$inferSelect;

export async function findTenantBySlug(db: Executor, slug: string): Promise<TenantRow | undefined> {
  const rows = await db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1);
  return rows[0];
}

export async function findTenantsBySlugs(db: Executor, slugs: readonly string[]): Promise<TenantRow[]> {
  if (slugs.length === 0) return [];
  return db
    .select()
    .from(tenants)
    .where(inArray(tenants.slug, [...slugs]));
}

export interface TenantSeed {
  slug: string;
  name: string;
  plan?: string;
}

/**
 * Creates the tenant when no tenant has that slug; idempotent across replicas and restarts
 * (the unique slug decides, `on conflict do nothing`). Returns true when it was created.
 */
export async function ensureTenant(db: Executor, seed: TenantSeed, actor: AuditActor): Promise<boolean> {
  const id = newId('ten');
  const inserted = await db
    .insert(tenants)
    .values({ id, slug: seed.slug, name: seed.name, plan: seed.plan ?? 'standard', status: 'active' })
    .onConflictDoNothing({ target: tenants.slug })
    .returning({ id: tenants.id });
  if (inserted.length === 0) return false;
  await recordAudit(db, {
    action: 'tenant.created',
    tenantId: id,
    actor,
    target: { type: 'tenant', id, label: seed.slug },
    metadata: { reason: 'bootstrap', plan: seed.plan ?? 'standard' },
  });
  return true;
}

/** Tenant-wide settings an admin tunes (token policy, …), kept as one JSON document. */
export interface TenantSettings {
  /** Longest lifetime, in days, of a new API token in this tenant (null: the global 365). */
  tokenMaxLifetimeDays?: number | null;
  /** Per-service refresh settings a tenant admin chose, by service id (absent: catalogue defaults). */
  services?: Record<string, ServiceSettingsOverride>;
}

/** What a tenant admin may tune per service (SPEC §4.4). */
export interface ServiceSettingsOverride {
  refreshEnabled: boolean;
  beforeExpirySeconds: number;
  maxConcurrency: number;
}

export async function findTenantSettings(db: Executor, tenantId: string): Promise<TenantSettings> {
  const rows = await db
    .select({ settings: tenants.settings })
    .from(tenants)
    .where(eq(tenants.id, tenantId))
    .limit(1);
  return rows[0]?.settings ?? {};
}

export async function updateTenantSettings(
  db: Executor,
  tenantId: string,
  patch: TenantSettings,
): Promise<TenantSettings> {
  const current = await findTenantSettings(db, tenantId);
  const next = { ...current, ...patch };
  await db.update(tenants).set({ settings: next, updatedAt: new Date() }).where(eq(tenants.id, tenantId));
  return next;
}
