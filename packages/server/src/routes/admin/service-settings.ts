import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { recordAudit } from '../../audit/record.js';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { findTenantSettings, updateTenantSettings } from '../../store/tenants.js';
import { effectiveServiceSettings } from '../../tenants/service-settings.js';
import { actorOf } from '../api-tokens/actor.js';

const settingsBody = z
  .object({
    refreshEnabled: z.boolean().describe('Refresh this service’s tokens in the background'),
    beforeExpirySeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .describe('Background refresh this many seconds before expiry'),
    maxConcurrency: z.number().int().min(1).max(64).describe('Refreshes of this service running at once'),
  })
  .strict()
  .meta({ id: 'ServiceSettingsChoice' });

const settingsView = settingsBody
  .extend({
    service: z.string(),
    overridden: z.boolean().describe('false: the catalogue defaults apply'),
  })
  .meta({ id: 'ServiceSettings' });

/** `GET/PUT /api/v1/admin/services/{id}/settings`: a tenant admin tunes refresh per service (SPEC §4.4, §7). */
export const serviceSettingsRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  const db = services.store.db;

  function catalogueEntry(id: string) {
    const entry = services.connectors.services.find((s) => s.id === id);
    if (entry === undefined) throw new AppError('not_found', `no service "${id}" in the catalogue`);
    return entry;
  }

  app.get(
    '/api/v1/admin/services/:id/settings',
    {
      schema: {
        tags: ['admin'],
        summary: "A service's refresh settings in this tenant",
        params: z.object({ id: z.string().min(1).max(40) }),
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const entry = catalogueEntry(request.params.id);
      const settings = await findTenantSettings(db, membership.tenantId);
      return { service: entry.id, ...effectiveServiceSettings(entry.refresh, settings.services?.[entry.id]) };
    },
  );

  app.put(
    '/api/v1/admin/services/:id/settings',
    {
      schema: {
        tags: ['admin'],
        summary: "Set a service's refresh settings in this tenant",
        params: z.object({ id: z.string().min(1).max(40) }),
        body: settingsBody,
        response: { 200: settingsView },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      const entry = catalogueEntry(request.params.id);
      const chosen = request.body;
      await db.transaction(async (tx) => {
        const current = await findTenantSettings(tx, membership.tenantId);
        const before = current.services?.[entry.id] ?? null;
        await updateTenantSettings(tx, membership.tenantId, {
          services: { ...current.services, [entry.id]: chosen },
        });
        await recordAudit(tx, {
          action: 'tenant.settings_changed',
          tenantId: membership.tenantId,
          actor: actorOf(request),
          target: { type: 'service', id: entry.id, label: entry.name },
          metadata: { serviceSettings: { from: before, to: chosen } },
        });
      });
      return { service: entry.id, ...effectiveServiceSettings(entry.refresh, chosen) };
    },
  );
};
