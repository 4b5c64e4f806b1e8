/*
 * The baseline of bench/proxy.ts (SPEC §12): a bare pass-through proxy written directly on
 * `node:http` + undici — no framework, no authentication, no lookup — forwarding every request
 * to the upstream given as argv[2] with the same undici Pool settings as Latchkey's proxy.
 * Prints its port on stdout.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool, type Dispatcher } from 'undici';

const upstream = process.argv[2];
if (upstream === undefined) throw new Error('usage: bare-proxy.ts <upstream origin>');
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 4_000 });
const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'te', 'trailer']);

const server = createServer((req, res) => {
  const headers: Record<string, string | string[] | undefined> = {};
  for (const name in req.headers) if (!HOP.has(name)) headers[name] = req.headers[name];
  const hasBody =
    req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  // undici `stream` writes the upstream body straight into the response: its cheapest path.
  pool
    .stream(
      {
        method: req.method as Dispatcher.HttpMethod,
        path: req.url ?? '/',
        headers,
        body: hasBody ? req : null,
      },
      ({ statusCode, headers: answer }) => {
        const out: Record<string, string | string[]> = {};
        for (const name in answer) {
          const v = answer[name];
          if (!HOP.has(name) && v !== undefined) out[name] = v;
        }
        res.writeHead(statusCode, out);
        return res;
      },
    )
    .catch(() => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
