import { eq } from 'drizzle-orm';
import type { Executor } from '../../store/db.js';
import { auditRetention } from '../../store/schema/index.js';
import { recordAudit, type AuditActor } from '../record.js';

/** The tenant's retention in days, or null (keep forever). */
export async function getRetention(db: Executor, tenantId: string): Promise<number | null> {
  const [row] = await db.select().from(auditRetention).where(eq(auditRetention.tenantId, tenantId));
  return row?.days ?? null;
}

/** Sets (or with null, removes) the tenant's retention, recording the change. */
export async function setRetention(
  tx: Executor,
  tenantId: string,
  days: number | null,
  actor: AuditActor,
): Promise<void> {
  const before = await getRetention(tx, tenantId);
  if (days === null) {
    await tx.delete(auditRetention).where(eq(auditRetention.tenantId, tenantId));
  } else {
    await tx
      .insert(auditRetention)
      .values({ tenantId, days })
      .onConflictDoUpdate({ target: auditRetention.tenantId, set: { days, updatedAt: new Date() } });
  }
  await recordAudit(tx, {
    action: 'audit_retention.changed',
    tenantId,
    actor,
    target: { type: 'tenant', id: tenantId },
    metadata: { before, after: days },
  });
}
