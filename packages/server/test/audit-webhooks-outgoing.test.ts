import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { rawRows } from '../src/store/raw-rows.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';

const INGEST_SECRET = 'ingest-secret-0123456789';

interface Received {
  deliveryId: string;
  externalId: string;
  signatureOk: boolean;
}

/** A receiver on a fixed loopback port that can go down and come back on the same port. */
function receiver(secret: () => string) {
  const got: Received[] = [];
  let server: Server | undefined;
  const handler = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(req.headers['latchkey-signature']);
      const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
      const expected =
        m === null ? '' : createHmac('sha256', secret()).update(`${m[1]}.${body}`).digest('hex');
      const parsed = JSON.parse(body) as { id: string; event: { externalId: string } };
      got.push({
        deliveryId: parsed.id,
        externalId: parsed.event.externalId,
        signatureOk: m?.[2] === expected,
      });
      res.writeHead(204).end();
    });
  });
  server = handler;
  return {
    got,
    async listen(port = 0): Promise<number> {
      server = handler;
      await new Promise<void>((resolve) => handler.listen(port, '127.0.0.1', resolve));
      return (handler.address() as AddressInfo).port;
    },
    async down(): Promise<void> {
      const s = server;
      server = undefined;
      if (s?.listening === true) {
        await new Promise<void>((resolve) => {
          s.close(() => {
            resolve();
          });
          s.closeAllConnections();
        });
      }
    },
  };
}

