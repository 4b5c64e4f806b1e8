import { z } from 'zod';

/*
 * The `audit:` section: sealer, retention, outgoing webhooks and the ingest sources (SPEC §8).
 * Every ingest source maps foreign events onto Latchkey's event shape with dotted paths into the
 * source's JSON (`user.email`, `data.account`).
 */

const path = z.string().min(1).max(200).describe('Dotted path into the source event (`user.email`).');

const mappingSchema = z
  .object({
    id: path.optional().describe('External id; absent → a content hash (or `inode:offset` for files).'),
    time: path.optional().describe('When it happened (ISO 8601 string or epoch milliseconds).'),
    type: path.optional().describe('The source’s event type, looked up in `actions` and `allow`.'),
    actorId: path.optional(),
    actorLabel: path.optional(),
    actorEmail: path.optional().describe('Used by tenant inference `byUserEmail` and `byEmailDomain`.'),
    actorIp: path.optional(),
    targetType: path.optional(),
    targetId: path.optional(),
    targetLabel: path.optional(),
    outcome: path.optional().describe('A value of `success`, `failure` or `denied` (else `success`).'),
    tenant: path.optional().describe('A tenant slug or id, read by tenant inference `byField`.'),
  })
  .strict();

const tenantRuleSchema = z.union([
  z
    .object({ byField: z.literal(true) })
    .strict()
    .describe('Tenant slug or id from `mapping.tenant`.'),
  z
    .object({ byUserEmail: z.literal(true) })
    .strict()
    .describe('The only tenant of the Latchkey user with the actor’s e-mail.'),
  z
    .object({ byEmailDomain: z.literal(true) })
    .strict()
    .describe('The tenant whose `domains` contain the actor e-mail’s domain.'),
  z
    .object({ fixed: z.string().min(1) })
    .strict()
    .describe('Always this tenant slug.'),
]);

const sourceCommon = {
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lowercase letters, digits, - and _')
    .refine((v) => v !== 'latchkey', 'the id latchkey is reserved')
    .describe('Source id: the `source` of its events and the `{source}` of `/ingest/{source}`.'),
  mapping: mappingSchema.optional().describe('Field paths; defaults come from the source’s style.'),
  allow: z
    .array(z.string().min(1))
    .optional()
    .describe('Event types to keep (exact, or a prefix ending in `*`); absent → all.'),
  actions: z
    .record(z.string(), z.string().min(1))
    .default({})
    .describe('Source type → Latchkey action; unmapped types become `{source}.{type}`.'),
  tenant: z
    .array(tenantRuleSchema)
    .default([])
    .describe('Tenant inference rules, tried in order; none matches → a platform event.'),
};

const signatureSchema = z
  .object({
    preset: z
      .enum(['stalwart', 'generic'])
      .default('generic')
      .describe('`stalwart`: `X-Signature`, base64. `generic`: `X-Latchkey-Signature`, hex.'),
    header: z.string().min(1).optional().describe('Header carrying the signature (default from the preset).'),
    encoding: z
      .enum(['hex', 'base64', 'base64url'])
      .optional()
      .describe('Encoding of the HMAC-SHA256 digest.'),
    prefix: z.string().default('').describe('Text before the digest in the header, e.g. `sha256=`.'),
    timestampHeader: z
      .string()
      .min(1)
      .optional()
      .describe('Header with the send time (epoch seconds), signed as `{timestamp}.{body}`.'),
    toleranceSeconds: z
      .number()
      .int()
      .positive()
      .default(300)
      .describe('Largest clock difference accepted when `timestampHeader` is set.'),
  })
  .strict();

const webhookSourceSchema = z
  .object({
    ...sourceCommon,
    type: z.literal('webhook'),
    secret: z.string().min(16).describe('HMAC-SHA256 key shared with the sender (use `${VAR}`).'),
    signature: signatureSchema.default({ preset: 'generic', prefix: '', toleranceSeconds: 300 }),
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .max(16_777_216)
      .default(1_048_576)
      .describe('Largest body accepted.'),
    eventsPath: path.optional().describe('Path of the events array in the body (Stalwart: `events`).'),
  })
  .strict();

