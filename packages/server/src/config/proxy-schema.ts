import { z } from 'zod';

/** The `proxy:` section: limits of SPEC §6.1 shared by every service. */
export const proxyLimitsSchema = z
  .object({
    maxBodyBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 ** 3)
      .describe('Largest request body the proxy forwards (bytes); larger → 413.'),
    connectTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('Upstream TCP/TLS connect timeout.'),
    headersTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(60_000)
      .describe('Time the upstream may take to send its response headers.'),
    idleTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(300_000)
      .describe('Longest pause between two chunks of an upstream response body.'),
    upstreamConnections: z
      .number()
      .int()
      .min(1)
      .max(10_000)
      .default(128)
      .describe('Per-service upstream concurrency: connections per service; further requests queue.'),
    rateLimit: z
      .object({
        requestsPerSecond: z
          .number()
          .positive()
          .default(100)
          .describe('Sustained requests per second per API token (token bucket refill rate).'),
        burst: z.number().int().min(1).default(500).describe('Bucket size: requests a token may burst.'),
        enabled: z.boolean().default(true).describe('Rate-limit API tokens on the proxy.'),
      })
      .strict()
      .prefault({})
      .describe('Per-API-token rate limit, in-process per replica (429 + Retry-After, RateLimit-* headers).'),
    usageFlushMs: z
      .number()
      .int()
      .min(50)
      .max(300_000)
      .default(10_000)
      .describe(
        'How often each replica adds its counted proxy calls (the Dashboard charts) to the store: the charts lag by up to this.',
      ),
  })
  .strict();

export type ProxyLimits = z.output<typeof proxyLimitsSchema>;