describe('outgoing webhooks: signed deliveries from a durable outbox (SPEC §8)', () => {
  const data = tempDataDir();
  let store: Store;
  let server: RunningServer;
  let secret = '';
  const rx = receiver(() => secret);
  let port = 0;
  const auth: Record<string, string> = {};

  const inject = (who: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    server.app.inject({
      method,
      url,
      headers: { authorization: auth[who] ?? '' },
      ...(payload && { payload }),
    });
  const ingest = async (events: object[]) => {
    const body = JSON.stringify(events);
    const res = await server.app.inject({
      method: 'POST',
      url: '/ingest/app',
      payload: body,
      headers: {
        'content-type': 'application/json',
        'x-latchkey-signature': createHmac('sha256', INGEST_SECRET).update(body).digest('hex'),
      },
    });
    expect(res.statusCode, res.body).toBe(202);
  };
  const eventually = async (check: () => Promise<boolean>) => {
    while (!(await check())) await new Promise((r) => setTimeout(r, 20));
  };

  beforeAll(async () => {
    port = await rx.listen();
    await rx.down();
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(
      testConfig(data.dir, {
        audit: {
          webhooks: {
            intervalMs: 20,
            backoffMs: 20,
            maxAttempts: 1000,
            timeoutMs: 2000,
            allowPrivateTargets: true,
          },
          sources: [{ id: 'app', type: 'webhook', secret: INGEST_SECRET, tenant: [{ fixed: 'demo' }] }],
        },
      }),
      { store },
    );
    for (const who of ['alice', 'adam']) {
      const res = await server.app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: who } });
      auth[who] = `Bearer ${res.json<{ access_token: string }>().access_token}`;
    }
  });
  afterAll(async () => {
    await server.close();
    await rx.down();
    await store.close();
    data.cleanup();
  });

  it('lets tenant admins subscribe, showing the secret once', async () => {
    const res = await inject('adam', 'POST', '/api/v1/admin/audit/webhooks', {
      url: `http://127.0.0.1:${port}/hook`,
      actions: ['app.order.'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json<{ webhook: { id: string; actions: string[] }; secret: string }>();
    expect(body.secret).toMatch(/^whsec_/);
    secret = body.secret;
    const list = await inject('adam', 'GET', '/api/v1/admin/audit/webhooks');
    expect(list.json<{ items: { id: string }[] }>().items.map((w) => w.id)).toEqual([body.webhook.id]);
    expect(list.body).not.toContain(secret);
    const [row] = await rawRows<{ secret_enc: string }>(store.db, sql`select secret_enc from audit_webhooks`);
    expect(row?.secret_enc).not.toContain(secret.slice(6));
  });

  it('refuses members and other tenants’ ids', async () => {
    expectProblem(await inject('alice', 'GET', '/api/v1/admin/audit/webhooks'), 403, 'forbidden');
    expectProblem(
      await inject('alice', 'POST', '/api/v1/admin/audit/webhooks', { url: 'http://127.0.0.1:1/' }),
      403,
      'forbidden',
    );
    expectProblem(await inject('adam', 'DELETE', '/api/v1/admin/audit/webhooks/whk_other'), 404, 'not_found');
    expectProblem(
      await inject('adam', 'GET', '/api/v1/admin/audit/webhooks/whk_other/deliveries'),
      404,
      'not_found',
    );
  });

  it('delivers every matching event once the receiver, down for a while, is back', async () => {
    const wanted = Array.from({ length: 5 }, (_, i) => ({ id: `o-${i}`, type: 'order.placed' }));
    await ingest([...wanted, { id: 'x-1', type: 'inventory.counted' }]);
    // Down: wait until every delivery has failed at least twice.
    await eventually(async () => {
      const rows = await rawRows<{ attempts: number }>(
        store.db,
        sql`select attempts from audit_webhook_deliveries`,
      );
      return rows.length === 5 && rows.every((r) => r.attempts >= 2);
    });
    expect(rx.got).toHaveLength(0);
    await rx.listen(port);
    await eventually(async () => {
      const [row] = await rawRows<{ n: string }>(
        store.db,
        sql`select count(*)::text as n from audit_webhook_deliveries where status = 'delivered'`,
      );
      return row?.n === '5';
    });
    expect(rx.got.map((g) => g.externalId).sort()).toEqual(['o-0', 'o-1', 'o-2', 'o-3', 'o-4']);
    expect(new Set(rx.got.map((g) => g.deliveryId)).size).toBe(5);
    expect(rx.got.every((g) => g.signatureOk)).toBe(true);
  });

  it('keeps a delivery log with the failed attempts and the success', async () => {
    const [hook] = (await inject('adam', 'GET', '/api/v1/admin/audit/webhooks')).json<{
      items: { id: string }[];
    }>().items;
    const res = await inject('adam', 'GET', `/api/v1/admin/audit/webhooks/${hook?.id ?? ''}/deliveries`);
    const items = res.json<{
      items: {
        status: string;
        attempts: number;
        log: { statusCode: number | null; error: string | null }[];
      }[];
    }>().items;
    expect(items).toHaveLength(5);
    for (const d of items) {
      expect(d.status).toBe('delivered');
      expect(d.log.length).toBe(d.attempts);
      expect(d.log[0]?.error).toMatch(/request failed/);
      expect(d.log[d.log.length - 1]).toEqual({
        at: expect.any(String) as string,
        statusCode: 204,
        error: null,
      });
    }
  });

  it('records subscribing and unsubscribing in the audit log', async () => {
    const [hook] = (await inject('adam', 'GET', '/api/v1/admin/audit/webhooks')).json<{
      items: { id: string }[];
    }>().items;
    const del = await inject('adam', 'DELETE', `/api/v1/admin/audit/webhooks/${hook?.id ?? ''}`);
    expect(del.statusCode).toBe(204);
    const log = await inject('adam', 'GET', '/api/v1/admin/audit?action=audit_webhook.');
    expect(log.json<{ items: { action: string }[] }>().items.map((e) => e.action)).toEqual([
      'audit_webhook.deleted',
      'audit_webhook.created',
    ]);
  });

  it('lets tenant admins set the audit retention, recorded as an event', async () => {
    expect((await inject('adam', 'GET', '/api/v1/admin/audit/retention')).json()).toEqual({ days: null });
    const put = await inject('adam', 'PUT', '/api/v1/admin/audit/retention', { days: 90 });
    expect(put.statusCode, put.body).toBe(200);
    expect((await inject('adam', 'GET', '/api/v1/admin/audit/retention')).json()).toEqual({ days: 90 });
    expectProblem(
      await inject('adam', 'PUT', '/api/v1/admin/audit/retention', { days: 0 }),
      400,
      'validation_failed',
    );
    expectProblem(
      await inject('alice', 'PUT', '/api/v1/admin/audit/retention', { days: 1 }),
      403,
      'forbidden',
    );
    const log = await inject('adam', 'GET', '/api/v1/admin/audit?action=audit_retention.changed');
    expect(log.json<{ items: { metadata: unknown }[] }>().items[0]?.metadata).toEqual({
      before: null,
      after: 90,
    });
  });
});
