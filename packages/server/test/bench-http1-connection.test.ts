import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encodeGet,
  FAILED,
  Http1Connection,
  type Http1Target,
} from '../../../bench/support/http1-connection.js';

/** A real node:http server on loopback, answering by path as the bench upstream and others might. */
let server: Server;
let port = 0;
let accepted = 0;
const seen: { url: string | undefined; token: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ url: req.url, token: req.headers.authorization });
    req.resume();
    const path = (req.url ?? '').split('?')[0];
    if (path === '/1k') {
      res.writeHead(200, { 'content-length': '1024' }).end(Buffer.alloc(1024, 0x61));
    } else if (path === '/chunked') {
      // No Content-Length: node:http falls back to chunked transfer coding.
      res.writeHead(200);
      res.write('abc');
      res.end('def');
    } else if (path === '/close') {
      res.writeHead(200, { 'content-length': '2', connection: 'close' }).end('ok');
    } else if (path === '/hang-up') {
      req.socket.destroy();
    } else {
      res.writeHead(404, { 'content-length': '0' }).end();
    }
  });
  server.on('connection', () => (accepted += 1));
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((done) => server.close(done));
});

/** A connection to `path` on the test server (or `onPort`) and a way to await each answer. */
function connectionTo(path: string, onPort = port) {
  const target: Http1Target = {
    host: '127.0.0.1',
    port: onPort,
    request: encodeGet(new URL(`http://127.0.0.1:${onPort}${path}`), { authorization: 'Bearer t' }),
  };
  let answer: ((result: { tag: number; status: number }) => void) | undefined;
  const connection = new Http1Connection(target, (_c, tag, status) => answer?.({ tag, status }));
  const send = (tag: number) =>
    new Promise<{ tag: number; status: number }>((done) => {
      answer = done;
      connection.send(tag);
    });
  return { connection, send };
}

describe('GET request bytes (built once per run)', () => {
  it('writes request line, Host and the given fields, ending with an empty line', () => {
    const bytes = encodeGet(new URL('http://127.0.0.1:8080/p/1k?x=1'), { authorization: 'Bearer t' });
    expect(bytes.toString('latin1')).toBe(
      'GET /p/1k?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nauthorization: Bearer t\r\n\r\n',
    );
  });

  it('refuses a field that would split the request (RFC 9110 §5.5)', () => {
    const url = new URL('http://127.0.0.1/1k');
    expect(() => encodeGet(url, { 'x-a': 'b\r\nx-b: c' })).toThrow(/cannot be sent/);
    expect(() => encodeGet(url, { 'x a': 'b' })).toThrow(/cannot be sent/);
  });
});

describe('keep-alive connection of the open-loop generator, against node:http on loopback', () => {
  it('carries requests one after another on one TCP connection, each settled with its tag and status', async () => {
    const before = accepted;
    const { connection, send } = connectionTo('/1k?q=1');
    expect(await send(7)).toEqual({ tag: 7, status: 200 });
    expect(connection.busy).toBe(false);
    expect(await send(8)).toEqual({ tag: 8, status: 200 });
    expect(accepted - before).toBe(1);
    expect(seen.at(-1)).toEqual({ url: '/1k?q=1', token: 'Bearer t' });
    connection.close();
  });

  it('reports a non-2xx status as it came', async () => {
    const { connection, send } = connectionTo('/missing');
    expect(await send(1)).toEqual({ tag: 1, status: 404 });
    connection.close();
  });

  it('fails a chunked answer and starts the next request on a fresh connection', async () => {
    const before = accepted;
    const chunked = connectionTo('/chunked');
    expect(await chunked.send(1)).toEqual({ tag: 1, status: FAILED });
    expect(await chunked.send(2)).toEqual({ tag: 2, status: FAILED });
    expect(accepted - before).toBe(2);
    chunked.connection.close();
  });

  it('reconnects after a server that said "Connection: close"', async () => {
    const before = accepted;
    const { connection, send } = connectionTo('/close');
    expect(await send(1)).toEqual({ tag: 1, status: 200 });
    expect(await send(2)).toEqual({ tag: 2, status: 200 });
    expect(accepted - before).toBe(2);
    connection.close();
  });

  it('fails a request whose connection the server drops', async () => {
    const { connection, send } = connectionTo('/hang-up');
    expect(await send(3)).toEqual({ tag: 3, status: FAILED });
    connection.close();
  });

  it('fails a request to a port nobody listens on, once per send (no reconnect loop)', async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const { connection, send } = connectionTo('/1k', deadPort);
    expect(await send(1)).toEqual({ tag: 1, status: FAILED });
    expect(await send(2)).toEqual({ tag: 2, status: FAILED });
    connection.close();
  });

  it('settles a request in flight as failed when the connection is closed, and only once', async () => {
    const settled: number[] = [];
    const target: Http1Target = {
      host: '127.0.0.1',
      port,
      request: encodeGet(new URL(`http://127.0.0.1:${port}/1k`), {}),
    };
    const connection = new Http1Connection(target, (_c, _tag, status) => settled.push(status));
    connection.send(1);
    connection.close();
    expect(settled).toEqual([FAILED]);
    // The dropped socket's own 'close' comes later and must not settle anything again.
    await new Promise((done) => setImmediate(done));
    await new Promise((done) => setTimeout(done, 20));
    expect(settled).toEqual([FAILED]);
    expect(() => {
      connection.send(2);
      connection.send(3);
    }).toThrow(/already in flight/);
    connection.close();
  });
});
