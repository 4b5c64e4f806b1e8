import { z } from 'zod';

/*
 * The service catalogue (SPEC §4.1): one entry per downstream service. A new OAuth2/OIDC service
 * needs only an entry here, no code. Every option is described: docs/config.md is generated.
 */

const httpUrl = z.url({ protocol: /^https?$/ });

/** An http(s) URL that may hold `{username}`, filled in per user (Cozy-style instances). */
const urlPattern = z
  .string()
  .min(1)
  .refine((v) => URL.canParse(v.replaceAll('{username}', 'user')) && /^https?:\/\//.test(v), {
    message: 'must be an http(s) URL, optionally with {username}',
  });

const scopes = z.array(
  z
    .string()
    .min(1)
    .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'RFC 6749 §3.3 scope token'),
);

const clientFields = {
  clientId: z.string().min(1).describe('Client id Latchkey is registered with at the provider.'),
  clientSecret: z.string().min(1).optional().describe('Client secret; absent for a public client.'),
  tokenEndpointAuthMethod: z
    .enum(['client_secret_basic', 'client_secret_post', 'none'])
    .optional()
    .describe(
      'Client authentication at the token endpoint (RFC 6749 §2.3). Default: basic with a secret, none without.',
    ),
};

const tokenFields = {
  resource: z
    .string()
    .min(1)
    .refine((v) => URL.canParse(v), 'must be an absolute URI')
    .optional()
    .describe('RFC 8707 resource indicator sent with the authorization and token requests.'),
  audience: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Expected `aud` of a JWT access token; a token minted for another audience is refused. Default: the resource.',
    ),
  pkce: z.boolean().default(true).describe('PKCE S256 (RFC 7636). Leave on unless the provider rejects it.'),
  authorizationParams: z
    .record(z.string(), z.string())
    .default({})
    .describe('Extra query parameters of the authorization request (e.g. `prompt`).'),
};

const oidcConnectorSchema = z
  .object({
    type: z.literal('oidc'),
    issuer: httpUrl.describe('OIDC issuer; endpoints come from its discovery document.'),
    ...clientFields,
    scopes: scopes.default(['openid', 'offline_access']).describe('Scopes requested.'),
    ...tokenFields,
  })
  .strict();

const oauth2ConnectorSchema = z
  .object({
    type: z.literal('oauth2'),
    issuer: httpUrl
      .optional()
      .describe('Issuer identifier; when set, the `iss` of authorization responses is checked (RFC 9207).'),
    authorizationEndpoint: httpUrl.describe('Authorization endpoint (RFC 6749 §3.1).'),
    tokenEndpoint: httpUrl.describe('Token endpoint (RFC 6749 §3.2).'),
    revocationEndpoint: httpUrl
      .optional()
      .describe('Revocation endpoint (RFC 7009); revocation is skipped without it.'),
    ...clientFields,
    scopes: scopes.default([]).describe('Scopes requested.'),
    ...tokenFields,
  })
  .strict();

const oauth2DcrConnectorSchema = z
  .object({
    type: z.literal('oauth2-dcr'),
    issuer: urlPattern.describe(
      "Provider (instance) URL, e.g. `https://{username}.drive.example.com`; `{username}` is the local part of the user's e-mail.",
    ),
    discovery: z
      .boolean()
      .default(true)
      .describe("Read endpoints from the issuer's discovery document (OIDC, then RFC 8414)."),
    endpoints: z
      .object({
        registration: z
          .string()
          .min(1)
          .optional()
          .describe('RFC 7591 registration endpoint (URL or path on the instance).'),
        authorization: z.string().min(1).optional().describe('Authorization endpoint (URL or path).'),
        token: z.string().min(1).optional().describe('Token endpoint (URL or path).'),
        revocation: z.string().min(1).optional().describe('RFC 7009 revocation endpoint (URL or path).'),
      })
      .strict()
      .default({})
      .describe(
        'Endpoints that override or replace discovery (Cozy: /auth/register, /auth/authorize, /auth/access_token).',
      ),
    clientName: z.string().min(1).default('Latchkey').describe('`client_name` sent at registration.'),
    softwareId: z.string().min(1).optional().describe('`software_id` sent at registration (RFC 7591 §2).'),
    registrationMetadata: z
      .record(z.string(), z.union([z.string(), z.array(z.string())]))
      .default({})
      .describe('Extra client metadata sent at registration (e.g. Cozy `software_version`).'),
    initialAccessToken: z
      .string()
      .min(1)
      .optional()
      .describe('RFC 7591 §3 initial access token, if required.'),
    scopes: scopes.default([]).describe('Scopes requested.'),
    ...tokenFields,
  })
  .strict();

const matrixSsoConnectorSchema = z
  .object({
    type: z.literal('matrix-sso'),
    homeserver: httpUrl.describe('Base URL of the homeserver client-server API.'),
    idpId: z
      .string()
      .min(1)
      .optional()
      .describe('SSO identity provider id (`/login/sso/redirect/{idpId}`) when the homeserver has several.'),
    deviceDisplayName: z
      .string()
      .min(1)
      .default('Latchkey')
      .describe('`initial_device_display_name` at login.'),
  })
  .strict();

