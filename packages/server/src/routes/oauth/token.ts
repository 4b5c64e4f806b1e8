import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { VerifiedApiToken } from '../../api-tokens/verifier.js';
import { missingScope } from '../../api-tokens/permissions.js';
import { recordAudit, type AuditActor } from '../../audit/record.js';
import { requestMeta } from '../../auth/authenticate.js';
import { selectMembership } from '../../auth/tenant-context.js';
import type { Principal } from '../../auth/principal.js';
import type { ServiceConfig } from '../../config/service-schema.js';
import { AppError } from '../../errors.js';
import type { AppServices } from '../../services.js';
import type { MembershipView } from '../../store/users.js';
import { installOAuthErrors, OAuthError } from './oauth-errors.js';

const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token' as const;

const exchanged = z.object({
  access_token: z.string(),
  issued_token_type: z.literal(ACCESS_TOKEN_TYPE),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().optional(),
  scope: z.string().optional(),
});

const form = z.looseObject({
  grant_type: z.string().max(256).optional(),
  subject_token: z.string().max(8192).optional(),
  subject_token_type: z.string().max(256).optional(),
  audience: z.string().max(2048).optional(),
  resource: z.string().max(2048).optional(),
  requested_token_type: z.string().max(256).optional(),
  tenant: z.string().max(128).optional(),
});

/**
 * `POST /oauth/token`: OAuth 2.0 Token Exchange (RFC 8693) as SPEC §6.2, for agents that must
 * call a service directly. Steps: check the request (RFC 8693 §2.1) → authenticate the subject
 * token (an `lk_` token with `exchange`, or an IdP access token) → tenant active → resolve the
 * target (`audience` = service id, or `resource` = its base URL) → scope → a fresh downstream
 * token (refreshed when needed) → audit → RFC 8693 §2.2.1 response. Errors are RFC 6749 §5.2 JSON.
 */
export const tokenExchangeRoute: FastifyPluginAsyncZod<{ services: AppServices }> = async (
  app,
  { services },
) => {
  installOAuthErrors(app);

  app.post(
    '/oauth/token',
    {
      config: { auth: 'none' },
      schema: {
        tags: ['oauth'],
        summary: 'Token exchange (RFC 8693): a downstream access token for a service',
        body: form,
        response: { 200: exchanged },
      },
    },
    async (request, reply) => {
      void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const body = request.body;
      // RFC 8693 §2.1: the grant type, a subject token and its type are required.
      if (body.grant_type === undefined) throw new OAuthError('invalid_request', 'grant_type is required');
      if (body.grant_type !== GRANT_TYPE)
        throw new OAuthError('unsupported_grant_type', `only ${GRANT_TYPE} is supported here`);
      if (body.subject_token === undefined || body.subject_token === '')
        throw new OAuthError('invalid_request', 'subject_token is required');
      if (body.subject_token_type !== ACCESS_TOKEN_TYPE)
        throw new OAuthError('invalid_request', `subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
      if (body.requested_token_type !== undefined && body.requested_token_type !== ACCESS_TOKEN_TYPE)
        throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}`);

      const principal = await subjectPrincipal(services, body.subject_token, request);
      const membership = tenantOf(principal, body.tenant ?? headerTenant(request.headers['latchkey-tenant']));
      const service = targetService(services.connectors.services, body.audience, body.resource);
      checkExchangeScope(principal.apiToken, service.id);

      const actor = actorFor(principal, requestMeta(request));
      const owner = { tenantId: membership.tenantId, userId: principal.user.id };
      let token;
      try {
        token = await services.freshTokens.acquire(owner, service.id, { actor });
      } catch (err) {
        if (
          err instanceof AppError &&
          (err.code === 'not_found' || err.code === 'connection_needs_consent')
        ) {
          throw await consentRequired(services, membership, principal, service, actor);
        }
        if (err instanceof AppError && err.status === 503) {
          throw new OAuthError('temporarily_unavailable', err.message, 503);
        }
        throw err;
      }
      await services.store.db.transaction((tx) =>
        recordAudit(tx, {
          action: 'token.exchanged',
          tenantId: membership.tenantId,
          actor,
          target: { type: 'connection', id: token.connectionId, label: service.id },
          metadata: {
            service: service.id,
            subjectTokenKind: principal.kind,
            tokenId: principal.apiToken?.id ?? null,
          },
        }),
      );
      const expiresIn =
        token.expiresAt === undefined
          ? undefined
          : Math.max(0, Math.floor((token.expiresAt.getTime() - Date.now()) / 1000));
      return {
        access_token: token.accessToken,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer' as const,
        ...(expiresIn !== undefined && { expires_in: expiresIn }),
        ...(token.scopes.length > 0 && { scope: token.scopes.join(' ') }),
      };
    },
  );
};

