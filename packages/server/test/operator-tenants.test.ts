import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { AppServices } from '../src/services.js';
import { auditEvents } from '../src/store/schema/index.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { signInDemoCallers, type Caller } from './helpers/demo-callers.js';
import { expectProblem } from './helpers/http.js';
import { storeTiers } from './helpers/store-tiers.js';

interface TenantBody {
  id: string;
  slug: string;
  name: string;
  status: string;
  plan: string;
  domains: string[];
  partnerId: string | null;
}
interface PartnerBody {
  id: string;
  slug: string;
  status: string;
  customers: number;
  marginPct: number;
  tenants?: TenantBody[];
}

for (const tier of storeTiers()) {
  describe.skipIf(!tier.available)(`operator API: tenants and partners (SPEC §7, ${tier.name})`, () => {
    const data = tempDataDir();
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let services: AppServices;
    let auth: Record<Caller, string>;

    const call = (who: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      app.inject({ method, url, headers: { authorization: auth[who] }, ...(payload ? { payload } : {}) });
    const op = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
      call('olgaOp', method, url, payload);
    async function actions(targetId: string): Promise<string[]> {
      const rows = await services.store.db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.targetId, targetId))
        .orderBy(auditEvents.seq);
      return rows.map((r) => r.action);
    }

    beforeAll(async () => {
      const opened = await tier.open();
      dispose = opened.dispose;
      ({ app, services } = await buildApp(testConfig(data.dir), { store: opened.store }));
      auth = await signInDemoCallers(app);
    });
    afterAll(async () => {
      await app.close();
      await dispose();
      data.cleanup();
    });

    describe('operator guard (SPEC §3.2: operator audience AND platform_admin)', () => {
      it('opens for a platform admin with an operator-audience token', async () => {
        expect((await op('GET', '/api/v1/operator/tenants')).statusCode).toBe(200);
      });
      it('refuses the operator audience without the platform-admin flag', async () => {
        expectProblem(await call('aliceOp', 'GET', '/api/v1/operator/tenants'), 403, 'forbidden');
      });
      it('refuses the platform-admin flag without the operator audience', async () => {
        expectProblem(await call('olga', 'GET', '/api/v1/operator/tenants'), 403, 'forbidden');
      });
      it('refuses API tokens, even a tenant admin’s', async () => {
        expectProblem(
          await call('adamToken', 'GET', '/api/v1/operator/tenants'),
          403,
          'api_token_not_allowed',
        );
      });
      it('refuses anonymous callers with 401', async () => {
        const res = await app.inject({ url: '/api/v1/operator/tenants' });
        expectProblem(res, 401, 'unauthenticated');
      });
    });

    it('creates a tenant (no provisioning steps → active at once), audited', async () => {
      const res = await op('POST', '/api/v1/operator/tenants', {
        slug: 'acme',
        name: 'Acme Corp',
        plan: 'business',
        domains: ['Acme.example', 'acme.example'],
      });
      expect(res.statusCode, res.body).toBe(201);
      const t = res.json<TenantBody>();
      expect(t).toMatchObject({ slug: 'acme', name: 'Acme Corp', plan: 'business', status: 'active' });
      expect(t.id).toMatch(/^ten_/);
      expect(t.domains).toEqual(['acme.example']);
      expect(await actions(t.id)).toEqual(['tenant.created', 'tenant.provisioned', 'tenant.activated']);
    });

    it('refuses a taken slug (409) and a slug that is not a DNS label (400)', async () => {
      expectProblem(
        await op('POST', '/api/v1/operator/tenants', { slug: 'acme', name: 'x' }),
        409,
        'tenant_slug_taken',
      );
      for (const slug of ['Acme', '-acme', 'acme-', 'a_b', 'a'.repeat(64), 'ac.me']) {
        expectProblem(
          await op('POST', '/api/v1/operator/tenants', { slug, name: 'x' }),
          400,
          'validation_failed',
        );
      }
    });

    it('keeps the slug immutable: a patch naming it is refused', async () => {
      expectProblem(
        await op('PATCH', '/api/v1/operator/tenants/acme', { slug: 'other' }),
        400,
        'validation_failed',
      );
    });

    it('lists with search on slug or name, status filter and counts per status', async () => {
      await op('POST', '/api/v1/operator/tenants', { slug: 'globex', name: 'Globex Industries' });
      await op('POST', '/api/v1/operator/tenants', { slug: 'initech', name: 'Initech' });
      await op('POST', '/api/v1/operator/tenants/initech/suspend');
      const all = (await op('GET', '/api/v1/operator/tenants')).json<{
        items: TenantBody[];
        total: number;
        counts: Record<string, number>;
      }>();
      expect(all.items.map((t) => t.slug)).toEqual(['acme', 'demo', 'globex', 'initech']);
      expect(all.counts).toEqual({ pending: 0, active: 3, suspended: 1, deleted: 0 });
      const byName = (await op('GET', '/api/v1/operator/tenants?search=INDUSTR')).json<{
        items: TenantBody[];
      }>();
      expect(byName.items.map((t) => t.slug)).toEqual(['globex']);
      // LIKE metacharacters are searched literally.
      const none = (await op('GET', '/api/v1/operator/tenants?search=%25')).json<{ items: TenantBody[] }>();
      expect(none.items).toEqual([]);
      const suspended = (await op('GET', '/api/v1/operator/tenants?status=suspended')).json<{
        items: TenantBody[];
        total: number;
      }>();
      expect(suspended.items.map((t) => t.slug)).toEqual(['initech']);
      expect(suspended.total).toBe(1);
    });

    it('shows a tenant; an unknown slug is 404', async () => {
      expect((await op('GET', '/api/v1/operator/tenants/acme')).json<TenantBody>().name).toBe('Acme Corp');
      expectProblem(await op('GET', '/api/v1/operator/tenants/nope'), 404, 'not_found');
    });

    it('validates status transitions: pending → active ⇄ suspended, any → deleted', async () => {
      expectProblem(await op('POST', '/api/v1/operator/tenants/acme/resume'), 409, 'illegal_transition');
      const s = await op('POST', '/api/v1/operator/tenants/acme/suspend');
      expect(s.json<TenantBody>().status).toBe('suspended');
      const twice = expectProblem(
        await op('POST', '/api/v1/operator/tenants/acme/suspend'),
        409,
        'illegal_transition',
      );
      expect(twice).toMatchObject({ from: 'suspended', to: 'suspended', allowed: ['active', 'deleted'] });
      expect((await op('POST', '/api/v1/operator/tenants/acme/resume')).json<TenantBody>().status).toBe(
        'active',
      );
      const acme = (await op('GET', '/api/v1/operator/tenants/acme')).json<TenantBody>();
      expect(await actions(acme.id)).toEqual(expect.arrayContaining(['tenant.suspended', 'tenant.resumed']));
    });

    it('soft-deletes: the row stays, listed only under status=deleted, and nothing else is allowed after', async () => {
      await op('POST', '/api/v1/operator/tenants', { slug: 'doomed', name: 'Doomed' });
      const del = await op('DELETE', '/api/v1/operator/tenants/doomed');
      expect(del.statusCode, del.body).toBe(200);
      expect(del.json<TenantBody & { deletedAt: string }>()).toMatchObject({ status: 'deleted' });
      expect((await op('GET', '/api/v1/operator/tenants/doomed')).json<TenantBody>().status).toBe('deleted');
      const listed = (await op('GET', '/api/v1/operator/tenants')).json<{ items: TenantBody[] }>();
      expect(listed.items.map((t) => t.slug)).not.toContain('doomed');
      const deleted = (await op('GET', '/api/v1/operator/tenants?status=deleted')).json<{
        items: TenantBody[];
      }>();
      expect(deleted.items.map((t) => t.slug)).toEqual(['doomed']);
      const again = expectProblem(
        await op('DELETE', '/api/v1/operator/tenants/doomed'),
        409,
        'illegal_transition',
      );
      expect(again).toMatchObject({ allowed: [] });
      expectProblem(await op('POST', '/api/v1/operator/tenants/doomed/resume'), 409, 'illegal_transition');
      expectProblem(
        await op('PATCH', '/api/v1/operator/tenants/doomed', { plan: 'x' }),
        409,
        'illegal_transition',
      );
    });

    it('patches name, plan and domains, audited with from/to; an empty patch changes nothing', async () => {
      const res = await op('PATCH', '/api/v1/operator/tenants/globex', {
        plan: 'enterprise',
        domains: ['globex.test'],
      });
      expect(res.json<TenantBody>()).toMatchObject({ plan: 'enterprise', domains: ['globex.test'] });
      const id = res.json<TenantBody>().id;
      const [event] = await services.store.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, id), eq(auditEvents.action, 'tenant.updated')));
      expect(event?.metadata).toEqual({
        changes: { plan: { from: 'standard', to: 'enterprise' }, domains: { from: [], to: ['globex.test'] } },
      });
      await op('PATCH', '/api/v1/operator/tenants/globex', {});
      expect((await actions(id)).filter((a) => a === 'tenant.updated')).toHaveLength(1);
    });

    describe('partners', () => {
      let partner: PartnerBody;

      it('creates, attaches tenants, counts customers, shows its tenants', async () => {
        const res = await op('POST', '/api/v1/operator/partners', {
          slug: 'resell',
          name: 'Resell GmbH',
          domain: 'resell.example',
          marginPct: 12.5,
          contact: { email: 'ops@resell.example' },
        });
        expect(res.statusCode, res.body).toBe(201);
        partner = res.json<PartnerBody>();
        expect(partner).toMatchObject({ slug: 'resell', status: 'active', marginPct: 12.5, customers: 0 });
        expectProblem(
          await op('POST', '/api/v1/operator/partners', { slug: 'resell', name: 'x' }),
          409,
          'partner_slug_taken',
        );
        expectProblem(
          await op('POST', '/api/v1/operator/partners', { slug: 'bad', name: 'x', marginPct: 101 }),
          400,
          'validation_failed',
        );

        const attach = await op('PATCH', '/api/v1/operator/tenants/globex', { partnerId: partner.id });
        expect(attach.json<TenantBody>().partnerId).toBe(partner.id);
        const created = await op('POST', '/api/v1/operator/tenants', {
          slug: 'hooli',
          name: 'Hooli',
          partnerId: partner.id,
        });
        expect(created.json<TenantBody>().partnerId).toBe(partner.id);
        expectProblem(
          await op('PATCH', '/api/v1/operator/tenants/acme', { partnerId: 'prt_missing' }),
          400,
          'unknown_partner',
        );

        const list = (await op('GET', '/api/v1/operator/partners')).json<{ items: PartnerBody[] }>();
        expect(list.items.find((p) => p.slug === 'resell')?.customers).toBe(2);
        const detail = (await op('GET', '/api/v1/operator/partners/resell')).json<PartnerBody>();
        expect(detail.tenants?.map((t) => t.slug)).toEqual(['globex', 'hooli']);
        const byTenantFilter = (await op('GET', `/api/v1/operator/tenants?partnerId=${partner.id}`)).json<{
          items: TenantBody[];
        }>();
        expect(byTenantFilter.items.map((t) => t.slug)).toEqual(['globex', 'hooli']);
      });

      it('detaches a tenant with partnerId null', async () => {
        const res = await op('PATCH', '/api/v1/operator/tenants/hooli', { partnerId: null });
        expect(res.json<TenantBody>().partnerId).toBeNull();
        expect((await op('GET', '/api/v1/operator/partners/resell')).json<PartnerBody>().customers).toBe(1);
      });

      it('patches a partner, auditing which fields changed but not their values', async () => {
        const res = await op('PATCH', '/api/v1/operator/partners/resell', {
          marginPct: 15,
          billing: { iban: 'DE00 0000' },
        });
        expect(res.json<PartnerBody>()).toMatchObject({ marginPct: 15, customers: 1 });
        const [event] = await services.store.db
          .select()
          .from(auditEvents)
          .where(and(eq(auditEvents.targetId, partner.id), eq(auditEvents.action, 'partner.updated')));
        expect(event?.metadata).toEqual({ changed: ['billing', 'marginPct'] });
        expect(JSON.stringify(event)).not.toContain('DE00');
      });

      it('terminates softly: tenants stay attached, visible and working; no new attachments', async () => {
        const res = await op('POST', '/api/v1/operator/partners/resell/terminate');
        expect(res.json<PartnerBody>()).toMatchObject({ status: 'terminated', customers: 1 });
        expectProblem(
          await op('POST', '/api/v1/operator/partners/resell/terminate'),
          409,
          'illegal_transition',
        );
        const detail = (await op('GET', '/api/v1/operator/partners/resell')).json<PartnerBody>();
        expect(detail.tenants?.map((t) => [t.slug, t.status])).toEqual([['globex', 'active']]);
        expectProblem(
          await op('PATCH', '/api/v1/operator/tenants/hooli', { partnerId: partner.id }),
          409,
          'partner_terminated',
        );
        expect(await actions(partner.id)).toEqual([
          'partner.created',
          'partner.updated',
          'partner.terminated',
        ]);
      });
    });

    it('lists the users of a tenant with role, tokens and connections (operator and tenant admin)', async () => {
      const opView = await op('GET', '/api/v1/operator/tenants/demo/users');
      expect(opView.statusCode, opView.body).toBe(200);
      type U = { email: string; role: string; apiTokens: { active: number }; connections: { total: number } };
      const users = opView.json<{ items: U[] }>().items;
      expect(users.map((u) => [u.email, u.role])).toEqual([
        ['adam@demo.test', 'admin'],
        ['alice@demo.test', 'member'],
        ['gina@demo.test', 'guest'],
      ]);
      expect(users.find((u) => u.email === 'adam@demo.test')?.apiTokens.active).toBe(1);
      const admin = await call('adam', 'GET', '/api/v1/admin/users');
      expect(admin.statusCode, admin.body).toBe(200);
      expect(admin.json<{ items: U[] }>().items).toEqual(users);
      // Another tenant's users are its own: acme has none.
      expect((await op('GET', '/api/v1/operator/tenants/acme/users')).json<{ items: U[] }>().items).toEqual(
        [],
      );
      expectProblem(await op('GET', '/api/v1/operator/tenants/nope/users'), 404, 'not_found');
    });

    describe('suspension takes effect at once and resume restores (SPEC §3.2)', () => {
      it("refuses the tenant's API token with 403 tenant_suspended, accepts it again after resume", async () => {
        const me = () => call('adamToken', 'GET', '/api/v1/me');
        expect((await me()).statusCode).toBe(200); // cached as valid now
        await op('POST', '/api/v1/operator/tenants/demo/suspend');
        expectProblem(await me(), 403, 'tenant_suspended');
        // The tenant admin's own session is refused on tenant routes too.
        expectProblem(await call('adam', 'GET', '/api/v1/admin/users'), 403, 'tenant_suspended');
        // Connections stop too (SPEC §3.2), for members as for admins.
        expectProblem(await call('alice', 'GET', '/api/v1/connections'), 403, 'tenant_suspended');
        await op('POST', '/api/v1/operator/tenants/demo/resume');
        expect((await me()).statusCode).toBe(200);
        expect((await call('alice', 'GET', '/api/v1/connections')).statusCode).toBe(200);
        // Nothing was deleted: the token is still listed, active.
        const tokens = await call('adam', 'GET', '/api/v1/admin/api-tokens');
        expect(tokens.json<{ items: { status: string }[] }>().items.map((t) => t.status)).toEqual(['active']);
      });
    });
  });
}
