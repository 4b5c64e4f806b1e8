import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { ConfigError } from '../src/config/load.js';
import { runHttpStep } from '../src/provisioning/http-step.js';
import type { AppServices } from '../src/services.js';
import { auditEvents } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { signInDemoCallers, type Caller } from './helpers/demo-callers.js';
import { expectProblem } from './helpers/http.js';
import { startDavPeer, startSignedReceiver } from './helpers/provisioning-peers.js';
import { storeTiers } from './helpers/store-tiers.js';
import type { ConfigInput } from '../src/config/schema.js';

const SECRET = 'provisioning-signing-secret-0123456789';
const DAV = { username: 'latchkey', password: 'dav-password' };

interface Step {
  state: string;
  error: string | null;
  attempts: number;
}
interface TenantBody {
  id: string;
  slug: string;
  status: string;
  provisioning: { steps: Record<string, Step> };
}

/** A catalogue entry whose connector is never contacted here: only its provisioning matters. */
type ServiceInput = NonNullable<ConfigInput['services']>[number];

// `unknown[]`: the validation tests below pass malformed steps on purpose.
function service(id: string, provisioning: unknown[]): ServiceInput {
  return {
    id,
    name: id,
    baseUrl: `https://${id}.example.test`,
    connector: {
      type: 'oauth2',
      authorizationEndpoint: `https://${id}.example.test/authorize`,
      tokenEndpoint: `https://${id}.example.test/token`,
      clientId: 'latchkey',
    },
    provisioning: provisioning as NonNullable<ServiceInput['provisioning']>,
  };
}

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(
    `tenant provisioning against loopback peers (SPEC §7, ${tier.name})`,
    () => {
      const data = tempDataDir();
      let dispose: () => Promise<void>;
      let app: FastifyInstance;
      let services: AppServices;
      let restart: () => Promise<void>;
      let auth: Record<Caller, string>;
      let dav: Awaited<ReturnType<typeof startDavPeer>>;
      let hooks: Awaited<ReturnType<typeof startSignedReceiver>>;

      const op = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
        app.inject({ method, url, headers: { authorization: auth.olgaOp }, ...(payload ? { payload } : {}) });
      const create = async (slug: string, plan = 'standard'): Promise<TenantBody> => {
        const res = await op('POST', '/api/v1/operator/tenants', { slug, name: slug, plan });
        expect(res.statusCode, res.body).toBe(201);
        return res.json<TenantBody>();
      };
      const states = (t: TenantBody) =>
        Object.fromEntries(Object.entries(t.provisioning.steps).map(([k, s]) => [k, s.state]));

      beforeAll(async () => {
        dav = await startDavPeer(DAV);
        hooks = await startSignedReceiver(SECRET);
        const opened = await tier.open();
        dispose = opened.dispose;
        const config = testConfig(data.dir, {
          services: [
            service('chat', [
              { id: 'create-space', type: 'http', url: `${hooks.url}/spaces/{tenant}`, secret: SECRET },
            ]),
            service('drive', [
              { id: 'space', type: 'webdav-mkcol', url: `${dav.url}/spaces/{tenant}/`, ...DAV },
              { id: 'archive', type: 'webdav-mkcol', url: `${dav.url}/archive/{tenant}/`, ...DAV },
              {
                id: 'premium',
                type: 'http',
                url: `${hooks.url}/premium`,
                secret: SECRET,
                plans: ['enterprise'],
              },
            ]),
          ],
        });
        ({ app, services } = await buildApp(config, { store: opened.store }));
        // A second start on the same store, as after a restart or on another replica.
        restart = async () => {
          const again = await buildApp(config, { store: opened.store });
          await again.app.close();
        };
        auth = await signInDemoCallers(app);
        dav.collections.add('/spaces/');
      });
      afterAll(async () => {
        await app.close();
        await dispose();
        await dav.close();
        await hooks.close();
        data.cleanup();
      });

      it('runs every step independently: a failing one leaves the tenant pending without blocking the others', async () => {
        hooks.state.failWith = 503;
        // `/archive/` does not exist yet: MKCOL answers 409 (RFC 4918 §9.3.1).
        const t = await create('acme');
        expect(t.status).toBe('pending');
        expect(states(t)).toEqual({
          'chat/create-space': 'error',
          'drive/space': 'ok',
          'drive/archive': 'error',
          'drive/premium': 'skipped',
        });
        expect(t.provisioning.steps['chat/create-space']).toMatchObject({ error: 'HTTP 503', attempts: 1 });
        expect(t.provisioning.steps['drive/archive']).toMatchObject({ error: 'MKCOL answered HTTP 409' });
        // The upstream's own text (which may carry secrets) is not recorded.
        expect(JSON.stringify(t)).not.toContain('hunter2');
        expect(dav.collections.has('/spaces/acme/')).toBe(true);
        expect(hooks.state.rejectedSignatures).toBe(0);
      });

      it('reconcile re-runs the failed steps only, and stays pending while they still fail', async () => {
        const res = await op('POST', '/api/v1/operator/tenants/acme/reconcile');
        const t = res.json<TenantBody>();
        expect(t.status).toBe('pending');
        expect(t.provisioning.steps['chat/create-space']).toMatchObject({ state: 'error', attempts: 2 });
        expect(t.provisioning.steps['drive/space']).toMatchObject({ state: 'ok', attempts: 1 });
        expect(dav.calls.filter((c) => c.path === '/spaces/acme/')).toHaveLength(1);
      });

      it('reconcile after the peers are fixed: every step ok, the tenant becomes active, audited', async () => {
        hooks.state.failWith = 0;
        dav.collections.add('/archive/');
        const t = (await op('POST', '/api/v1/operator/tenants/acme/reconcile')).json<TenantBody>();
        expect(t.status).toBe('active');
        expect(states(t)).toEqual({
          'chat/create-space': 'ok',
          'drive/space': 'ok',
          'drive/archive': 'ok',
          'drive/premium': 'skipped',
        });
        expect(dav.collections.has('/archive/acme/')).toBe(true);
        const hook = hooks.received.find((h) => h.path === '/spaces/acme');
        expect(hook).toMatchObject({
          path: '/spaces/acme',
          idempotencyKey: `${t.id}:chat:create-space`,
          body: {
            event: 'tenant.provision',
            service: 'chat',
            step: 'create-space',
            tenant: { slug: 'acme', id: t.id },
          },
        });
        const events = await services.store.db
          .select({ action: auditEvents.action, outcome: auditEvents.outcome })
          .from(auditEvents)
          .where(eq(auditEvents.targetId, t.id))
          .orderBy(auditEvents.seq);
        expect(events).toEqual([
          { action: 'tenant.created', outcome: 'success' },
          { action: 'tenant.provisioned', outcome: 'failure' },
          { action: 'tenant.reconciled', outcome: 'failure' },
          { action: 'tenant.reconciled', outcome: 'success' },
          { action: 'tenant.activated', outcome: 'success' },
        ]);
        // Nothing left to do: a further reconcile calls no peer.
        const before = dav.calls.length + hooks.received.length;
        await op('POST', '/api/v1/operator/tenants/acme/reconcile');
        expect(dav.calls.length + hooks.received.length).toBe(before);
      });

      it('treats an existing collection (MKCOL 405) as done, so provisioning is idempotent', async () => {
        dav.collections.add('/spaces/globex/');
        dav.collections.add('/archive/globex/');
        const t = await create('globex');
        expect(t.status).toBe('active');
        expect(dav.calls.filter((c) => c.path.endsWith('/globex/')).map((c) => c.status)).toEqual([405, 405]);
      });

      it('runs plan-restricted steps only for that plan', async () => {
        const t = await create('bigco', 'enterprise');
        expect(t.provisioning.steps['drive/premium']?.state).toBe('ok');
        expect(hooks.received.some((h) => h.path === '/premium')).toBe(true);
      });

      it('provisioned a tenant bootstrapped from the config at start; it stays active, reconcile completes it', async () => {
        const before = (await op('GET', '/api/v1/operator/tenants/demo')).json<TenantBody>();
        // At start `/spaces/` and `/archive/` did not exist yet: the two MKCOL steps failed.
        expect(before.status).toBe('active');
        expect(before.provisioning.steps['drive/space']).toMatchObject({
          state: 'error',
          error: 'MKCOL answered HTTP 409',
          attempts: 1,
        });
        expect(before.provisioning.steps['chat/create-space']?.state).toBe('ok');
        const after = (await op('POST', '/api/v1/operator/tenants/demo/reconcile')).json<TenantBody>();
        expect(after.status).toBe('active');
        expect(states(after)).toEqual({
          'chat/create-space': 'ok',
          'drive/space': 'ok',
          'drive/archive': 'ok',
          'drive/premium': 'skipped',
        });
        expect(dav.collections.has('/spaces/demo/')).toBe(true);
        expect(hooks.received.filter((h) => h.path === '/spaces/demo')).toHaveLength(1);
        // A restart finds the tenant there and provisions nothing again.
        const calls = dav.calls.length + hooks.received.length;
        await restart();
        expect(dav.calls.length + hooks.received.length).toBe(calls);
      });

      it('a receiver refuses a wrong signature, and the step records it as an error', async () => {
        const outcome = await runHttpStep(
          {
            id: 'x',
            type: 'http',
            method: 'POST',
            url: `${hooks.url}/x`,
            headers: {},
            secret: 'not-the-right-secret-at-all',
          },
          'chat',
          { id: 'ten_x', slug: 'x', name: 'x', plan: 'standard', domains: [] },
        );
        expect(outcome).toEqual({ state: 'error', error: 'HTTP 401' });
        expect(hooks.state.rejectedSignatures).toBe(1);
      });

      it('an unreachable peer is a network error, not a crash', async () => {
        const gone = await startSignedReceiver(SECRET);
        await gone.close();
        const outcome = await runHttpStep(
          { id: 'x', type: 'http', method: 'POST', url: `${gone.url}/x`, headers: {}, secret: SECRET },
          'chat',
          { id: 'ten_x', slug: 'x', name: 'x', plan: 'standard', domains: [] },
        );
        expect(outcome).toEqual({ state: 'error', error: 'network error (ECONNREFUSED)' });
      });

      it('does not reconcile a deleted tenant', async () => {
        await op('DELETE', '/api/v1/operator/tenants/globex');
        expectProblem(
          await op('POST', '/api/v1/operator/tenants/globex/reconcile'),
          409,
          'illegal_transition',
        );
      });
    },
  );
}

