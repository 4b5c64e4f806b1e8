import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { verifyChains } from '../../audit/chain/verify.js';
import { requireTenantAdmin } from '../../auth/tenant-context.js';
import type { AppServices } from '../../services.js';
import { requireOperator } from './require-operator.js';

const brokenBlock = z.object({ chainId: z.string(), blockSeq: z.number().int(), reason: z.string() });

export const verifyResponse = z
  .object({
    ok: z.boolean().describe('Every chain verified'),
    firstBroken: brokenBlock.nullable().describe('The first block that does not verify'),
    unsealedEvents: z.number().int().describe('Events the sealer has not reached yet'),
    chains: z.array(
      z.object({
        chainId: z.string(),
        blocks: z.number().int(),
        events: z.number().int(),
        anchorSeq: z.number().int(),
        headSeq: z.number().int(),
        broken: brokenBlock.nullable(),
      }),
    ),
  })
  .meta({ id: 'AuditVerifyReport' });

/** `GET /api/v1/admin/audit/verify` (the tenant's chain) and `/api/v1/operator/audit/verify` (all). */
export const auditVerifyRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/admin/audit/verify',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Recompute the tenant’s audit hash chain and name the first broken block',
        headers: z.object({ 'latchkey-tenant': z.string().max(80).optional() }),
        response: { 200: verifyResponse },
      },
    },
    async (request) => {
      const membership = requireTenantAdmin(request);
      return verifyChains(services.store.db, { tenantId: membership.tenantId });
    },
  );
  app.get(
    '/api/v1/operator/audit/verify',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['audit'],
        summary: 'Recompute every audit hash chain and name the first broken block',
        response: { 200: verifyResponse },
      },
    },
    async (request) => {
      requireOperator(request);
      return verifyChains(services.store.db);
    },
  );
};
