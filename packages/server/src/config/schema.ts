import { noticesSchema } from './notices-schema.js';
import { z } from 'zod';
import { auditSchema } from './audit-schema.js';
import { refresherSchema } from './refresher-schema.js';
import { proxyLimitsSchema } from './proxy-schema.js';
import { serviceSchema } from './service-schema.js';

/*
 * The whole configuration, validated once at start. Every option carries a description: the
 * config reference in docs/config.md is generated from this file.
 */

const slug = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be a lowercase DNS label')
  .describe('Lowercase DNS label, immutable once created.');

const httpUrl = z.url({ protocol: /^https?$/ });

const serverSchema = z
  .object({
    host: z.string().min(1).default('127.0.0.1').describe('Interface to listen on (`LATCHKEY_HOST`).'),
    port: z
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8080)
      .describe('TCP port; 0 picks a free one (`LATCHKEY_PORT`).'),
    publicUrl: httpUrl
      .optional()
      .describe('URL users reach Latchkey at (`LATCHKEY_PUBLIC_URL`). Defaults to http://host:port.'),
    trustProxy: z
      .union([z.boolean(), z.string(), z.array(z.string())])
      .default(false)
      .describe('Trust X-Forwarded-* from these proxies (Fastify `trustProxy`).'),
    bodyLimitBytes: z
      .number()
      .int()
      .positive()
      .default(1_048_576)
      .describe('Largest JSON body the API accepts, in bytes.'),
  })
  .strict();

const databaseSchema = z
  .object({
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional()
      .describe('PostgreSQL URL (`LATCHKEY_DATABASE_URL`). Absent: embedded PGlite under `dataDir`.'),
    poolSize: z.number().int().min(1).max(200).default(10).describe('PostgreSQL pool size per process.'),
  })
  .strict();

const keySchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -, at most 32')
      .describe('Key id stored with each ciphertext.'),
    key: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
      .describe('32 random bytes, base64. Use `${VAR}` to keep it out of the file.'),
  })
  .strict();

const issuerSchema = z
  .object({
    issuer: httpUrl.describe('Expected `iss` of the IdP access tokens.'),
    audiences: z
      .array(z.string().min(1))
      .min(1)
      .default(['latchkey'])
      .describe('Accepted `aud` values for the API.'),
    operatorAudiences: z
      .array(z.string().min(1))
      .default(['latchkey-operator'])
      .describe('Audiences that, with the platform-admin flag, open the operator API.'),
    jwksUri: httpUrl.optional().describe('JWKS URL; discovered from the issuer when absent.'),
    algorithms: z
      .array(
        z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']),
      )
      .min(1)
      .default(['RS256', 'PS256', 'ES256', 'EdDSA'])
      .describe('Allowed signature algorithms (never `none` nor HS*).'),
  })
  .strict();

const groupMappingSchema = z
  .object({
    group: z.string().min(1).describe('IdP group name as it appears in the groups claim.'),
    platformAdmin: z.boolean().optional().describe('Members of the group are platform admins.'),
    tenant: slug.optional().describe('Tenant slug the group grants a membership in (created when missing).'),
    role: z.enum(['owner', 'admin', 'member', 'guest']).optional().describe('Role of that membership.'),
  })
  .strict()
  .refine((m) => m.platformAdmin === true || (m.tenant !== undefined && m.role !== undefined), {
    message: 'a mapping needs platformAdmin: true or both tenant and role',
  });

const idpSchema = z
  .object({
    issuers: z.array(issuerSchema).default([]).describe('IdPs whose access tokens the API accepts.'),
    clockSkewSeconds: z.number().int().min(0).max(300).default(30).describe('Tolerance on exp/nbf/iat.'),
    console: z
      .object({
        issuer: httpUrl.describe('Issuer the console signs in with (OIDC code + PKCE).'),
        clientId: z.string().min(1).describe('Client id registered at the IdP.'),
        clientSecret: z.string().min(1).optional().describe('Client secret; absent for a public client.'),
        scopes: z.array(z.string()).default(['openid', 'email', 'profile']).describe('Scopes requested.'),
        operator: z
          .object({
            resource: httpUrl
              .optional()
              .describe('RFC 8707 resource indicator the IdP maps to an operator audience.'),
            scopes: z
              .array(z.string().min(1))
              .default([])
              .describe('Extra scopes that make the IdP add an operator audience.'),
          })
          .strict()
          .optional()
          .describe(
            'Operator sign-in: how the console asks for an operator-audience access token. ' +
              'Absent: platform admins use the operator API with tokens only.',
          ),
      })
      .strict()
      .optional()
      .describe('Console sign-in. Defaults to the development IdP in development mode.'),
    claims: z
      .object({
        email: z.string().default('email').describe('Claim holding the e-mail.'),
        name: z.string().default('name').describe('Claim holding the display name.'),
        groups: z.string().default('groups').describe('Claim holding the groups (array of strings).'),
      })
      .strict()
      .default({ email: 'email', name: 'name', groups: 'groups' }),
    groupMappings: z
      .array(groupMappingSchema)
      .default([])
      .describe('Groups → memberships and platform admin.'),
  })
  .strict();

