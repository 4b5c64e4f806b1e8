import { z } from 'zod';

/*
 * The `notices:` section (SPEC §5 "expiry notices"): owners are told before their API tokens
 * expire and when a connection needs consent — always as audit events (so outgoing webhooks carry
 * them), and by e-mail when SMTP is configured.
 */

const smtpSchema = z
  .object({
    host: z.string().min(1).describe('SMTP server host.'),
    port: z.number().int().min(1).max(65_535).default(587).describe('SMTP port (465 implies TLS).'),
    secure: z
      .boolean()
      .optional()
      .describe('TLS from the first byte (SMTPS). Default: on for port 465, else STARTTLS when offered.'),
    requireTls: z
      .boolean()
      .default(false)
      .describe('Refuse to send unless the server offers STARTTLS (recommended outside loopback).'),
    user: z.string().min(1).optional().describe('SMTP user name, when the server wants authentication.'),
    password: z.string().min(1).optional().describe('SMTP password (use `${VAR}`).'),
    from: z.string().min(3).describe('Sender, e.g. `Latchkey <latchkey@example.com>`.'),
    timeoutMs: z.number().int().min(100).default(10_000).describe('Connection and send timeout.'),
  })
  .strict()
  .refine((s) => (s.user === undefined) === (s.password === undefined), {
    message: 'give both user and password, or neither',
    path: ['password'],
  });

export const noticesSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Look for owed notices in the background.'),
    intervalSeconds: z.number().min(1).default(300).describe('How often owed notices are looked for.'),
    expiryDays: z
      .array(z.number().int().min(1).max(365))
      .min(1)
      .default([30, 7, 1])
      .describe(
        'Days before an API token expires when its owner is told (a mark longer than the token’s lifetime is skipped).',
      ),
    smtp: smtpSchema
      .optional()
      .describe('Send notices by e-mail too. Absent: audit events and webhooks only.'),
    maxAttempts: z
      .number()
      .int()
      .min(1)
      .default(8)
      .describe('E-mail attempts before a notice is marked failed.'),
    backoffSeconds: z
      .number()
      .min(0.01)
      .default(60)
      .describe('First e-mail retry delay; doubled per attempt.'),
  })
  .strict();

export type NoticesConfig = z.output<typeof noticesSchema>;
export type SmtpConfig = z.output<typeof smtpSchema>;