describe('provisioning steps in the service catalogue (config validation)', () => {
  const data = tempDataDir();
  afterAll(() => {
    data.cleanup();
  });
  const withSteps = (steps: unknown[]) => () => testConfig(data.dir, { services: [service('drive', steps)] });

  it('accepts the two step kinds with {tenant} in the path', () => {
    const config = withSteps([
      { id: 'space', type: 'webdav-mkcol', url: 'https://dav.example.com/spaces/{tenant}/', ...DAV },
      {
        id: 'notify',
        type: 'http',
        url: 'https://hooks.example.com/t/{tenant}',
        secret: SECRET,
        plans: ['business'],
      },
    ])();
    expect(config.services[0]?.provisioning.map((s) => [s.type, s.id])).toEqual([
      ['webdav-mkcol', 'space'],
      ['http', 'notify'],
    ]);
  });

  it('refuses an unknown kind, a short signing secret and a URL that is not http(s)', () => {
    expect(withSteps([{ id: 'a', type: 'ftp', url: 'https://x.example' }])).toThrow(ConfigError);
    expect(withSteps([{ id: 'a', type: 'http', url: 'https://x.example', secret: 'short' }])).toThrow(
      ConfigError,
    );
    expect(withSteps([{ id: 'a', type: 'webdav-mkcol', url: 'ftp://x.example/{tenant}' }])).toThrow(
      ConfigError,
    );
  });
});