const tenantSeedSchema = z
  .object({
    slug,
    name: z.string().min(1).max(200).describe('Display name.'),
    plan: z.string().min(1).max(64).default('standard').describe('Commercial plan.'),
  })
  .strict();

export const configSchema = z
  .object({
    server: serverSchema.default({
      host: '127.0.0.1',
      port: 8080,
      trustProxy: false,
      bodyLimitBytes: 1_048_576,
    }),
    dataDir: z
      .string()
      .min(1)
      .default('.latchkey')
      .describe('Directory of the embedded store and generated keys (`LATCHKEY_DATA_DIR`).'),
    database: databaseSchema.default({ poolSize: 10 }),
    encryption: z
      .object({
        keys: z
          .array(keySchema)
          .min(1)
          .optional()
          .describe('The first key encrypts, all decrypt. Absent: generated under dataDir (embedded only).'),
      })
      .strict()
      .default({}),
    idp: idpSchema.default({
      issuers: [],
      clockSkewSeconds: 30,
      claims: { email: 'email', name: 'name', groups: 'groups' },
      groupMappings: [],
    }),
    dev: z
      .object({
        enabled: z
          .boolean()
          .optional()
          .describe(
            'Development IdP and demo users (`LATCHKEY_DEV=1`). Default: on when no IdP is configured.',
          ),
      })
      .strict()
      .default({}),
    session: z
      .object({
        ttlSeconds: z
          .number()
          .int()
          .min(300)
          .max(2_592_000)
          .default(43_200)
          .describe('Console session lifetime.'),
        operatorTtlSeconds: z
          .number()
          .int()
          .min(300)
          .max(2_592_000)
          .default(3_600)
          .describe(
            'Lifetime of an operator sign-in session (it opens the operator API); never longer than `ttlSeconds`.',
          ),
      })
      .strict()
      .default({ ttlSeconds: 43_200, operatorTtlSeconds: 3_600 }),
    log: z
      .object({
        level: z
          .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('info')
          .describe('Log level (`LATCHKEY_LOG_LEVEL`).'),
      })
      .strict()
      .default({ level: 'info' }),
    tenants: z.array(tenantSeedSchema).default([]).describe('Tenants created at start when missing.'),
    services: z.array(serviceSchema).default([]).describe('The service catalogue.'),
    proxy: proxyLimitsSchema
      .prefault({})
      .describe('Proxy limits: body size, timeouts, rate limit, concurrency.'),
    introspection: z
      .object({
        clients: z
          .array(z.object({ clientId: z.string().min(1), clientSecret: z.string().min(16) }).strict())
          .default([])
          .describe('Resource servers allowed to call /oauth/introspect.'),
      })
      .strict()
      .default({ clients: [] }),
    audit: auditSchema.prefault({}).describe('Audit: sealing, ingest sources, outgoing webhooks, retention.'),
    refresher: refresherSchema
      .prefault({})
      .describe('Background refresh of downstream tokens on this replica (SPEC §4.4).'),
    notices: noticesSchema
      .prefault({})
      .describe('Notices to owners: tokens about to expire, connections needing consent (SPEC §5).'),
  })
  .strict()
  .superRefine((c, ctx) => {
    // On PostgreSQL each refresh in flight holds a pooled connection (its advisory lock) while
    // the provider answers: as many refreshes as connections would leave API requests none.
    if (
      c.database.url !== undefined &&
      c.refresher.enabled &&
      c.refresher.concurrency >= c.database.poolSize
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['refresher', 'concurrency'],
        message: `must be below database.poolSize (${c.database.poolSize}): each refresh in flight holds a database connection, and API requests need some too`,
      });
    }
  });

/** The configuration as written (before defaults). */
export type ConfigInput = z.input<typeof configSchema>;
/** The validated configuration with defaults applied. */
export type ParsedConfig = z.output<typeof configSchema>;
