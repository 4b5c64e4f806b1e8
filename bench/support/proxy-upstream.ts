/*
 * The upstream of bench/proxy.ts, in a process of its own: `GET /1k` and `GET /64k` answer that
 * many bytes with a Content-Length, keep-alive. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const bodies = new Map([
  ['1k', Buffer.alloc(1024, 0x61)],
  ['64k', Buffer.alloc(64 * 1024, 0x62)],
]);

const server = createServer((req, res) => {
  const name = (req.url ?? '/').split('?')[0]?.split('/').at(-1) ?? '';
  const body = bodies.get(name);
  req.resume();
  if (body === undefined) {
    res.writeHead(404, { 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
  res.end(body);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