function headerTenant(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The subject token's holder (RFC 8693 §2.1 `subject_token`); a bad token is `invalid_grant`. */
async function subjectPrincipal(
  services: AppServices,
  token: string,
  request: { ip: string; headers: Record<string, string | string[] | undefined> },
): Promise<Principal> {
  try {
    if (token.startsWith('lk_')) {
      const v = await services.apiTokenVerifier.verify(token, request.ip);
      return {
        kind: 'api_token',
        user: v.user,
        memberships: [v.membership],
        operatorAudience: false,
        apiToken: v,
      };
    }
    const verified = await services.verifier.verify(token);
    const claims = services.config.idp.claims;
    const str = (name: string): string | null => {
      const v = verified.payload[name];
      return typeof v === 'string' ? v : null;
    };
    const groups = verified.payload[claims.groups];
    const ua = request.headers['user-agent'];
    const context = await services.users.resolve(
      {
        issuer: verified.issuer,
        subject: verified.subject,
        email: str(claims.email),
        name: str(claims.name),
        groups: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
      },
      { ip: request.ip, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null },
    );
    if (context.user.deletedAt !== null) throw new AppError('invalid_token', 'this user has been removed');
    return {
      kind: 'idp_token',
      user: context.user,
      memberships: context.memberships,
      operatorAudience: false,
    };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'tenant_suspended') throw new OAuthError('invalid_grant', err.message, 403);
    if (err.status === 503) throw new OAuthError('temporarily_unavailable', err.message, 503);
    throw new OAuthError('invalid_grant', `the subject token is not usable: ${err.message}`);
  }
}

/** The tenant the exchange acts in; SPEC §3.2: a suspended tenant's tokens stop at once (403). */
function tenantOf(principal: Principal, requested: string | undefined): MembershipView {
  let membership: MembershipView | null;
  try {
    membership = selectMembership(principal, requested);
  } catch {
    throw new OAuthError('invalid_request', 'the subject is not a member of that tenant');
  }
  if (membership === null)
    throw new OAuthError(
      'invalid_request',
      'the subject belongs to several tenants: send the tenant parameter',
    );
  if (membership.tenantStatus === 'suspended' || membership.tenantStatus === 'deleted')
    throw new OAuthError(
      'invalid_grant',
      `tenant ${membership.tenantSlug} is ${membership.tenantStatus}`,
      403,
    );
  return membership;
}

/** RFC 8693 §2.1: `audience` names the service by id, `resource` by its base URL. */
function targetService(
  catalogue: readonly ServiceConfig[],
  audience: string | undefined,
  resource: string | undefined,
): ServiceConfig {
  if (audience === undefined && resource === undefined)
    throw new OAuthError('invalid_request', 'audience (a service id) or resource (its base URL) is required');
  const byAudience = audience === undefined ? undefined : catalogue.find((s) => s.id === audience);
  const byResource =
    resource === undefined ? undefined : catalogue.find((s) => sameResource(s.baseUrl, resource));
  if (
    (audience !== undefined && byAudience === undefined) ||
    (resource !== undefined && byResource === undefined)
  )
    throw new OAuthError('invalid_target', 'no such service in the catalogue');
  if (byAudience !== undefined && byResource !== undefined && byAudience !== byResource)
    throw new OAuthError('invalid_target', 'audience and resource name different services');
  const service = byAudience ?? byResource;
  if (service === undefined) throw new OAuthError('invalid_target', 'no such service in the catalogue');
  return service;
}

function sameResource(baseUrl: string, resource: string): boolean {
  const strip = (u: string) => u.replace(/\/+$/, '');
  return URL.canParse(resource) && strip(new URL(resource).href) === strip(new URL(baseUrl).href);
}

/**
 * SPEC §5: an API token needs the `exchange` permission (it bypasses method scoping) and the
 * service in its scope; user credentials carry the user's rights.
 */
function checkExchangeScope(token: VerifiedApiToken | undefined, serviceId: string): void {
  if (token === undefined) return;
  const missing = missingScope(token.scope, serviceId, ['exchange']);
  if (missing.includes(`service:${serviceId}`))
    throw new OAuthError('invalid_target', `this API token is not scoped to ${serviceId}`);
  if (missing.length > 0)
    throw new OAuthError('unauthorized_client', 'this API token lacks the exchange permission');
}

function actorFor(principal: Principal, meta: { ip: string | null; userAgent: string | null }): AuditActor {
  return principal.apiToken !== undefined
    ? { type: 'api_token', id: principal.apiToken.id, label: principal.apiToken.name, ...meta }
    : { type: 'user', id: principal.user.id, label: principal.user.email, ...meta };
}

/** SPEC §6.2: consent_required is `invalid_grant` with an `authorization_url` member. */
async function consentRequired(
  services: AppServices,
  membership: MembershipView,
  principal: Principal,
  service: ServiceConfig,
  actor: AuditActor,
): Promise<OAuthError> {
  const started = await services.consent.startOnRefusal({
    tenantId: membership.tenantId,
    user: principal.user,
    serviceId: service.id,
    actor,
  });
  const description = `consent_required: connect ${service.id} first`;
  return started.kind === 'consent_required'
    ? new OAuthError('invalid_grant', description, 400, { authorization_url: started.authorizationUrl })
    : new OAuthError('invalid_grant', description);
}
