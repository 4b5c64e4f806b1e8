import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../audit/record.js';
import { postSigned } from '../../audit/webhooks/post-signed.js';
import {
  createWebhook,
  deleteWebhook,
  findWebhookForSending,
  listDeliveries,
  listWebhooks,
  MAX_OVERLAP_SECONDS,
  rotateWebhookSecret,
} from '../../audit/webhooks/subscriptions.js';
import { randomSecret } from '../../crypto/hash.js';
import { isPrivateTarget } from '../../audit/webhooks/check-target.js';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { actorOf } from '../api-tokens/actor.js';

const tenantHeader = z.object({ 'latchkey-tenant': z.string().max(80).optional() });

const webhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    actions: z.array(z.string()).describe('Action prefixes delivered; empty: every event'),
    active: z.boolean(),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('Until when deliveries also carry a signature made with the secret before the last rotation'),
    createdAt: z.string(),
  })
  .meta({ id: 'AuditWebhook' });

const deliveryView = z
  .object({
    id: z.string(),
    eventId: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: z.string(),
    deliveredAt: z.string().nullable(),
    log: z.array(
      z.object({ at: z.string(), statusCode: z.number().int().nullable(), error: z.string().nullable() }),
    ),
  })
  .meta({ id: 'AuditWebhookDelivery' });

const base = '/api/v1/admin/audit/webhooks';

/** Outgoing webhook subscriptions of a tenant (tenant admins), with their delivery log (SPEC §8). */
export const auditWebhookRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const db = services.store.db;
  app.post(
    base,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Subscribe a URL to the tenant’s audit events (the signing secret is shown once)',
        headers: tenantHeader,
        body: z
          .object({
            url: z.url({ protocol: /^https?$/ }).max(2000),
            actions: z.array(z.string().min(1).max(200)).max(50).default([]),
          })
          .strict(),
        response: { 201: z.object({ webhook: webhookView, secret: z.string() }) },
      },
    },
    async (request, reply) => {
      const m = requireTenantAdmin(request);
      if (!services.config.audit.webhooks.allowPrivateTargets && isPrivateTarget(new URL(request.body.url))) {
        throw new AppError(
          'bad_request',
          'webhook URLs may not point at loopback, private or link-local addresses',
          {
            fields: [{ path: 'body.url', message: 'private address' }],
          },
        );
      }
      const created = await db.transaction((tx) =>
        createWebhook(tx, services.keyring, m.tenantId, request.body, actorOf(request)),
      );
      return reply.code(201).send(created);
    },
  );
  app.get(
    base,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'List the tenant’s webhook subscriptions',
        headers: tenantHeader,
        response: { 200: z.object({ items: z.array(webhookView) }) },
      },
    },
    async (request) => ({ items: await listWebhooks(db, requireTenantAdmin(request).tenantId) }),
  );
  app.delete(
    `${base}/:id`,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Delete a webhook subscription and its pending deliveries',
        headers: tenantHeader,
        params: z.object({ id: z.string().max(64) }),
      },
    },
    async (request, reply) => {
      const m = requireTenantAdmin(request);
      const deleted = await db.transaction((tx) =>
        deleteWebhook(tx, m.tenantId, request.params.id, actorOf(request)),
      );
      if (!deleted) throw new AppError('not_found', 'no such webhook in this tenant');
      return reply.code(204).send();
    },
  );
  app.get(
    `${base}/:id/deliveries`,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'The delivery log of a subscription, newest first',
        headers: tenantHeader,
        params: z.object({ id: z.string().max(64) }),
        response: { 200: z.object({ items: z.array(deliveryView) }) },
      },
    },
    async (request) => {
      const items = await listDeliveries(db, requireTenantAdmin(request).tenantId, request.params.id);
      if (items === null) throw new AppError('not_found', 'no such webhook in this tenant');
      return { items };
    },
  );
  app.post(
    `${base}/:id/rotate-secret`,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary:
          'Give a subscription a new signing secret (shown once); the old one signs too during the overlap',
        headers: tenantHeader,
        params: z.object({ id: z.string().max(64) }),
        body: z
          .object({
            overlapSeconds: z
              .number()
              .int()
              .min(0)
              .max(MAX_OVERLAP_SECONDS)
              .default(86_400)
              .describe(
                'How long deliveries keep a second signature made with the old secret (0: drop it now)',
              ),
          })
          .strict()
          .default({ overlapSeconds: 86_400 }),
        response: { 200: z.object({ webhook: webhookView, secret: z.string() }) },
      },
    },
    async (request) => {
      const m = requireTenantAdmin(request);
      const rotated = await db.transaction((tx) =>
        rotateWebhookSecret(
          tx,
          services.keyring,
          m.tenantId,
          request.params.id,
          request.body.overlapSeconds,
          actorOf(request),
        ),
      );
      if (rotated === null) throw new AppError('not_found', 'no such webhook in this tenant');
      return rotated;
    },
  );
  app.post(
    `${base}/:id/test`,
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Send a signed test delivery now and report what the receiver answered',
        headers: tenantHeader,
        params: z.object({ id: z.string().max(64) }),
        response: {
          200: z
            .object({
              delivered: z.boolean().describe('The receiver answered 2xx'),
              statusCode: z.number().int().nullable(),
              error: z.string().nullable(),
              durationMs: z.number().int(),
            })
            .meta({ id: 'AuditWebhookTestResult' }),
        },
      },
    },
    async (request) => {
      const m = requireTenantAdmin(request);
      const found = await findWebhookForSending(db, services.keyring, m.tenantId, request.params.id);
      if (found === null) throw new AppError('not_found', 'no such webhook in this tenant');
      const deliveryId = `dlv_test_${randomSecret(12).replace(/[^A-Za-z0-9]/g, '')}`;
      const now = new Date().toISOString();
      // Shaped like a real delivery so the receiver's parser and signature check are what is tested.
      const body = JSON.stringify({
        id: deliveryId,
        type: 'audit_webhook.test',
        test: true,
        event: {
          id: null,
          tenantId: m.tenantId,
          source: 'latchkey',
          action: 'audit_webhook.test',
          occurredAt: now,
          receivedAt: now,
          outcome: 'success',
          target: { type: 'audit_webhook', id: found.webhook.id, label: found.webhook.url },
          metadata: {},
        },
      });
      const outcome = await postSigned({
        url: found.webhook.url,
        body,
        secrets: found.secrets,
        deliveryId,
        eventType: 'audit_webhook.test',
        timeoutMs: services.config.audit.webhooks.timeoutMs,
      });
      await db.transaction((tx) =>
        recordAudit(tx, {
          action: 'audit_webhook.tested',
          tenantId: m.tenantId,
          actor: actorOf(request),
          target: { type: 'audit_webhook', id: found.webhook.id, label: found.webhook.url },
          outcome: outcome.error === null ? 'success' : 'failure',
          metadata: { statusCode: outcome.statusCode, error: outcome.error },
        }),
      );
      return { delivered: outcome.error === null, ...outcome };
    },
  );
};
