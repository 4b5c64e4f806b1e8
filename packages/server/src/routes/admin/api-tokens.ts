import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { findApiToken, listApiTokens } from '../../store/api-tokens.js';
import { findTenantSettings, updateTenantSettings } from '../../store/tenants.js';
import { recordAudit } from '../../audit/record.js';
import { MAX_LIFETIME_DAYS } from '../../api-tokens/service.js';
import { actorOf } from '../api-tokens/actor.js';
import { apiTokenView, statusOf, tokenIdParams, tokenStatus, toView } from '../api-tokens/views.js';

const adminTokenView = apiTokenView
  .extend({ owner: z.object({ id: z.string(), email: z.string().nullable(), name: z.string().nullable() }) })
  .meta({ id: 'AdminApiToken' });

const tokenPolicy = z
  .object({
    maxLifetimeDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIFETIME_DAYS)
      .nullable()
      .describe('Longest lifetime of new API tokens in this tenant; null: the global 365 days'),
  })
  .strict()
  .meta({ id: 'TokenPolicy' });

/** Tenant administration of API tokens (SPEC §5, §7): every token of the tenant, revoke, bulk, policy. */
export const adminTokenRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const db = services.store.db;

  app.get(
    '/api/v1/admin/api-tokens',
    {
      schema: {
        tags: ['admin'],
        summary: 'List every API token of the tenant with its owner',
        querystring: z
          .object({
            userId: z.string().max(64).optional(),
            service: z.string().max(40).optional(),
            status: tokenStatus.optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(adminTokenView) }) },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const q = request.query;
      const rows = await listApiTokens(db, membership.tenantId, { userId: q.userId, service: q.service });
      const items = rows
        .filter((r) => q.status === undefined || statusOf(r) === q.status)
        .map((r) => ({ ...toView(r), owner: { id: r.userId, email: r.ownerEmail, name: r.ownerName } }));
      return { items };
    },
  );

  app.delete(
    '/api/v1/admin/api-tokens/:id',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke any API token of the tenant',
        params: tokenIdParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const membership = requireTenantAdmin(request);
      const row = await findApiToken(db, membership.tenantId, request.params.id);
      if (row === undefined) throw new AppError('not_found', 'no such API token');
      await services.apiTokens.revoke(
        actorOf(request),
        membership.tenantId,
        { ids: [row.id] },
        'revoked by tenant admin',
      );
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/admin/revocations',
    {
      schema: {
        tags: ['admin'],
        summary: 'Bulk revoke API tokens by user, service or ids (one audit event per token)',
        body: z
          .object({
            userId: z.string().min(1).max(64).optional(),
            service: z.string().min(1).max(40).optional(),
            ids: z.array(z.string().min(1).max(64)).min(1).max(1000).optional(),
            reason: z.string().max(200).optional(),
          })
          .strict()
          .refine((b) => b.userId !== undefined || b.service !== undefined || b.ids !== undefined, {
            message: 'name at least one of userId, service, ids',
          }),
        response: { 200: z.object({ revoked: z.number().int(), ids: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const b = request.body;
      const revoked = await services.apiTokens.revoke(
        actorOf(request),
        membership.tenantId,
        { userId: b.userId, service: b.service, ids: b.ids },
        b.reason ?? 'bulk revocation by tenant admin',
      );
      return { revoked: revoked.length, ids: revoked.map((r) => r.id) };
    },
  );

  app.get(
    '/api/v1/admin/token-policy',
    { schema: { tags: ['admin'], summary: "The tenant's API token policy", response: { 200: tokenPolicy } } },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const settings = await findTenantSettings(db, membership.tenantId);
      return { maxLifetimeDays: settings.tokenMaxLifetimeDays ?? null };
    },
  );

  app.put(
    '/api/v1/admin/token-policy',
    {
      schema: {
        tags: ['admin'],
        summary: "Set the tenant's API token policy (applies to new tokens)",
        body: tokenPolicy,
        response: { 200: tokenPolicy },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const maxLifetimeDays = request.body.maxLifetimeDays;
      await db.transaction(async (tx) => {
        const before = await findTenantSettings(tx, membership.tenantId);
        await updateTenantSettings(tx, membership.tenantId, { tokenMaxLifetimeDays: maxLifetimeDays });
        await recordAudit(tx, {
          action: 'tenant.settings_changed',
          tenantId: membership.tenantId,
          actor: actorOf(request),
          target: { type: 'tenant', id: membership.tenantId, label: membership.tenantSlug },
          metadata: {
            tokenMaxLifetimeDays: { from: before.tokenMaxLifetimeDays ?? null, to: maxLifetimeDays },
          },
        });
      });
      return { maxLifetimeDays };
    },
  );
};
