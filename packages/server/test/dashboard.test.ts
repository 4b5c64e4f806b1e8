import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { createApiToken, devIdpToken } from './helpers/dav-bed.js';
import { connectDemoAs } from './helpers/demo-consent.js';
import { storeTiers } from './helpers/store-tiers.js';

interface Dashboard {
  window: string;
  view: string;
  from: string;
  counts: Record<
    'activeConnections' | 'needsConsent' | 'activeTokens' | 'expiringSoon' | 'refreshFailures',
    number
  >;
  proxy: {
    calls: number;
    failed: number;
    services: { service: string; name: string; calls: number; failed: number }[];
    hours: { hour: string; service: string; calls: number; failed: number }[];
  };
  refreshes: {
    succeeded: number;
    failed: number;
    hours: { hour: string; succeeded: number; failed: number }[];
  };
}

/**
 * SPEC §9 Dashboard over HTTP: alice's proxied calls (counted in memory, flushed to the store)
 * and her connection's refreshes show up per service and per hour in her view and in her tenant
 * admin's tenant view, never in another member's own view.
 */
describe.each(storeTiers())('GET /api/v1/dashboard ($name)', (tier) => {
  const data = tempDataDir();
  let store: Store;
  let dispose: () => Promise<void>;
  let server: RunningServer;
  const bearer: Record<string, string> = {};

  const dashboard = async (who: string, query = '') => {
    const res = await fetch(`${server.url}/api/v1/dashboard${query}`, {
      headers: { authorization: `Bearer ${bearer[who]}` },
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
  /** The usage counters flush every 50 ms here: poll until alice's calls are in. */
  const settled = async (who: string, query: string, calls: number): Promise<Dashboard> => {
    for (let i = 0; i < 100; i++) {
      const { body } = await dashboard(who, query);
      if ((body as Dashboard).proxy.calls >= calls) return body as Dashboard;
      await new Promise((r) => setTimeout(r, 50));
    }
    return (await dashboard(who, query)).body as Dashboard;
  };

  beforeAll(async () => {
    if (!tier.available) return;
    ({ store, dispose } = await tier.open());
    server = await startServer(
      testConfig(data.dir, { refresher: { enabled: false }, proxy: { usageFlushMs: 50 } }),
      { store },
    );
    for (const who of ['alice', 'adam', 'gina']) bearer[who] = await devIdpToken(server.url, who);
    await connectDemoAs(server.url, bearer.alice!, 'alice');
  }, 60_000);
  afterAll(async () => {
    if (!tier.available) return;
    await server.close();
    await dispose();
    data.cleanup();
  });

  it.skipIf(!tier.available)('counts proxied calls per service and hour, failures apart', async () => {
    const before = (await dashboard('alice')).body as Dashboard;
    expect(before.proxy).toMatchObject({ calls: 0, failed: 0, services: [], hours: [] });
    expect(before.counts).toMatchObject({ activeConnections: 1, needsConsent: 0, activeTokens: 0 });

    const token = await createApiToken(server.url, bearer.alice!, ['demo'], ['read']);
    for (const path of ['/notes', '/notes', '/notes', '/notes/no-such-note']) {
      const res = await fetch(`${server.url}/proxy/demo${path}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(path.endsWith('no-such-note') ? 404 : 200);
      await res.arrayBuffer();
    }
    // Refused before forwarding (scope): not a call of the service.
    const refused = await fetch(`${server.url}/proxy/demo/notes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(403);

    const mine = await settled('alice', '', 4);
    expect(mine).toMatchObject({ window: '24h', view: 'own' });
    expect(mine.proxy.calls).toBe(4);
    expect(mine.proxy.failed).toBe(1);
    expect(mine.proxy.services).toEqual([{ service: 'demo', name: expect.any(String), calls: 4, failed: 1 }]);
    const thisHour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();
    expect(mine.proxy.hours).toEqual([{ hour: thisHour, service: 'demo', calls: 4, failed: 1 }]);
    expect(mine.counts.activeTokens).toBe(1);
    // The window starts 23 hours before the current one.
    expect(Date.parse(thisHour) - Date.parse(mine.from)).toBe(23 * 3_600_000);

    const week = (await dashboard('alice', '?window=7d')).body as Dashboard;
    expect(week.proxy.calls).toBe(4);
    expect(Date.parse(thisHour) - Date.parse(week.from)).toBe((7 * 24 - 1) * 3_600_000);
  });

  it.skipIf(!tier.available)('charts refresh outcomes of the user’s connections', async () => {
    const list = await fetch(`${server.url}/api/v1/connections`, {
      headers: { authorization: `Bearer ${bearer.alice}` },
    });
    const [connection] = ((await list.json()) as { items: { id: string }[] }).items;
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${server.url}/api/v1/connections/${connection?.id}/refresh`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer.alice}` },
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const mine = (await dashboard('alice')).body as Dashboard;
    expect(mine.refreshes).toMatchObject({ succeeded: 2, failed: 0 });
    expect(mine.refreshes.hours).toHaveLength(1);
    expect(mine.refreshes.hours[0]).toMatchObject({ succeeded: 2, failed: 0 });
    expect(mine.counts.refreshFailures).toBe(0);
  });

  it.skipIf(!tier.available)('keeps each user to their own view; the tenant view is for admins', async () => {
    const gina = await settled('gina', '', 0);
    expect(gina.proxy.calls).toBe(0);
    expect(gina.refreshes.succeeded).toBe(0);
    expect(gina.counts).toMatchObject({ activeConnections: 0, activeTokens: 0 });

    const tenant = await settled('adam', '?view=tenant', 4);
    expect(tenant).toMatchObject({ view: 'tenant' });
    expect(tenant.proxy.services).toEqual([
      expect.objectContaining({ service: 'demo', calls: 4, failed: 1 }),
    ]);
    expect(tenant.refreshes.succeeded).toBe(2);
    expect(tenant.counts.activeConnections).toBe(1);

    const refused = await dashboard('alice', '?view=tenant');
    expect(refused.status).toBe(403);
    expect(refused.type).toContain('application/problem+json');
  });

  it.skipIf(!tier.available)('refuses an unknown window with a problem', async () => {
    const res = await dashboard('alice', '?window=1y');
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 400, title: expect.any(String) });
  });
});
