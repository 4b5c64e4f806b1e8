import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createWebhook,
  deleteWebhook,
  listDeliveries,
  listWebhooks,
} from '../../audit/webhooks/subscriptions.js';
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
};