/** How Latchkey obtains, refreshes and revokes a user's tokens for a service. */
export const connectorSchema = z
  .discriminatedUnion('type', [
    oidcConnectorSchema,
    oauth2ConnectorSchema,
    oauth2DcrConnectorSchema,
    matrixSsoConnectorSchema,
  ])
  .describe('How Latchkey obtains tokens for this service: oidc | oauth2 | oauth2-dcr | matrix-sso.');

const proxySchema = z
  .object({
    host: z
      .string()
      .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a host name')
      .optional()
      .describe('Host-based route (e.g. `files.proxy.example.com`), keeping the upstream paths.'),
    inject: z
      .object({
        header: z.string().min(1).default('Authorization').describe('Header the token is put in.'),
        format: z
          .string()
          .includes('{token}')
          .default('Bearer {token}')
          .describe('Header value; `{token}` is replaced by the access token.'),
      })
      .strict()
      .default({ header: 'Authorization', format: 'Bearer {token}' }),
    headers: z.record(z.string(), z.string()).default({}).describe('Extra headers sent upstream.'),
    classifier: z
      .enum(['methods', 'jmap'])
      .default('methods')
      .describe('How requests map to read/write/delete: by HTTP method, or per JMAP method call.'),
    rewrite: z
      .object({
        locationHeaders: z
          .boolean()
          .default(true)
          .describe('Rewrite Location, Content-Location, Destination.'),
        davHrefs: z
          .boolean()
          .optional()
          .describe('Rewrite hrefs in multistatus bodies (default: when `dav`).'),
      })
      .strict()
      .default({ locationHeaders: true })
      .describe('Response rewriting.'),
  })
  .strict();

const refreshSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Refresh tokens of this service in the background.'),
    earlySeconds: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .default(60)
      .describe('On demand: refresh first when the token expires within this many seconds.'),
    beforeExpirySeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe('Background: refresh this many seconds before expiry.'),
  })
  .strict();

const stepId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/)
  .describe('Step id, recorded per tenant.');

const stepPlans = z
  .array(z.string().min(1))
  .optional()
  .describe('Run only for tenants on these plans; others record the step as `skipped`.');

/** An http(s) URL that may hold `{tenant}`: the slug is a DNS label, so it may stand in a host name too. */
const tenantUrl = z
  .string()
  .min(1)
  .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v.replaceAll('{tenant}', 'tenant')), {
    message: 'must be an http(s) URL, optionally with {tenant}',
  });

const httpStepSchema = z
  .object({
    id: stepId,
    type: z.literal('http').describe('A signed HTTP call (webhook-style) to the service.'),
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    url: tenantUrl.describe('URL; `{tenant}` in it is replaced by the tenant slug.'),
    headers: z.record(z.string(), z.string()).default({}).describe('Headers (use `${VAR}` for secrets).'),
    body: z
      .unknown()
      .optional()
      .describe(
        'JSON body; `{tenant}` in strings is replaced. Default: the tenant (id, slug, name, plan, domains).',
      ),
    secret: z
      .string()
      .min(16)
      .optional()
      .describe('HMAC-SHA256 key of the `Latchkey-Signature: t=…,v1=…` header (over `t.body`).'),
    plans: stepPlans,
  })
  .strict();

const webdavMkcolStepSchema = z
  .object({
    id: stepId,
    type: z
      .literal('webdav-mkcol')
      .describe("Creates the tenant's collection with WebDAV MKCOL (RFC 4918 §9.3)."),
    url: tenantUrl.describe('Collection URL, e.g. `https://dav.example.com/spaces/{tenant}/`.'),
    username: z.string().min(1).optional().describe('Basic authentication user.'),
    password: z.string().min(1).optional().describe('Basic authentication password (use `${VAR}`).'),
    plans: stepPlans,
  })
  .strict();

/** One tenant provisioning step (SPEC §7), run when a tenant is created and by reconcile. */
export const provisioningStepSchema = z
  .discriminatedUnion('type', [httpStepSchema, webdavMkcolStepSchema])
  .describe('http | webdav-mkcol.');

export type ProvisioningStepConfig = z.output<typeof provisioningStepSchema>;

export const serviceSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,39}$/, 'lowercase letters, digits and -, starting with a letter')
      .describe('Service id used in URLs (`/proxy/{id}/…`).'),
    name: z.string().min(1).describe('Display name.'),
    baseUrl: httpUrl.describe('Upstream base URL; the proxy never leaves it.'),
    dav: z.boolean().default(false).describe('WebDAV/CalDAV/CardDAV service (href rewriting, Basic auth).'),
    connector: connectorSchema,
    proxy: proxySchema
      .default({
        inject: { header: 'Authorization', format: 'Bearer {token}' },
        headers: {},
        classifier: 'methods',
        rewrite: { locationHeaders: true },
      })
      .describe('Proxy options (injection, host route, classifier, rewriting).'),
    refresh: refreshSchema
      .default({ enabled: true, earlySeconds: 60, beforeExpirySeconds: 300 })
      .describe('Refresh defaults.'),
    provisioning: z.array(provisioningStepSchema).default([]).describe('Tenant provisioning steps.'),
  })
  .strict();

export type ServiceConfig = z.output<typeof serviceSchema>;
export type ConnectorConfig = ServiceConfig['connector'];
