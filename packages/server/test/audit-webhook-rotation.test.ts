import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkeySignature } from '../src/crypto/latchkey-signature.js';
import { startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';
import { expectProblem } from './helpers/http.js';

interface Delivery {
  type: string;
  test: boolean;
  header: string;
  body: string;
}

/** Does this `Latchkey-Signature` verify with `secret`, as a receiver following SPEC §8 checks it? */
function verifies(header: string, body: string, secret: string): boolean {
  const parts = header.split(',');
  const t = parts.find((p) => p.startsWith('t='))?.slice(2);
  if (t === undefined) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return parts.some((p) => p === `v1=${expected}`);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('outgoing webhooks: send test and signing-secret rotation with an overlap window (SPEC §8)', () => {
  const data = tempDataDir();
  let store: Store;
  let server: RunningServer;
  let receiver: Server;
  let receiverUrl = '';
  const got: Delivery[] = [];
  let status = 204;
  const auth: Record<string, string> = {};
  let hookId = '';
  const secrets: string[] = [];

  const call = (who: string, url: string, payload?: object) =>
    server.app.inject({
      method: 'POST',
      url,
      headers: { authorization: auth[who] ?? '' },
      ...(payload && { payload }),
    });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        const parsed = JSON.parse(body) as { type: string; test?: boolean };
        got.push({
          type: parsed.type,
          test: parsed.test === true,
          header: String(req.headers['latchkey-signature']),
          body,
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(
      testConfig(data.dir, {
        audit: {
          webhooks: {
            intervalMs: 20,
            backoffMs: 20,
            maxAttempts: 5,
            timeoutMs: 2000,
            allowPrivateTargets: true,
          },
        },
      }),
      { store },
    );
    for (const who of ['alice', 'adam']) {
      const res = await server.app.inject({ method: 'POST', url: '/dev-idp/token', payload: { user: who } });
      auth[who] = `Bearer ${res.json<{ access_token: string }>().access_token}`;
    }
    const created = await call('adam', '/api/v1/admin/audit/webhooks', {
      url: receiverUrl,
      actions: ['api_token.'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<{ webhook: { id: string }; secret: string }>();
    hookId = body.webhook.id;
    secrets.push(body.secret);
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((resolve) => {
      receiver.close(() => {
        resolve();
      });
      receiver.closeAllConnections();
    });
    await store.close();
    data.cleanup();
  });

  it('signs with every given secret, newest first, under one timestamp', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const header = latchkeySignature(['new', 'old'], '{}', at);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifies(header, '{}', 'new')).toBe(true);
    expect(verifies(header, '{}', 'old')).toBe(true);
    expect(verifies(header, '{}', 'other')).toBe(false);
    expect(latchkeySignature('new', '{}', at)).toBe(latchkeySignature(['new'], '{}', at));
  });

  it('"send test" delivers a signed test event now and reports the receiver’s answer', async () => {
    const res = await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/test`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ delivered: true, statusCode: 204, error: null });
    const last = got.at(-1);
    expect(last?.type).toBe('audit_webhook.test');
    expect(last?.test).toBe(true);
    expect(verifies(last?.header ?? '', last?.body ?? '', secrets[0] ?? '')).toBe(true);
  });

  it('reports a receiver that refuses, and audits the attempt as a failure', async () => {
    status = 500;
    try {
      const res = await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/test`);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ delivered: false, statusCode: 500, error: 'HTTP 500' });
    } finally {
      status = 204;
    }
    const audit = await server.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit?action=audit_webhook.tested',
      headers: { authorization: auth.adam ?? '' },
    });
    expect(audit.statusCode, audit.body).toBe(200);
    const outcomes = audit.json<{ items: { outcome: string }[] }>().items.map((e) => e.outcome);
    expect(outcomes).toEqual(['failure', 'success']);
  });

  it('rotation: the new secret is shown once; both secrets sign during the overlap', async () => {
    const res = await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/rotate-secret`, {
      overlapSeconds: 3600,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ secret: string; webhook: { previousSecretExpiresAt: string | null } }>();
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(secrets[0]);
    const until = Date.parse(body.webhook.previousSecretExpiresAt ?? '');
    expect(until - Date.now()).toBeGreaterThan(3500_000);
    expect(until - Date.now()).toBeLessThanOrEqual(3600_000);
    secrets.push(body.secret);

    const list = await server.app.inject({
      method: 'GET',
      url: '/api/v1/admin/audit/webhooks',
      headers: { authorization: auth.adam ?? '' },
    });
    expect(list.body).not.toContain(body.secret);
    expect(list.body).not.toContain(secrets[0]);

    // A real event through the durable outbox, not only the test button.
    const before = got.length;
    const token = await call('alice', '/api/v1/api-tokens', {
      name: 'rotation-check',
      services: ['*'],
      permissions: ['read'],
      expiresInDays: 7,
    });
    expect(token.statusCode, token.body).toBe(201);
    while (!got.slice(before).some((d) => d.type === 'api_token.created'))
      await new Promise((r) => setTimeout(r, 20));
    const delivered = got.slice(before).find((d) => d.type === 'api_token.created');
    expect(verifies(delivered?.header ?? '', delivered?.body ?? '', secrets[0] ?? '')).toBe(true);
    expect(verifies(delivered?.header ?? '', delivered?.body ?? '', secrets[1] ?? '')).toBe(true);
  });

  it('rotation with no overlap drops the old secret at once (a leaked secret)', async () => {
    const res = await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/rotate-secret`, {
      overlapSeconds: 0,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ secret: string; webhook: { previousSecretExpiresAt: string | null } }>();
    expect(body.webhook.previousSecretExpiresAt).toBeNull();
    secrets.push(body.secret);
    const sent = await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/test`);
    expect(sent.json()).toMatchObject({ delivered: true });
    const last = got.at(-1);
    expect(last?.header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifies(last?.header ?? '', last?.body ?? '', secrets[2] ?? '')).toBe(true);
    expect(verifies(last?.header ?? '', last?.body ?? '', secrets[1] ?? '')).toBe(false);
  });

  it('is for tenant admins of the subscription’s tenant only, and validates the overlap', async () => {
    expect((await call('alice', `/api/v1/admin/audit/webhooks/${hookId}/test`)).statusCode).toBe(403);
    expect(
      (await call('alice', `/api/v1/admin/audit/webhooks/${hookId}/rotate-secret`, { overlapSeconds: 0 }))
        .statusCode,
    ).toBe(403);
    expectProblem(await call('adam', '/api/v1/admin/audit/webhooks/whk_nope/test'), 404, 'not_found');
    expectProblem(
      await call('adam', '/api/v1/admin/audit/webhooks/whk_nope/rotate-secret', { overlapSeconds: 0 }),
      404,
      'not_found',
    );
    expectProblem(
      await call('adam', `/api/v1/admin/audit/webhooks/${hookId}/rotate-secret`, { overlapSeconds: 10 ** 9 }),
      400,
      'validation_failed',
    );
  });
});
