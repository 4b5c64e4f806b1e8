import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { activityWindows, dashboardSummary } from '../activity/dashboard.js';
import { requireMembership, requirePrincipal, requireTenantAdmin } from '../auth/tenant-context.js';
import type { AppServices } from '../services.js';

const counted = { calls: z.number().int(), failed: z.number().int() };

const dashboardResponse = z
  .object({
    window: z.enum(activityWindows),
    view: z.enum(['own', 'tenant']),
    from: z.iso.datetime().describe('Start of the first hour of the window (UTC)'),
    counts: z.object({
      activeConnections: z.number().int(),
      needsConsent: z.number().int(),
      activeTokens: z.number().int().describe('API tokens usable now'),
      expiringSoon: z.number().int().describe('Usable API tokens expiring within 7 days'),
      refreshFailures: z.number().int().describe('Failed refreshes in the window'),
    }),
    proxy: z.object({
      ...counted,
      services: z
        .array(z.object({ service: z.string(), name: z.string(), ...counted }))
        .describe('Services called in the window, busiest first'),
      hours: z
        .array(z.object({ hour: z.iso.datetime(), service: z.string(), ...counted }))
        .describe('Calls per hour and service; hours without calls are absent'),
    }),
    refreshes: z.object({
      succeeded: z.number().int(),
      failed: z.number().int(),
      hours: z
        .array(z.object({ hour: z.iso.datetime(), succeeded: z.number().int(), failed: z.number().int() }))
        .describe('Refresh attempts per hour; hours without any are absent'),
    }),
  })
  .meta({ id: 'Dashboard' });

/**
 * `GET /api/v1/dashboard` (SPEC §9 Dashboard): the caller's figures and charts in the active
 * tenant, or the whole tenant's with `view=tenant` (tenant admins).
 */
export const dashboardRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/dashboard',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['identity'],
        summary: 'Dashboard figures, proxied calls per service and refresh outcomes over 24 h or 7 days',
        querystring: z.object({
          window: z.enum(activityWindows).default('24h'),
          view: z.enum(['own', 'tenant']).default('own').describe('`tenant` needs the admin or owner role'),
        }),
        headers: z.object({ 'latchkey-tenant': z.string().max(80).optional() }),
        response: { 200: dashboardResponse },
      },
    },
    async (request) => {
      const { window, view } = request.query;
      const membership = view === 'tenant' ? requireTenantAdmin(request) : requireMembership(request);
      const userId = view === 'tenant' ? undefined : requirePrincipal(request).user.id;
      const summary = await dashboardSummary(
        services.store.db,
        { tenantId: membership.tenantId, userId },
        window,
        new Date(),
      );
      const catalogue = services.connectors.services;
      const name = (id: string) => catalogue.find((s) => s.id === id)?.name ?? id;
      return {
        window,
        view,
        from: summary.from.toISOString(),
        counts: summary.counts,
        proxy: {
          calls: summary.proxy.calls,
          failed: summary.proxy.failed,
          services: summary.proxy.services.map((s) => ({
            service: s.serviceId,
            name: name(s.serviceId),
            calls: s.calls,
            failed: s.failed,
          })),
          hours: summary.proxy.hours.map((h) => ({
            hour: h.hour.toISOString(),
            service: h.serviceId,
            calls: h.calls,
            failed: h.failed,
          })),
        },
        refreshes: {
          succeeded: summary.refreshes.succeeded,
          failed: summary.refreshes.failed,
          hours: summary.refreshes.hours.map((h) => ({ ...h, hour: h.hour.toISOString() })),
        },
      };
    },
  );
};
