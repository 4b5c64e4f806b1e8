import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openToken } from '../src/connections/secrets.js';
import { startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { auditEvents, connections } from '../src/store/schema/index.js';
import { connectDemoAs } from './helpers/demo-consent.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { storeTiers } from './helpers/store-tiers.js';

/**
 * SPEC §4.4 rotation against a real oidc-provider (the development IdP, which hands out a new
 * refresh token on every refresh and, per RFC 9700 §4.14.2, revokes the grant when a spent one
 * comes back): many cycles without `invalid_grant`; a deliberately replayed old refresh token
 * makes the provider revoke the grant, and Latchkey answers with `needs_consent`.
 */
describe.each(storeTiers())('refresh-token rotation with oidc-provider ($name)', (tier) => {
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  let bearer: string;
  let connectionId: string;

  const at = (path: string): URL => new URL(path, server.url);
  function api(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${bearer}`);
    if (init.body !== undefined) headers.set('content-type', 'application/json');
    return fetch(at(path), { ...init, headers });
  }
  const row = async () => {
    const [r] = await store.db.select().from(connections).where(eq(connections.id, connectionId));
    if (r === undefined) throw new Error('connection gone');
    return r;
  };
  const refreshTokenNow = async () =>
    openToken(server.services.keyring, connectionId, 'refresh_token', (await row()).refreshTokenEnc ?? '');

  beforeAll(async () => {
    if (!tier.available) return;
    ({ store, dispose } = await tier.open());
    server = await startServer(testConfig(data.dir, { refresher: { enabled: false } }), { store });
    const minted = await fetch(at('/dev-idp/token'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'alice' }),
    });
    bearer = ((await minted.json()) as { access_token: string }).access_token;
    // Alice connects the demo service through the consent flow at the development IdP.
    await connectDemoAs(server.url, bearer, 'alice');
    const list = (await (await api('/api/v1/connections')).json()) as { items: { id: string }[] };
    connectionId = list.items[0]?.id ?? '';
  });
  afterAll(async () => {
    if (!tier.available) return;
    await server.close();
    await dispose();
    data.cleanup();
  });

  it.skipIf(!tier.available)(
    '30 refresh cycles, each rotating the refresh token, no invalid_grant',
    async () => {
      const seen = new Set([await refreshTokenNow()]);
      for (let i = 0; i < 30; i++) {
        const res = await api(`/api/v1/connections/${connectionId}/refresh`, { method: 'POST' });
        expect(res.status, await res.clone().text()).toBe(200);
        seen.add(await refreshTokenNow());
      }
      expect(seen.size).toBe(31);
      // Concurrent callers whose upstream refused the current token: still one refresh among them.
      const current = openToken(
        server.services.keyring,
        connectionId,
        'access_token',
        (await row()).accessTokenEnc ?? '',
      );
      const owner = { tenantId: (await row()).tenantId, userId: (await row()).userId };
      const got = await Promise.all(
        Array.from({ length: 20 }, () =>
          server.services.freshTokens.acquire(owner, 'demo', { rejected: current }),
        ),
      );
      expect(new Set(got.map((t) => t.accessToken)).size).toBe(1);
      expect(got[0]?.accessToken).not.toBe(current);
      const events = await store.db.select().from(auditEvents).where(eq(auditEvents.targetId, connectionId));
      expect(events.filter((e) => e.action === 'connection.refreshed')).toHaveLength(31);
      expect(events.filter((e) => e.action === 'connection.refresh_failed')).toHaveLength(0);
      expect((await row()).status).toBe('active');
    },
  );

  it.skipIf(!tier.available)(
    'a replayed old refresh token revokes the grant; Latchkey marks needs_consent',
    async () => {
      const old = await refreshTokenNow();
      expect((await api(`/api/v1/connections/${connectionId}/refresh`, { method: 'POST' })).status).toBe(200);
      // Someone replays the spent token at the provider (a leaked copy, a buggy second broker).
      const connector = server.services.connectors.get('demo')?.service.connector;
      if (connector?.type !== 'oidc') throw new Error('the demo service is an oidc connector');
      const basic = Buffer.from(`${connector.clientId}:${connector.clientSecret ?? ''}`).toString('base64');
      const replay = await fetch(at('/dev-idp/oauth/token'), {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: old }).toString(),
      });
      expect(replay.status).toBe(400);
      expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');

      // The provider revoked the whole grant: Latchkey's own (current) refresh token is refused too.
      const res = await api(`/api/v1/connections/${connectionId}/refresh`, { method: 'POST' });
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe('connection_needs_consent');
      expect((await row()).status).toBe('needs_consent');
      const [failed] = await store.db
        .select()
        .from(auditEvents)
        .where(
          and(eq(auditEvents.targetId, connectionId), eq(auditEvents.action, 'connection.refresh_failed')),
        );
      expect(failed?.outcome).toBe('failure');
      expect(failed?.metadata).toMatchObject({
        failure: 'invalid_grant',
        providerCode: 'invalid_grant',
        retryable: false,
      });
      const list = (await (await api('/api/v1/connections')).json()) as { items: { status: string }[] };
      expect(list.items[0]?.status).toBe('needs_consent');
    },
  );
});
