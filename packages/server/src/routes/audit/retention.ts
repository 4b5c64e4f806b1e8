import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getRetention, setRetention } from '../../audit/retention/policy.js';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { actorOf } from '../api-tokens/actor.js';

const retentionView = z
  .object({ days: z.number().int().nullable().describe('Days events are kept; null: forever') })
  .meta({ id: 'AuditRetention' });

/** `GET/PUT /api/v1/admin/audit/retention`: the tenant's audit retention (tenant admins). */
export const auditRetentionRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const headers = z.object({ 'latchkey-tenant': z.string().max(80).optional() });
  app.get(
    '/api/v1/admin/audit/retention',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'The tenant’s audit retention',
        headers,
        response: { 200: retentionView },
      },
    },
    async (request) => ({
      days: await getRetention(services.store.db, requireTenantAdmin(request).tenantId),
    }),
  );
  app.put(
    '/api/v1/admin/audit/retention',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Set the tenant’s audit retention; the oldest whole blocks past it are purged',
        headers,
        body: z.object({ days: z.number().int().min(1).max(36_500).nullable() }).strict(),
        response: { 200: retentionView },
      },
    },
    async (request) => {
      const m = requireTenantAdmin(request);
      await services.store.db.transaction((tx) =>
        setRetention(tx, m.tenantId, request.body.days, actorOf(request)),
      );
      return { days: request.body.days };
    },
  );
};
