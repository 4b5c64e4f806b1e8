import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) =>
    server.close((err) => {
      if (err) reject(err);
      else resolve();
    }),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A WebDAV-ish collection store that implements MKCOL as RFC 4918 §9.3.1 says: 201 Created, 405
 * when the resource exists, 409 when the parent collection does not, 401 without the right Basic
 * credentials. Enough to prove the step, not a WebDAV server.
 */
export async function startDavPeer(credentials: { username: string; password: string }) {
  const collections = new Set<string>(['/']);
  const calls: { method: string; path: string; status: number }[] = [];
  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const answer = (status: number) => {
      calls.push({ method: req.method ?? '', path, status });
      res.writeHead(status).end();
    };
    if (req.headers.authorization !== expected) {
      answer(401);
      return;
    }
    if (req.method !== 'MKCOL') {
      answer(405);
      return;
    }
    const normalised = path.endsWith('/') ? path : `${path}/`;
    const parent = normalised.replace(/[^/]+\/$/, '');
    if (collections.has(normalised)) {
      answer(405);
      return;
    }
    if (!collections.has(parent)) {
      answer(409);
      return;
    }
    collections.add(normalised);
    answer(201);
  });
  const url = await listen(server);
  return { url, collections, calls, close: () => close(server) };
}

/** A provisioning webhook receiver that checks `Latchkey-Signature` (t=…,v1=HMAC(t.body)). */
export async function startSignedReceiver(secret: string) {
  const received: { body: unknown; idempotencyKey: string | undefined; path: string }[] = [];
  const state = { failWith: 0, rejectedSignatures: 0 };
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const header = String(req.headers['latchkey-signature'] ?? '');
      const t = /(?:^|,)t=(\d+)/.exec(header)?.[1];
      const v1 = /(?:^|,)v1=([0-9a-f]{64})/.exec(header)?.[1];
      const expected =
        t === undefined ? '' : createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
      const fresh = t !== undefined && Math.abs(Date.now() / 1000 - Number(t)) < 300;
      const valid =
        v1 !== undefined && fresh && timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(expected, 'hex'));
      if (!valid) {
        state.rejectedSignatures += 1;
        return res.writeHead(401).end();
      }
      if (state.failWith !== 0) return res.writeHead(state.failWith).end('upstream says no: secret=hunter2');
      const key = req.headers['idempotency-key'];
      received.push({
        body: JSON.parse(raw) as unknown,
        idempotencyKey: typeof key === 'string' ? key : undefined,
        path: req.url ?? '',
      });
      return res.writeHead(204).end();
    });
  });
  const url = await listen(server);
  return { url, received, state, close: () => close(server) };
}
