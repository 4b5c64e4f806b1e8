import { and, desc, eq } from 'drizzle-orm';
import { randomSecret } from '../../crypto/hash.js';
import type { Keyring } from '../../crypto/keyring.js';
import type { Executor } from '../../store/db.js';
import { auditWebhookAttempts, auditWebhookDeliveries, auditWebhooks } from '../../store/schema/index.js';
import { recordAudit, type AuditActor } from '../record.js';

export interface WebhookView {
  id: string;
  url: string;
  actions: string[];
  active: boolean;
  createdAt: string;
}

const secretContext = (id: string) => ({ table: 'audit_webhooks', rowId: id, field: 'secret' });

function view(r: typeof auditWebhooks.$inferSelect): WebhookView {
  return { id: r.id, url: r.url, actions: r.actions, active: r.active, createdAt: r.createdAt.toISOString() };
}

function newWebhookId(): string {
  return `whk_${randomSecret(12)
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase()}`;
}

/** Creates a subscription; the signing secret is returned once and stored encrypted. */
export async function createWebhook(
  tx: Executor,
  keyring: Keyring,
  tenantId: string,
  input: { url: string; actions: string[] },
  actor: AuditActor,
): Promise<{ webhook: WebhookView; secret: string }> {
  const id = newWebhookId();
  const secret = `whsec_${randomSecret(32)}`;
  const [row] = await tx
    .insert(auditWebhooks)
    .values({
      id,
      tenantId,
      url: input.url,
      actions: input.actions,
      secretEnc: keyring.encrypt(secret, secretContext(id)),
    })
    .returning();
  if (row === undefined) throw new Error('insert returned nothing');
  await recordAudit(tx, {
    action: 'audit_webhook.created',
    tenantId,
    actor,
    target: { type: 'audit_webhook', id, label: input.url },
    metadata: { actions: input.actions },
  });
  return { webhook: view(row), secret };
}

export async function listWebhooks(db: Executor, tenantId: string): Promise<WebhookView[]> {
  const rows = await db
    .select()
    .from(auditWebhooks)
    .where(eq(auditWebhooks.tenantId, tenantId))
    .orderBy(desc(auditWebhooks.createdAt));
  return rows.map(view);
}

/** Deletes a subscription of this tenant (another tenant's id finds nothing) and its pending outbox. */
export async function deleteWebhook(
  tx: Executor,
  tenantId: string,
  id: string,
  actor: AuditActor,
): Promise<boolean> {
  const gone = await tx
    .delete(auditWebhooks)
    .where(and(eq(auditWebhooks.tenantId, tenantId), eq(auditWebhooks.id, id)))
    .returning({ url: auditWebhooks.url });
  if (gone.length === 0) return false;
  await tx
    .delete(auditWebhookDeliveries)
    .where(and(eq(auditWebhookDeliveries.webhookId, id), eq(auditWebhookDeliveries.status, 'pending')));
  await recordAudit(tx, {
    action: 'audit_webhook.deleted',
    tenantId,
    actor,
    target: { type: 'audit_webhook', id, label: gone[0]?.url ?? null },
  });
  return true;
}

export interface DeliveryView {
  id: string;
  eventId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string;
  deliveredAt: string | null;
  log: { at: string; statusCode: number | null; error: string | null }[];
}

/** The delivery log of one subscription of this tenant, newest first, with each attempt. */
export async function listDeliveries(
  db: Executor,
  tenantId: string,
  webhookId: string,
): Promise<DeliveryView[] | null> {
  const [hook] = await db
    .select({ id: auditWebhooks.id })
    .from(auditWebhooks)
    .where(and(eq(auditWebhooks.tenantId, tenantId), eq(auditWebhooks.id, webhookId)));
  if (hook === undefined) return null;
  const rows = await db
    .select()
    .from(auditWebhookDeliveries)
    .where(
      and(eq(auditWebhookDeliveries.tenantId, tenantId), eq(auditWebhookDeliveries.webhookId, webhookId)),
    )
    .orderBy(desc(auditWebhookDeliveries.createdAt))
    .limit(200);
  const attempts = await db
    .select()
    .from(auditWebhookAttempts)
    .where(eq(auditWebhookAttempts.tenantId, tenantId))
    .orderBy(auditWebhookAttempts.attemptedAt);
  return rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    nextAttemptAt: r.nextAttemptAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    log: attempts
      .filter((a) => a.deliveryId === r.id)
      .map((a) => ({ at: a.attemptedAt.toISOString(), statusCode: a.statusCode, error: a.error })),
  }));
}

/** The decrypted signing secret of a subscription. */
export function webhookSecret(keyring: Keyring, row: { id: string; secretEnc: string }): string {
  return keyring.decryptString(row.secretEnc, secretContext(row.id));
}
