import { z } from 'zod';

/*
 * The `refresher:` section (SPEC §4.4 "background"): how each replica claims due connections.
 * Per-service defaults live in the catalogue (`services[].refresh`), per-tenant overrides in the
 * admin API; these are the replica's own limits.
 */
export const refresherSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Refresh due connections in the background on this replica.'),
    intervalMs: z
      .number()
      .int()
      .min(50)
      .max(600_000)
      .default(5_000)
      .describe('Pause between looks for due connections when the last one found none waiting.'),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(50)
      .describe('Due connections claimed at once (one lease, `FOR UPDATE SKIP LOCKED`).'),
    leaseSeconds: z
      .number()
      .int()
      .min(1)
      .max(3_600)
      .default(60)
      .describe('How long a claim holds; a crashed replica’s claims go to another after this.'),
    concurrency: z
      .number()
      .int()
      .min(1)
      .max(256)
      .default(8)
      .describe(
        'Refreshes in flight per replica (each holds a database connection on PostgreSQL, so it must stay below `database.poolSize`); per tenant and service, the tenant’s `maxConcurrency` applies too.',
      ),
  })
  .strict();
