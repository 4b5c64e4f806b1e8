/*
 * The baseline of bench/proxy.ts (SPEC §12): a bare pass-through proxy written directly on
 * `node:http` + undici — no framework, no authentication, no lookup — forwarding every request
 * to the upstream given as argv[2] with the same undici Pool settings as Latchkey's proxy.
 * Run as a script it prints its port on stdout; bench/proxy.ts also mounts `bareHandler` inside
 * Latchkey's own process to tell the process's environment apart from the proxy's code.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { Pool, type Dispatcher } from 'undici';

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'te', 'trailer']);

/** The bare pass-through as a node:http request listener forwarding to `upstream` (an origin). */
export function bareHandler(upstream: string): (req: IncomingMessage, res: ServerResponse) => void {
  const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 4_000 });
  return (req, res) => {
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
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const upstream = process.argv[2];
  if (upstream === undefined) throw new Error('usage: bare-proxy.ts <upstream origin>');
  const server = createServer(bareHandler(upstream));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
  });
}
