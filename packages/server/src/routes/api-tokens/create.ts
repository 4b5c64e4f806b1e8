import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { permissions } from '../../api-tokens/permissions.js';
import { MAX_LIFETIME_DAYS } from '../../api-tokens/service.js';
import { requireMembership, requirePrincipal } from '../../auth/tenant-context.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import { actorOf } from './actor.js';
import { createdTokenResponse, toView } from './views.js';

export const createTokenBody = z
  .object({
    name: z.string().trim().min(1).max(100).describe('Unique among your active tokens'),
    description: z.string().max(500).optional(),
    services: z.array(z.string().min(1).max(40)).min(1).max(100).describe('Service ids, or ["*"] for all'),
    permissions: z
      .array(z.enum(permissions))
      .min(1)
      .refine((p) => new Set(p).size === p.length, 'no duplicates')
      .describe('read, write, delete, exchange'),
    expiresAt: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('1 to 365 days ahead (tenant policy may be lower)'),
    expiresInDays: z
      .union([z.literal(7), z.literal(30), z.literal(90), z.literal(365)])
      .optional()
      .describe('Preset instead of expiresAt'),
    allowedCidrs: z.array(z.string().max(64)).max(50).default([]).describe('Only from these addresses'),
  })
  .strict()
  .meta({ id: 'CreateApiToken' });

/** `POST /api/v1/api-tokens`: a new token, shown once. Needs a user credential (never an API token). */
export const createTokenRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  app.post(
    '/api/v1/api-tokens',
    {
      schema: {
        tags: ['api-tokens'],
        summary: 'Create an API token (the secret is in this response only)',
        body: createTokenBody,
        response: { 201: createdTokenResponse },
      },
    },
    async (request, reply) => {
      const principal = requirePrincipal(request);
      const membership = requireMembership(request);
      const body = request.body;
      if ((body.expiresAt === undefined) === (body.expiresInDays === undefined)) {
        throw new AppError('validation_failed', 'give exactly one of expiresAt and expiresInDays', {
          fields: [
            {
              path: 'body.expiresAt',
              message: `required (or expiresInDays), at most ${MAX_LIFETIME_DAYS} days`,
            },
          ],
        });
      }
      const expiresAt =
        body.expiresAt !== undefined
          ? new Date(body.expiresAt)
          : new Date(Date.now() + (body.expiresInDays ?? 0) * 86_400_000);
      const { secret, row } = await services.apiTokens.create(
        actorOf(request),
        { userId: principal.user.id, membership },
        {
          name: body.name,
          description: body.description,
          services: body.services,
          permissions: body.permissions,
          expiresAt,
          allowedCidrs: body.allowedCidrs,
        },
      );
      return reply
        .code(201)
        .header('cache-control', 'no-store')
        .send({ token: secret, apiToken: toView(row) });
    },
  );
};
