import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { findApiToken, listApiTokens } from '../../store/api-tokens.js';
import { apiTokenView, tokenIdParams, toView } from './views.js';

/** `GET /api/v1/api-tokens[/{id}]`: the caller's own tokens in the active tenant. */
export const readTokenRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.get(
    '/api/v1/api-tokens',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'List your API tokens',
        response: { 200: z.object({ items: z.array(apiTokenView) }) },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const membership = requireMembership(request);
      const rows = await listApiTokens(services.store.db, membership.tenantId, { userId: principal.user.id });
      return { items: rows.map(toView) };
    },
  );

  app.get(
    '/api/v1/api-tokens/:id',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'Show one of your API tokens',
        params: tokenIdParams,
        response: { 200: apiTokenView },
      },
    },
    async (request) => {
      const principal = requirePrincipal(request);
      const membership = requireMembership(request);
      const row = await findApiToken(services.store.db, membership.tenantId, request.params.id);
      // Another user's token in the same tenant is as invisible as another tenant's.
      if (row?.userId !== principal.user.id) throw new AppError('not_found', 'no such API token');
      return toView(row);
    },
  );
};
