import { createHmac } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { Store } from '../src/store/db.js';
import { rawRows } from '../src/store/raw-rows.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';
import { storeTiers } from './helpers/store-tiers.js';

const STALWART_SECRET = 'stalwart-secret-0123456789';
const GENERIC_SECRET = 'generic-secret-0123456789';

const hmac = (secret: string, body: string, encoding: 'hex' | 'base64') =>
  createHmac('sha256', secret).update(body).digest(encoding);

for (const tier of storeTiers()) {
  describe.runIf(tier.available)(`signed ingest webhooks (SPEC §8) on ${tier.name}`, () => {
    const data = tempDataDir();
    let store: Store;
    let dispose: () => Promise<void>;
    let app: FastifyInstance;
    let demoTenant = '';

    const count = async (source: string) => {
      const [row] = await rawRows<{ n: string }>(
        store.db,
        sql`select count(*)::text as n from audit_events where source = ${source}`,
      );
      return Number(row?.n);
    };
    const post = (source: string, body: string, headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: `/ingest/${source}`,
        payload: body,
        headers: { 'content-type': 'application/json', ...headers },
      });

    beforeAll(async () => {
      ({ store, dispose } = await tier.open());
      ({ app } = await buildApp(
        testConfig(data.dir, {
          audit: {
            sources: [
              {
                id: 'stalwart',
                type: 'webhook',
                secret: STALWART_SECRET,
                signature: { preset: 'stalwart' },
                allow: ['auth.*', 'message.delivered'],
                actions: { 'auth.success': 'mail.login', 'auth.failed': 'mail.login_failed' },
                tenant: [{ byUserEmail: true }],
              },
              {
                id: 'generic',
                type: 'webhook',
                secret: GENERIC_SECRET,
                maxBodyBytes: 2048,
                signature: { timestampHeader: 'X-Timestamp', toleranceSeconds: 300, prefix: 'sha256=' },
                tenant: [{ byField: true }, { fixed: 'demo' }],
              },
            ],
          },
        }),
        { store },
      ));
      // Alice signs in once, so her e-mail maps to the demo tenant.
      const minted = await app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: 'alice' } });
      const me = await app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${minted.json<{ access_token: string }>().access_token}` },
      });
      demoTenant = me.json<{ tenant: { tenantId: string } }>().tenant.tenantId;
    });
    afterAll(async () => {
      await app.close();
      await dispose();
      data.cleanup();
    });

    const stalwartBody = JSON.stringify({
      events: [
        {
          id: 'st-1',
          createdAt: '2026-03-01T10:00:00Z',
          type: 'auth.success',
          data: { accountName: 'alice@demo.test', remoteIp: '198.51.100.7' },
        },
        {
          id: 'st-2',
          createdAt: '2026-03-01T10:00:01Z',
          type: 'auth.failed',
          data: { accountName: 'x@nowhere.test' },
        },
        { id: 'st-3', createdAt: '2026-03-01T10:00:02Z', type: 'queue.retry', data: {} },
      ],
    });

    it('stores a Stalwart delivery signed with X-Signature in base64, mapped, filtered and attributed', async () => {
      const res = await post('stalwart', stalwartBody, {
        'x-signature': hmac(STALWART_SECRET, stalwartBody, 'base64'),
      });
      expect(res.statusCode, res.body).toBe(202);
      expect(res.json()).toEqual({ received: 3, stored: 2, duplicates: 0, filtered: 1, invalid: 0 });
      const rows = await rawRows<{
        external_id: string;
        action: string;
        tenant_id: string | null;
        actor_ip: string | null;
        outcome: string;
        occurred_at: Date | string;
      }>(
        store.db,
        sql`select external_id, action, tenant_id, actor_ip, outcome, occurred_at from audit_events
            where source = 'stalwart' order by external_id`,
      );
      expect(rows.map((r) => [r.external_id, r.action, r.tenant_id, r.actor_ip])).toEqual([
        ['st-1', 'mail.login', demoTenant, '198.51.100.7'],
        ['st-2', 'mail.login_failed', null, null],
      ]);
      expect(new Date(rows[0]?.occurred_at ?? 0).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    });

    it('acknowledges a replayed delivery and stores it once', async () => {
      const before = await count('stalwart');
      const res = await post('stalwart', stalwartBody, {
        'x-signature': hmac(STALWART_SECRET, stalwartBody, 'base64'),
      });
      expect(res.statusCode).toBe(202);
      expect(res.json()).toMatchObject({ stored: 0, duplicates: 2 });
      expect(await count('stalwart')).toBe(before);
    });

    it('counts ingested events by outcome and measures the ingest lag in /metrics (SPEC §11)', async () => {
      const metrics = (await app.inject({ url: '/metrics' })).body;
      const value = (line: string) => {
        const found = metrics.split('\n').find((l) => l.startsWith(`${line} `));
        return Number(found?.split(' ').at(-1));
      };
      // The first delivery and its replay: 2 stored, then 2 duplicates; 1 filtered each time.
      expect(value('latchkey_audit_ingested_events_total{source="stalwart",outcome="stored"}')).toBe(2);
      expect(value('latchkey_audit_ingested_events_total{source="stalwart",outcome="duplicates"}')).toBe(2);
      expect(value('latchkey_audit_ingested_events_total{source="stalwart",outcome="filtered"}')).toBe(2);
      // Lag is observed for stored events only; these happened months before they arrived.
      expect(value('latchkey_audit_ingest_lag_seconds_count{source="stalwart"}')).toBe(2);
      expect(value('latchkey_audit_ingest_lag_seconds_bucket{le="86400",source="stalwart"}')).toBe(0);
      expect(value('latchkey_audit_ingest_lag_seconds_sum{source="stalwart"}')).toBeGreaterThan(2 * 86400);
    });

    it('refuses a missing, wrong, wrongly encoded or body-mismatched signature with 401, storing nothing', async () => {
      const body = JSON.stringify({ events: [{ id: 'st-bad', type: 'auth.success' }] });
      const cases: Record<string, string>[] = [
        {},
        { 'x-signature': '' },
        { 'x-signature': hmac('another-secret-0123456789', body, 'base64') },
        { 'x-signature': hmac(STALWART_SECRET, body, 'hex') },
        { 'x-signature': hmac(STALWART_SECRET, `${body} `, 'base64') },
        { 'x-latchkey-signature': hmac(STALWART_SECRET, body, 'base64') },
      ];
      for (const headers of cases) {
        expectProblem(await post('stalwart', body, headers), 401, 'invalid_signature');
      }
      const [row] = await rawRows<{ n: string }>(
        store.db,
        sql`select count(*)::text as n from audit_events where external_id = 'st-bad'`,
      );
      expect(row?.n).toBe('0');
    });

    it('checks the timestamp against the tolerance and signs it with the body', async () => {
      const body = JSON.stringify({ id: 'g-1', type: 'thing.happened', tenant: 'demo', actor: { id: 'u1' } });
      const now = Math.floor(Date.now() / 1000);
      const sign = (ts: number, b = body) => `sha256=${hmac(GENERIC_SECRET, `${ts}.${b}`, 'hex')}`;
      const stale = now - 3600;
      expectProblem(
        await post('generic', body, { 'x-timestamp': String(stale), 'x-latchkey-signature': sign(stale) }),
        401,
        'invalid_signature',
      );
      // A fresh timestamp with a signature made for another one does not verify either.
      expectProblem(
        await post('generic', body, { 'x-timestamp': String(now), 'x-latchkey-signature': sign(now - 1) }),
        401,
        'invalid_signature',
      );
      expectProblem(
        await post('generic', body, { 'x-latchkey-signature': sign(now) }),
        401,
        'invalid_signature',
      );
      const ok = await post('generic', body, {
        'x-timestamp': String(now),
        'x-latchkey-signature': sign(now),
      });
      expect(ok.statusCode, ok.body).toBe(202);
      expect(ok.json()).toMatchObject({ stored: 1 });
      const [row] = await rawRows<{ action: string; tenant_id: string; actor_id: string }>(
        store.db,
        sql`select action, tenant_id, actor_id from audit_events where source = 'generic' and external_id = 'g-1'`,
      );
      expect(row).toEqual({ action: 'generic.thing.happened', tenant_id: demoTenant, actor_id: 'u1' });
    });

    it('enforces the size limit, answers 404 for unknown sources and 400 for a signed non-JSON body', async () => {
      const now = String(Math.floor(Date.now() / 1000));
      const big = JSON.stringify({ id: 'big', type: 'x', pad: 'x'.repeat(4096) });
      expectProblem(
        await post('generic', big, {
          'x-timestamp': now,
          'x-latchkey-signature': `sha256=${hmac(GENERIC_SECRET, `${now}.${big}`, 'hex')}`,
        }),
        413,
        'payload_too_large',
      );
      expectProblem(await post('nope', '{}', {}), 404, 'not_found');
      const notJson = 'this is not json';
      expectProblem(
        await post('generic', notJson, {
          'x-timestamp': now,
          'x-latchkey-signature': `sha256=${hmac(GENERIC_SECRET, `${now}.${notJson}`, 'hex')}`,
        }),
        400,
        'invalid_json',
      );
      const mixed = JSON.stringify([
        { id: 'g-2', type: 'ok' },
        'not an object',
        42,
        { id: 'g-2', type: 'ok' },
      ]);
      const res = await post('generic', mixed, {
        'x-timestamp': now,
        'x-latchkey-signature': `sha256=${hmac(GENERIC_SECRET, `${now}.${mixed}`, 'hex')}`,
      });
      expect(res.json()).toEqual({ received: 4, stored: 1, duplicates: 1, filtered: 0, invalid: 2 });
    });

    it('needs no user credential but is not open: the signature is the credential', async () => {
      const body = '{"id":"anon","type":"x"}';
      const res = await app.inject({ method: 'POST', url: '/ingest/generic', payload: body });
      expectProblem(res, 401, 'invalid_signature');
    });
  });
}
