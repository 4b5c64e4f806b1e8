import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

/*
 * A bearer gate: what an OAuth resource-server filter in front of a DAV server does. It verifies
 * the access token against the IdP's JWKS (jose) and streams the request on; anything else is
 * refused with 401 before the server sees it.
 */

/** A bearer gate in front of a DAV server. */
export interface BearerGate {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Requests refused for a missing or invalid token. */
  refused(): number;
  /** Bearer tokens the gate accepted, most recent last (to prove which token Latchkey injected). */
  accepted(): readonly string[];
  close(): Promise<void>;
}

export interface BearerGateOptions {
  /** The server behind the gate (`http://127.0.0.1:<port>`). */
  upstream: string;
  /** The IdP whose access tokens are accepted, and the `aud` they must carry. */
  issuer: string;
  audience: string;
  /**
   * The Authorization header sent on to the server for a verified token, e.g. Basic with the
   * token's `sub` for Radicale; nothing when undefined.
   */
  forwardAs?: (claims: JWTPayload) => string | undefined;
  /**
   * Also accept HTTP Basic with this password (any user): for tools that only speak Basic, like
   * litmus, when they call the server directly rather than through Latchkey.
   */
  basicPassword?: string;
}

/** Hop-by-hop headers (RFC 9110 §7.6.1) and what the gate itself replaces. */
const NOT_FORWARDED = new Set([
  'authorization',
  'host',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

function forwardedHeaders(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const value = raw[i + 1] ?? '';
    if (NOT_FORWARDED.has(name.toLowerCase())) continue;
    const previous = headers[name];
    headers[name] =
      previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return headers;
}

async function verified(
  req: IncomingMessage,
  options: BearerGateOptions,
  keys: ReturnType<typeof createRemoteJWKSet>,
): Promise<{ claims: JWTPayload; token: string } | 'basic' | undefined> {
  const header = req.headers.authorization ?? '';
  const [scheme = '', credentials = ''] = header.split(' ', 2);
  if (scheme.toLowerCase() === 'basic' && options.basicPassword !== undefined) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1) === options.basicPassword ? 'basic' : undefined;
  }
  if (scheme.toLowerCase() !== 'bearer' || credentials === '') return undefined;
  try {
    const { payload } = await jwtVerify(credentials, keys, {
      issuer: options.issuer,
      audience: options.audience,
    });
    return { claims: payload, token: credentials };
  } catch {
    return undefined;
  }
}

/**
 * Starts a gate on a free loopback port: verifies the bearer token against the IdP's JWKS
 * (jose), then streams the request to the server and the answer back, status and headers kept.
 */
export async function startBearerGate(options: BearerGateOptions): Promise<BearerGate> {
  const keys = createRemoteJWKSet(new URL(`${options.issuer}/jwks`));
  const upstream = new URL(options.upstream);
  let refusals = 0;
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const who = await verified(req, options, keys);
      if (who === undefined) {
        refusals += 1;
        // Drain what the client sent so it reads the answer rather than a reset.
        req.resume();
        res.writeHead(401, {
          // Basic clients (litmus) send credentials only once challenged for Basic.
          'www-authenticate':
            options.basicPassword === undefined
              ? 'Bearer realm="dav", error="invalid_token"'
              : 'Basic realm="dav", Bearer realm="dav", error="invalid_token"',
          'content-length': '0',
        });
        res.end();
        return;
      }
      const headers = forwardedHeaders(req.rawHeaders);
      // The Host the client used, as a reverse proxy in front of a DAV server keeps it: the
      // server's absolute URLs (a mod_dir redirect's Location) then name the gate, not itself.
      headers.host = req.headers.host ?? upstream.host;
      if (who !== 'basic') {
        tokens.push(who.token);
        const forward = options.forwardAs?.(who.claims);
        if (forward !== undefined) headers.authorization = forward;
      }
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardedHeaders(answer.rawHeaders));
          answer.pipe(res);
        },
      );
      out.on('error', () => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
      req.pipe(out);
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refused: () => refusals,
    accepted: () => tokens,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
        server.closeAllConnections();
      }),
  };
}

/** Radicale's user is the token's subject; the password part is ignored (`auth = none`). */
export function basicAsSubject(claims: JWTPayload): string | undefined {
  return claims.sub === undefined
    ? undefined
    : `Basic ${Buffer.from(`${claims.sub}:gate`).toString('base64')}`;
}
