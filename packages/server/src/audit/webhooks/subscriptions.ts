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
  /** Until when deliveries are also signed with the secret before the last rotation. */
  previousSecretExpiresAt: string | null;
  createdAt: string;
}

const secretContext = (id: string) => ({ table: 'audit_webhooks', rowId: id, field: 'secret' });
const previousSecretContext = (id: string) => ({
  table: 'audit_webhooks',
  rowId: id,
  field: 'previous_secret',
});

function view(r: typeof auditWebhooks.$inferSelect, now: Date = new Date()): WebhookView {
  const overlap = r.previousSecretExpiresAt;
  return {
    id: r.id,
    url: r.url,
    actions: r.actions,
    active: r.active,
    previousSecretExpiresAt: overlap !== null && overlap > now ? overlap.toISOString() : null,
    createdAt: r.createdAt.toISOString(),
  };
}

function newSecret(): string {
  return `whsec_${randomSecret(32)}`;
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
  const secret = newSecret();
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
  return rows.map((r) => view(r));
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

/** The most a rotation's overlap window may last: a week is enough to redeploy any receiver. */
export const MAX_OVERLAP_SECONDS = 7 * 24 * 3600;

/**
 * Gives a subscription a new signing secret (returned once). The old one keeps signing deliveries
 * alongside the new one for `overlapSeconds`, so receivers can switch without losing a delivery;
 * 0 drops it at once (the way to act on a leaked secret). A second rotation within the window
 * replaces the kept secret: only the two newest ever sign.
 */
export async function rotateWebhookSecret(
  tx: Executor,
  keyring: Keyring,
  tenantId: string,
  id: string,
  overlapSeconds: number,
  actor: AuditActor,
): Promise<{ webhook: WebhookView; secret: string } | null> {
  const [current] = await tx
    .select()
    .from(auditWebhooks)
    .where(and(eq(auditWebhooks.tenantId, tenantId), eq(auditWebhooks.id, id)))
    .for('update');
  if (current === undefined) return null;
  const secret = newSecret();
  const keepOld = overlapSeconds > 0;
  const expiresAt = keepOld ? new Date(Date.now() + overlapSeconds * 1000) : null;
  const [row] = await tx
    .update(auditWebhooks)
    .set({
      secretEnc: keyring.encrypt(secret, secretContext(id)),
      previousSecretEnc: keepOld
        ? keyring.encrypt(webhookSecret(keyring, current), previousSecretContext(id))
        : null,
      previousSecretExpiresAt: expiresAt,
      updatedAt: new Date(),
    })
    .where(and(eq(auditWebhooks.tenantId, tenantId), eq(auditWebhooks.id, id)))
    .returning();
  if (row === undefined) throw new Error('update returned nothing');
  await recordAudit(tx, {
    action: 'audit_webhook.secret_rotated',
    tenantId,
    actor,
    target: { type: 'audit_webhook', id, label: row.url },
    metadata: { overlapSeconds, previousSecretExpiresAt: expiresAt?.toISOString() ?? null },
  });
  return { webhook: view(row), secret };
}

/** A subscription of this tenant with the secrets that sign its deliveries now, or null. */
export async function findWebhookForSending(
  db: Executor,
  keyring: Keyring,
  tenantId: string,
  id: string,
): Promise<{ webhook: WebhookView; secrets: string[] } | null> {
  const [row] = await db
    .select()
    .from(auditWebhooks)
    .where(and(eq(auditWebhooks.tenantId, tenantId), eq(auditWebhooks.id, id)));
  if (row === undefined) return null;
  return { webhook: view(row), secrets: webhookSecrets(keyring, row) };
}

/**
 * The secrets that sign a delivery now: the current one, then the previous one while its overlap
 * window lasts.
 */
export function webhookSecrets(
  keyring: Keyring,
  row: {
    id: string;
    secretEnc: string;
    previousSecretEnc: string | null;
    previousSecretExpiresAt: Date | null;
  },
  now: Date = new Date(),
): string[] {
  const secrets = [webhookSecret(keyring, row)];
  if (
    row.previousSecretEnc !== null &&
    row.previousSecretExpiresAt !== null &&
    row.previousSecretExpiresAt > now
  )
    secrets.push(keyring.decryptString(row.previousSecretEnc, previousSecretContext(row.id)));
  return secrets;
}

/** The decrypted signing secret of a subscription. */
export function webhookSecret(keyring: Keyring, row: { id: string; secretEnc: string }): string {
  return keyring.decryptString(row.secretEnc, secretContext(row.id));
}
