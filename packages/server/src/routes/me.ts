import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestedTenant, requirePrincipal, selectMembership } from '../auth/tenant-context.js';
import type { AppServices } from '../services.js';

const role = z.enum(['owner', 'admin', 'member', 'guest']);
const tenantStatus = z.enum(['pending', 'active', 'suspended', 'deleted']);

const membership = z.object({
  tenantId: z.string(),
  slug: z.string(),
  name: z.string(),
  status: tenantStatus,
  role,
});

export const meResponse = z
  .object({
    credential: z.enum(['idp_token', 'session', 'api_token']).describe('How the caller authenticated'),
    user: z.object({
      id: z.string(),
      issuer: z.string(),
      subject: z.string(),
      email: z.string().nullable(),
      name: z.string().nullable(),
      platformAdmin: z.boolean(),
    }),
    tenant: membership
      .nullable()
      .describe('Tenant this request acts in (Latchkey-Tenant header or sole membership)'),
    memberships: z.array(membership),
    operator: z
      .boolean()
      .describe('The operator API is open to this credential (audience and platform-admin flag)'),
    apiToken: z
      .object({
        id: z.string(),
        name: z.string(),
        services: z.union([z.literal('*'), z.array(z.string())]),
        permissions: z.array(z.string()),
        expiresAt: z.iso.datetime(),
      })
      .nullable()
      .describe('The API token used, with its scopes (null for other credentials)'),
  })
  .meta({ id: 'Me' });

/** `GET /api/v1/me`: who the caller is, for every kind of credential. */
export const meRoutes: FastifyPluginAsyncZod<{ services: AppServices }> = async (app) => {
  app.get(
    '/api/v1/me',
    {
      config: { auth: 'user', apiTokens: 'allow' },
      schema: {
        tags: ['identity'],
        summary: 'The authenticated caller, its memberships and the active tenant',
        headers: z.object({ 'latchkey-tenant': z.string().max(80).optional() }),
        response: { 200: meResponse },
      },
    },
    (request) => {
      const principal = requirePrincipal(request);
      const toView = (m: (typeof principal.memberships)[number]) => ({
        tenantId: m.tenantId,
        slug: m.tenantSlug,
        name: m.tenantName,
        status: m.tenantStatus,
        role: m.role,
      });
      const active = selectMembership(principal, requestedTenant(request));
      const u = principal.user;
      return {
        credential: principal.kind,
        user: {
          id: u.id,
          issuer: u.issuer,
          subject: u.subject,
          email: u.email,
          name: u.name,
          platformAdmin: u.platformAdmin,
        },
        tenant: active === null ? null : toView(active),
        memberships: principal.memberships.map(toView),
        operator: principal.operatorAudience && u.platformAdmin,
        apiToken:
          principal.apiToken === undefined
            ? null
            : {
                id: principal.apiToken.id,
                name: principal.apiToken.name,
                services:
                  principal.apiToken.scope.services === '*'
                    ? ('*' as const)
                    : [...principal.apiToken.scope.services],
                permissions: [...principal.apiToken.scope.permissions],
                expiresAt: principal.apiToken.expiresAt.toISOString(),
              },
      };
    },
  );
};
