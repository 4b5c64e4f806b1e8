import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { AuditEventView } from '../src/audit/query/event-view.js';
import type { Store } from '../src/store/db.js';
import { seedEvents } from './helpers/audit-events.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';
import { storeTiers } from './helpers/store-tiers.js';

interface Page {
  items: AuditEventView[];
  nextCursor: string | null;
}

for (const tier of storeTiers()) {
  describe.runIf(tier.available)(`audit query API (SPEC §8) on ${tier.name}`, () => {
    const data = tempDataDir();
    let store: Store;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    const auth: Record<string, string> = {};
    const ids: Record<string, string> = {};
    let demoTenant = '';

    const get = async (who: string, url: string) =>
      app.inject({ url, headers: { authorization: auth[who] ?? '' } });
    const page = async (who: string, url: string): Promise<Page> => {
      const res = await get(who, url);
      expect(res.statusCode, res.body).toBe(200);
      return res.json<Page>();
    };

    beforeAll(async () => {
      ({ store, dispose } = await tier.open());
      ({ app } = await buildApp(testConfig(data.dir), { store }));
      for (const [who, audience] of [
        ['alice', undefined],
        ['adam', undefined],
        ['olga', undefined],
        ['olgaOp', 'latchkey-operator'],
      ] as const) {
        const user = who === 'olgaOp' ? 'olga' : who;
        const res = await app.inject({
          method: 'POST',
          url: '/dev-idp/token',
          payload: audience === undefined ? { user } : { user, audience },
        });
        auth[who] = `Bearer ${res.json<{ access_token: string }>().access_token}`;
        const me = await get(who, '/api/v1/me');
        ids[who] = me.json<{ user: { id: string } }>().user.id;
        if (who === 'adam') demoTenant = me.json<{ tenant: { tenantId: string } }>().tenant.tenantId;
      }
      // Only the seeded events below: sign-in events would blur the counts.
      await store.db.execute(sql`delete from audit_events`);
      const t0 = Date.parse('2026-01-01T00:00:00Z');
      const at = (minutes: number) => new Date(t0 + minutes * 60_000);
      await seedEvents(store.db, [
        {
          action: 'api_token.created',
          tenantId: demoTenant,
          actorId: ids.alice,
          targetId: 'tok_1',
          occurredAt: at(1),
        },
        {
          action: 'api_token.revoked',
          tenantId: demoTenant,
          actorId: ids.alice,
          targetId: 'tok_1',
          occurredAt: at(2),
        },
        { action: 'api_tokenXcreated', tenantId: demoTenant, actorId: ids.adam, occurredAt: at(3) },
        {
          action: 'connection.refresh_failed',
          tenantId: demoTenant,
          actorId: ids.adam,
          outcome: 'failure',
          targetLabel: 'Mail of Alice',
          occurredAt: at(4),
        },
        {
          action: 'auth.failed',
          tenantId: demoTenant,
          source: 'stalwart',
          externalId: 'st-1',
          actorId: 'mallory@elsewhere.test',
          actorLabel: '=cmd|calc',
          outcome: 'denied',
          metadata: { note: 'needle, "quoted"' },
          occurredAt: at(5),
        },
        { action: 'tenant.suspended', tenantId: 'ten_elsewhere', actorId: ids.olga, occurredAt: at(6) },
        { action: 'user_created', tenantId: 'ten_elsewhere', occurredAt: at(7) },
      ]);
      // 120 events at the very same instant: pagination must break ties by id, never skip or repeat.
      await seedEvents(
        store.db,
        Array.from({ length: 120 }, (_, i) => ({
          action: 'bulk.item',
          tenantId: demoTenant,
          actorId: ids.adam,
          metadata: { i },
          occurredAt: at(10),
        })),
      );
    });
    afterAll(async () => {
      await app.close();
      await dispose();
      data.cleanup();
    });

    it('shows members only their own events, across the tenant', async () => {
      const p = await page('alice', '/api/v1/audit');
      expect(p.items.map((e) => e.action)).toEqual(['api_token.revoked', 'api_token.created']);
      expect(p.items.every((e) => e.actor.id === ids.alice)).toBe(true);
      expect(p.nextCursor).toBeNull();
    });

    it('shows members what their own API tokens did for them too, and nothing of another user’s', async () => {
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/api-tokens',
        headers: { authorization: auth.alice ?? '' },
        payload: { name: 'own-view', services: ['*'], permissions: ['read'], expiresInDays: 7 },
      });
      expect(created.statusCode, created.body).toBe(201);
      const { token, apiToken } = created.json<{ token: string; apiToken: { id: string } }>();
      // The token revokes itself: the actor of that event is the token, not alice.
      const revoked = await app.inject({
        method: 'DELETE',
        url: `/api/v1/api-tokens/${apiToken.id}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(revoked.statusCode, revoked.body).toBe(204);
      const own = await page('alice', '/api/v1/audit?action=api_token.');
      expect(own.items.slice(0, 2).map((e) => [e.action, e.actor.type, e.actor.id])).toEqual([
        ['api_token.revoked', 'api_token', apiToken.id],
        ['api_token.created', 'user', ids.alice],
      ]);
      const adams = await page('adam', '/api/v1/audit');
      expect(adams.items.some((e) => e.actor.id === apiToken.id)).toBe(false);
      await store.db.execute(
        sql`delete from audit_events where actor_id in (${ids.alice}, ${apiToken.id}) and occurred_at > '2026-06-01'`,
      );
    });

    it('shows tenant admins every event of their tenant and nothing of another', async () => {
      const all = await collect('adam', '/api/v1/admin/audit?limit=200');
      expect(all).toHaveLength(125);
      expect(all.every((e) => e.tenantId === demoTenant)).toBe(true);
      expectProblem(await get('alice', '/api/v1/admin/audit'), 403, 'forbidden');
      expectProblem(await app.inject({ url: '/api/v1/admin/audit' }), 401, 'unauthenticated');
    });

    it('shows operators everything, only with an operator token and the platform-admin flag', async () => {
      const all = await collect('olgaOp', '/api/v1/operator/audit?limit=200');
      expect(all).toHaveLength(127);
      const other = await page('olgaOp', '/api/v1/operator/audit?tenant=ten_elsewhere');
      expect(other.items.map((e) => e.action)).toEqual(['user_created', 'tenant.suspended']);
      expectProblem(await get('olga', '/api/v1/operator/audit'), 403, 'forbidden');
      expectProblem(await get('adam', '/api/v1/operator/audit'), 403, 'forbidden');
    });

    it('pages newest first by keyset without skipping or repeating tied events', async () => {
      const seen: AuditEventView[] = [];
      let url = '/api/v1/admin/audit?limit=50&action=bulk.';
      for (;;) {
        const p = await page('adam', url);
        seen.push(...p.items);
        if (p.nextCursor === null) break;
        url = `/api/v1/admin/audit?limit=50&action=bulk.&cursor=${encodeURIComponent(p.nextCursor)}`;
      }
      expect(seen).toHaveLength(120);
      expect(new Set(seen.map((e) => e.id)).size).toBe(120);
      const sorted = [...seen].sort((a, b) =>
        a.occurredAt === b.occurredAt ? (a.id < b.id ? 1 : -1) : a.occurredAt < b.occurredAt ? 1 : -1,
      );
      expect(seen.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
    });

    it('filters by action prefix, treating LIKE wildcards literally', async () => {
      const tokens = await page('olgaOp', '/api/v1/operator/audit?action=api_token.');
      expect(tokens.items.map((e) => e.action).sort()).toEqual(['api_token.created', 'api_token.revoked']);
      const underscore = await page('olgaOp', '/api/v1/operator/audit?action=user_');
      expect(underscore.items.map((e) => e.action)).toEqual(['user_created']);
      const percent = await page('olgaOp', '/api/v1/operator/audit?action=%25');
      expect(percent.items).toEqual([]);
    });

    it('filters by actor, source, outcome, target, time range and free text', async () => {
      const q = async (query: string) =>
        (await page('adam', `/api/v1/admin/audit?limit=200&${query}`)).items.map((e) => e.action);
      expect(await q(`actor=${ids.alice}`)).toEqual(['api_token.revoked', 'api_token.created']);
      expect(await q(`actor=${encodeURIComponent('mallory@elsewhere.test')}`)).toEqual(['auth.failed']);
      expect(await q(`actor=${encodeURIComponent('=cmd|calc')}`)).toEqual([]);
      expect(await q('source=stalwart')).toEqual(['auth.failed']);
      expect(await q('outcome=failure')).toEqual(['connection.refresh_failed']);
      expect(await q('target=tok_1')).toEqual(['api_token.revoked', 'api_token.created']);
      expect(await q('from=2026-01-01T00:02:00Z&to=2026-01-01T00:04:00Z')).toEqual([
        'api_tokenXcreated',
        'api_token.revoked',
      ]);
      expect(await q('q=NEEDLE')).toEqual(['auth.failed']);
      expect(await q('q=mail%20of')).toEqual(['connection.refresh_failed']);
      expect(await q('source=stalwart&outcome=success')).toEqual([]);
    });

    it('answers 400 to a cursor it did not issue and to a bad filter', async () => {
      expectProblem(await get('adam', '/api/v1/admin/audit?cursor=bm90LW91cnM'), 400, 'bad_request');
      expectProblem(await get('adam', '/api/v1/admin/audit?outcome=maybe'), 400, 'validation_failed');
      expectProblem(await get('adam', '/api/v1/admin/audit?from=yesterday'), 400, 'validation_failed');
      expectProblem(await get('adam', '/api/v1/admin/audit?limit=1000'), 400, 'validation_failed');
    });

    it('exports JSON lines and CSV with every matching event, quoting and defusing formulas', async () => {
      const jsonl = await get('adam', '/api/v1/admin/audit/export?format=jsonl');
      expect(jsonl.statusCode).toBe(200);
      expect(jsonl.headers['content-type']).toMatch(/^application\/x-ndjson/);
      const lines = jsonl.body.trim().split('\n');
      expect(lines).toHaveLength(125);
      expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ action: 'bulk.item', tenantId: demoTenant });

      const csv = await get('adam', '/api/v1/admin/audit/export?format=csv&source=stalwart');
      expect(csv.statusCode).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="audit-.*\.csv"$/);
      const rows = csv.body.split('\r\n').filter((l) => l !== '');
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatch(/^id,occurred_at,received_at,tenant_id,source/);
      expect(rows[1]).toContain(",'=cmd|calc,");
      expect(rows[1]).toContain('"{""note"":""needle, \\""quoted\\""""}"');

      const own = await get('alice', '/api/v1/audit/export?format=jsonl');
      expect(own.body.trim().split('\n')).toHaveLength(2);
      expectProblem(await get('alice', '/api/v1/admin/audit/export'), 403, 'forbidden');
    });

    it('refuses webhook subscriptions to private addresses by default (SSRF guard)', async () => {
      const post = (url: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/admin/audit/webhooks',
          headers: { authorization: auth.adam ?? '' },
          payload: { url },
        });
      expectProblem(await post('http://169.254.169.254/latest/meta-data/'), 400, 'bad_request');
      expectProblem(await post('http://127.0.0.1:9/hook'), 400, 'bad_request');
      expect((await post('https://hooks.example.com/latchkey')).statusCode).toBe(201);
    });

    async function collect(who: string, first: string): Promise<AuditEventView[]> {
      const out: AuditEventView[] = [];
      let url = first;
      for (;;) {
        const p = await page(who, url);
        out.push(...p.items);
        if (p.nextCursor === null) return out;
        url = `${first}&cursor=${encodeURIComponent(p.nextCursor)}`;
      }
    }
  });
}