const fileSourceSchema = z
  .object({
    ...sourceCommon,
    type: z.literal('file'),
    path: z.string().min(1).describe('JSON-lines file to tail (oCIS audit log).'),
    intervalMs: z.number().int().min(50).default(1000).describe('How often the file is checked.'),
  })
  .strict();

const pollSourceSchema = z
  .object({
    ...sourceCommon,
    type: z.literal('poll'),
    style: z
      .enum(['authentik', 'keycloak'])
      .describe('`authentik`: newest first, paginated, stop at the last id seen. `keycloak`: time window.'),
    url: z.url({ protocol: /^https?$/ }).describe('Events endpoint.'),
    token: z.string().min(1).describe('Bearer token for the events API (use `${VAR}`).'),
    intervalSeconds: z.number().min(0.05).default(30).describe('Pause between polls.'),
    pageSize: z.number().int().min(1).max(1000).default(100),
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .default(60)
      .describe('Keycloak style: each window starts this long before the newest event seen.'),
  })
  .strict();

export const auditSourceSchema = z.discriminatedUnion('type', [
  webhookSourceSchema,
  fileSourceSchema,
  pollSourceSchema,
]);
export type AuditSourceConfig = z.output<typeof auditSourceSchema>;
export type WebhookSourceConfig = z.output<typeof webhookSourceSchema>;
export type FileSourceConfig = z.output<typeof fileSourceSchema>;
export type PollSourceConfig = z.output<typeof pollSourceSchema>;
export type SourceMapping = z.output<typeof mappingSchema>;
export type TenantRule = z.output<typeof tenantRuleSchema>;

export const auditSchema = z
  .object({
    proxyReads: z.boolean().default(false).describe('Audit proxied read requests too.'),
    sealer: z
      .object({
        intervalMs: z.number().int().min(10).default(1000).describe('Pause between sealing runs when idle.'),
        batchSize: z.number().int().min(1).max(10_000).default(1000).describe('Most events per block run.'),
        stragglerWindowSeconds: z
          .number()
          .int()
          .min(1)
          .default(300)
          .describe('How long a late-committing event is still looked for behind the sealed ones.'),
      })
      .strict()
      .default({ intervalMs: 1000, batchSize: 1000, stragglerWindowSeconds: 300 }),
    webhooks: z
      .object({
        intervalMs: z.number().int().min(10).default(1000).describe('Pause between outbox runs when idle.'),
        timeoutMs: z.number().int().min(100).default(10_000).describe('Per-delivery timeout.'),
        maxAttempts: z
          .number()
          .int()
          .min(1)
          .default(12)
          .describe('Attempts before a delivery is marked failed.'),
        backoffMs: z
          .number()
          .int()
          .min(1)
          .default(5000)
          .describe('First retry delay; doubled per attempt, max 1 h.'),
        allowPrivateTargets: z
          .boolean()
          .default(false)
          .describe(
            'Let tenant admins subscribe loopback, private and link-local addresses (off: SSRF guard).',
          ),
      })
      .strict()
      .default({
        intervalMs: 1000,
        timeoutMs: 10_000,
        maxAttempts: 12,
        backoffMs: 5000,
        allowPrivateTargets: false,
      }),
    retention: z
      .object({
        intervalSeconds: z.number().min(1).default(3600).describe('How often expired blocks are purged.'),
      })
      .strict()
      .default({ intervalSeconds: 3600 }),
    sources: z
      .array(auditSourceSchema)
      .default([])
      .describe('Ingest sources: signed webhooks, JSON-lines files, HTTP pollers.')
      .superRefine((sources, ctx) => {
        const seen = new Set<string>();
        for (const [i, s] of sources.entries()) {
          if (seen.has(s.id))
            ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate source id "${s.id}"` });
          seen.add(s.id);
        }
      }),
  })
  .strict();

export type AuditConfig = z.output<typeof auditSchema>;
