import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { AppError } from '../src/errors.js';
import type { ChangeBus } from '../src/notify/change-bus.js';
import type { RefreshEngine } from '../src/refresh/engine.js';
import type { OnDemandTokens } from '../src/refresh/on-demand.js';
import type { Store } from '../src/store/db.js';
import { runMigrations } from '../src/store/migrate.js';
import { auditEvents, connections } from '../src/store/schema/index.js';
import {
  REFRESH_SERVICE,
  refreshService,
  refreshStack,
  seedConnection,
  seedTenant,
  testKeyring,
} from './helpers/refresh-fixtures.js';
import { RefreshProvider } from './helpers/refresh-provider.js';
import { storeTiers } from './helpers/store-tiers.js';

const keyring = testKeyring();
const inSeconds = (s: number) => new Date(Date.now() + s * 1000);

async function failure(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

/**
 * SPEC §4.4 on demand, against a real OAuth token endpoint on loopback that rotates refresh
 * tokens and revokes a grant whose spent refresh token comes back (RFC 9700 §4.14.2). Every
 * count is taken at the provider.
 */
describe.each(storeTiers())('on-demand refresh ($name)', (tier) => {
  const provider = new RefreshProvider();
  let store: Store;
  let dispose: () => Promise<void>;
  let tokens: OnDemandTokens;
  let engine: RefreshEngine;
  let bus: ChangeBus;
  let tenantId: string;

  beforeAll(async () => {
    if (!tier.available) return;
    await provider.start();
    ({ store, dispose } = await tier.open());
    await runMigrations(store);
    tenantId = await seedTenant(store);
    ({ tokens, engine, bus } = await refreshStack(store, refreshService(provider), keyring));
  });
  afterAll(async () => {
    if (!tier.available) return;
    await bus.stop();
    await dispose();
    await provider.stop();
  });
  afterEach(() => {
    provider.mode = { kind: 'ok' };
  });

  const row = async (id: string) => {
    const [r] = await store.db.select().from(connections).where(eq(connections.id, id));
    if (r === undefined) throw new Error('connection gone');
    return r;
  };
  const audits = (id: string, action: string) =>
    store.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, action)));

  it.skipIf(!tier.available)('50 concurrent requests share one refresh; all get the new token', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(30) });
    const before = provider.requests;
    const owner = { tenantId, userId: c.userId };
    const got = await Promise.all(Array.from({ length: 50 }, () => tokens.acquire(owner, REFRESH_SERVICE)));
    expect(provider.requests - before).toBe(1);
    expect(new Set(got.map((t) => t.accessToken))).toEqual(new Set([c.accessToken.replace(/-0$/, '-1')]));
    const stored = await row(c.id);
    expect(stored.version).toBe(2);
    // The rotated refresh token was stored, and it is the one the provider accepts now.
    expect(provider.accepts(openToken(keyring, c.id, 'refresh_token', stored.refreshTokenEnc ?? ''))).toBe(
      true,
    );
    expect(stored.nextRefreshAt?.getTime()).toBe((stored.expiresAt?.getTime() ?? 0) - 300_000);
    expect(await audits(c.id, 'connection.refreshed')).toHaveLength(1);
    expect(provider.reuseDetected).toBe(0);
  });

  it.skipIf(!tier.available)('a valid token is served without the provider, then from memory', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(3600) });
    const before = provider.requests;
    const owner = { tenantId, userId: c.userId };
    expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(c.accessToken);
    const cached = tokens.cache.size;
    expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(c.accessToken);
    expect(provider.requests).toBe(before);
    expect(cached).toBeGreaterThan(0);

    // A suspended tenant (or user) is forgotten at once, whatever else is cached.
    bus.announceLocally({ kind: 'tenant', id: tenantId });
    expect(tokens.cache.size).toBe(0);
    expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(c.accessToken);
    // A refresh elsewhere (here: the manual path) makes every cache forget the old token.
    await engine.refresh(tenantId, c.id, {
      trigger: 'manual',
      actor: { type: 'system' },
      needed: () => true,
    });
    expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(
      c.accessToken.replace(/-0$/, '-1'),
    );
  });

  it.skipIf(!tier.available)(
    'a token the upstream refused is refreshed once, unless already replaced',
    async () => {
      const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(3600) });
      const owner = { tenantId, userId: c.userId };
      const before = provider.requests;
      const both = await Promise.all([
        tokens.acquire(owner, REFRESH_SERVICE, { rejected: c.accessToken }),
        tokens.acquire(owner, REFRESH_SERVICE, { rejected: c.accessToken }),
      ]);
      expect(both.map((t) => t.accessToken)).toEqual([
        `${c.accessToken.slice(0, -2)}-1`,
        `${c.accessToken.slice(0, -2)}-1`,
      ]);
      // Someone rejected the old token again after the refresh: the stored one differs, no refresh.
      await tokens.acquire(owner, REFRESH_SERVICE, { rejected: c.accessToken });
      expect(provider.requests - before).toBe(1);
    },
  );

  it.skipIf(!tier.available)(
    '429 with Retry-After: 503 with that Retry-After, nobody asks again meanwhile',
    async () => {
      const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(-5) });
      const owner = { tenantId, userId: c.userId };
      provider.mode = { kind: 'status', status: 429, retryAfter: '120' };
      const before = provider.requests;
      const first = await failure(tokens.acquire(owner, REFRESH_SERVICE));
      expect(first.code).toBe('provider_unavailable');
      expect(Number(first.headers?.['retry-after'])).toBeGreaterThanOrEqual(119);
      expect(Number(first.headers?.['retry-after'])).toBeLessThanOrEqual(120);
      const again = await Promise.all([
        failure(tokens.acquire(owner, REFRESH_SERVICE)),
        failure(
          engine
            .refresh(tenantId, c.id, { trigger: 'manual', actor: { type: 'system' }, needed: () => true })
            .then((o) => {
              if (o.kind === 'cooling') throw new AppError('provider_unavailable');
            }),
        ),
      ]);
      expect(again.map((e) => e.code)).toEqual(['provider_unavailable', 'provider_unavailable']);
      expect(provider.requests - before).toBe(1);
      const stored = await row(c.id);
      expect(stored.status).toBe('active');
      expect(stored.failureCount).toBe(1);
      expect(stored.lastError).toBe('unavailable');
      expect(provider.accepts(c.refreshToken)).toBe(true);
      const [event] = await audits(c.id, 'connection.refresh_failed');
      expect(event?.outcome).toBe('failure');
      expect(event?.metadata).toMatchObject({ retryable: true, failure: 'unavailable' });
    },
  );

  it.skipIf(!tier.available)(
    '500 while the token is still valid: the old token is served until it expires',
    async () => {
      const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(40) });
      const owner = { tenantId, userId: c.userId };
      provider.mode = { kind: 'status', status: 500 };
      const before = provider.requests;
      expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(c.accessToken);
      expect((await tokens.acquire(owner, REFRESH_SERVICE)).accessToken).toBe(c.accessToken);
      // One attempt; the second caller met the cool-down (5 s backoff with jitter: 2.5–5 s).
      expect(provider.requests - before).toBe(1);
      const stored = await row(c.id);
      const cooldown = (stored.cooldownUntil?.getTime() ?? 0) - Date.now();
      expect(cooldown).toBeGreaterThan(1_000);
      expect(cooldown).toBeLessThanOrEqual(5_000);
    },
  );

  it.skipIf(!tier.available)('provider down: 503 provider_unavailable, the grant untouched', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(-1) });
    const owner = { tenantId, userId: c.userId };
    const down = new RefreshProvider();
    await down.start();
    const url = down.url;
    await down.stop();
    // The same service pointed at a port nobody listens on.
    const service = refreshService({ url, clientId: provider.clientId, clientSecret: provider.clientSecret });
    const stack = await refreshStack(store, service, keyring);
    try {
      const err = await failure(stack.tokens.acquire(owner, REFRESH_SERVICE));
      expect(err.code).toBe('provider_unavailable');
      expect(err.headers?.['retry-after']).toMatch(/^\d+$/);
      expect((await row(c.id)).status).toBe('active');
      expect(provider.accepts(c.refreshToken)).toBe(true);
    } finally {
      await stack.bus.stop();
    }
  });

  it.skipIf(!tier.available)('a slow provider: callers wait for the one refresh in flight', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(10) });
    const owner = { tenantId, userId: c.userId };
    provider.mode = { kind: 'slow', ms: 400 };
    const before = provider.requests;
    const got = await Promise.all(Array.from({ length: 10 }, () => tokens.acquire(owner, REFRESH_SERVICE)));
    expect(provider.requests - before).toBe(1);
    expect(new Set(got.map((t) => t.accessToken)).size).toBe(1);
  });

  it.skipIf(!tier.available)(
    'invalid_grant: needs_consent, audited, and the provider is not asked again',
    async () => {
      const c = await seedConnection(store, keyring, provider, {
        tenantId,
        expiresAt: inSeconds(5),
        nextRefreshAt: inSeconds(-1),
      });
      const owner = { tenantId, userId: c.userId };
      provider.mode = { kind: 'invalid_grant' };
      const before = provider.requests;
      expect((await failure(tokens.acquire(owner, REFRESH_SERVICE))).code).toBe('connection_needs_consent');
      expect((await failure(tokens.acquire(owner, REFRESH_SERVICE))).code).toBe('connection_needs_consent');
      expect(provider.requests - before).toBe(1);
      const stored = await row(c.id);
      expect(stored.status).toBe('needs_consent');
      expect(stored.nextRefreshAt).toBeNull();
      const [event] = await audits(c.id, 'connection.refresh_failed');
      expect(event?.outcome).toBe('failure');
      expect(event?.metadata).toMatchObject({
        retryable: false,
        failure: 'invalid_grant',
        providerCode: 'invalid_grant',
      });
    },
  );

  it.skipIf(!tier.available)(
    'callers that joined a refresh which found nothing to do still end up with one refresh',
    async () => {
      const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(3600) });
      const before = provider.requests;
      const actor = { type: 'system' } as const;
      // The first in flight asks a question whose answer is "nothing to do" (not due)…
      const first = engine.refresh(tenantId, c.id, { trigger: 'background', actor, needed: () => false });
      // …the ones who joined it want a refresh past version 1: exactly one of them may ask.
      const joined = Array.from({ length: 5 }, () =>
        engine.refresh(tenantId, c.id, { trigger: 'manual', actor, needed: (r) => r.version === 1 }),
      );
      expect((await first).kind).toBe('current');
      const outcomes = await Promise.all(joined);
      expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill('refreshed'));
      expect(provider.requests - before).toBe(1);
      expect(provider.reuseDetected).toBe(0);
    },
  );

  it.skipIf(!tier.available)('no connection → not_found; another user cannot use it', async () => {
    const c = await seedConnection(store, keyring, provider, { tenantId, expiresAt: inSeconds(3600) });
    expect((await failure(tokens.acquire({ tenantId, userId: 'usr_nobody' }, REFRESH_SERVICE))).code).toBe(
      'not_found',
    );
    expect(
      (await failure(tokens.acquire({ tenantId: 'ten_other', userId: c.userId }, REFRESH_SERVICE))).code,
    ).toBe('not_found');
  });
});
