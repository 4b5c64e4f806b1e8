import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { freePort } from '../../src/server.js';

/*
 * The DAV test bed: real servers on loopback, each behind a bearer gate that accepts only access
 * tokens of a real OIDC provider — what a production WebDAV or CalDAV server behind an OAuth
 * resource-server filter does. Apache httpd with mod_dav (+ mod_dav_fs) serves files, Radicale
 * serves calendars. The binaries come from Debian packages that CI installs; a missing one is an
 * error, not a skip.
 */

export const APACHE_BIN = '/usr/sbin/apache2';
export const RADICALE_BIN = '/usr/bin/radicale';
export const LITMUS_BIN = '/usr/bin/litmus';
const APACHE_MODULES = '/usr/lib/apache2/modules';

/** A server process started by the test bed. */
export interface DavProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Where its files live (the DAV root on disk for Apache, the collections for Radicale). */
  dir: string;
  stop(): Promise<void>;
}

function requireBinary(path: string, debianPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(`${path} is missing: install the Debian package ${debianPackage} (.ci/run does)`);
  }
}

async function waitForPort(
  port: number,
  child: ChildProcess,
  name: string,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}: ${log()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${name} did not listen on ${port}: ${log()}`);
}

function stopper(child: ChildProcess, cleanup: () => void): () => Promise<void> {
  return async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) =>
        child.once('exit', () => {
          resolve();
        }),
      );
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    cleanup();
  };
}

function captured(child: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => output;
}

/**
 * Apache httpd with mod_dav serving `<dir>/dav/` at `/dav/` (class 1 and 2: locks in a DavLockDB),
 * from a configuration of its own in a temporary directory. As root, the workers run as
 * www-data, which then owns the directories.
 */
export async function startApacheDav(): Promise<DavProcess> {
  requireBinary(APACHE_BIN, 'apache2');
  const root = mkdtempSync(join(tmpdir(), 'latchkey-apache-'));
  const dir = join(root, 'www', 'dav');
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(root, 'lock'));
  mkdirSync(join(root, 'run'));
  const port = await freePort('127.0.0.1');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // mkdtemp makes the directory 0700: the www-data workers must be able to walk into it.
    chmodSync(root, 0o755);
    const uid = Number(execFileSync('id', ['-u', 'www-data'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'www-data'], { encoding: 'utf8' }).trim());
    for (const path of [join(root, 'www'), dir, join(root, 'lock'), join(root, 'run')])
      chownSync(path, uid, gid);
  }
  const conf = join(root, 'httpd.conf');
  writeFileSync(
    conf,
    [
      `ServerRoot "${root}"`,
      `Listen 127.0.0.1:${port}`,
      'ServerName 127.0.0.1',
      `PidFile "${join(root, 'run', 'httpd.pid')}"`,
      `DefaultRuntimeDir "${join(root, 'run')}"`,
      `Mutex file:${join(root, 'run')} default`,
      `ErrorLog "${join(root, 'error.log')}"`,
      'LogLevel warn',
      ...['mpm_event', 'authz_core', 'dav', 'dav_fs', 'mime', 'dir', 'setenvif', 'filter', 'deflate'].map(
        (m) => `LoadModule ${m}_module ${APACHE_MODULES}/mod_${m}.so`,
      ),
      ...(asRoot ? ['User www-data', 'Group www-data'] : []),
      'TypesConfig /etc/mime.types',
      `DocumentRoot "${join(root, 'www')}"`,
      `DavLockDB "${join(root, 'lock', 'DavLock')}"`,
      // No .htaccess lookups on the way down (AllowOverride defaults to All).
      '<Directory />',
      '  AllowOverride None',
      '  Require all denied',
      '</Directory>',
      `<Directory "${join(root, 'www')}">`,
      '  AllowOverride None',
      '  Require all granted',
      '</Directory>',
      `<Directory "${dir}">`,
      '  Dav On',
      '</Directory>',
      // Under /dav/gz/ the server compresses its XML whatever the client accepts (force-gzip):
      // an upstream that ignores `Accept-Encoding: identity`, for the proxy's decode path.
      'SetEnvIf Request_URI "^/dav/gz/" force-gzip',
      '<LocationMatch "^/dav/gz/">',
      '  SetOutputFilter DEFLATE',
      '</LocationMatch>',
      '',
    ].join('\n'),
  );
  const child = spawn(APACHE_BIN, ['-f', conf, '-DFOREGROUND'], {
    env: { ...process.env, APACHE_RUN_DIR: join(root, 'run'), APACHE_LOCK_DIR: join(root, 'lock') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = captured(child);
  await waitForPort(port, child, 'apache2', log);
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    stop: stopper(child, () => {
      rmSync(root, { recursive: true, force: true });
    }),
  };
}

/**
 * Radicale (CalDAV/CardDAV) with `auth = none`: it takes the user name of the Basic credentials
 * it is given as the user, so the gate in front decides who that is from the verified token.
 */
export async function startRadicale(): Promise<DavProcess> {
  requireBinary(RADICALE_BIN, 'radicale');
  const root = mkdtempSync(join(tmpdir(), 'latchkey-radicale-'));
  const dir = join(root, 'collections');
  const port = await freePort('127.0.0.1');
  const conf = join(root, 'config');
  writeFileSync(
    conf,
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = none',
      '[rights]',
      'type = owner_only',
      '[storage]',
      `filesystem_folder = ${dir}`,
      '[web]',
      'type = none',
      '[logging]',
      'level = warning',
      '',
    ].join('\n'),
  );
  const child = spawn(RADICALE_BIN, ['--config', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = captured(child);
  await waitForPort(port, child, 'radicale', log);
  return {
    url: `http://127.0.0.1:${port}`,
    dir,
    stop: stopper(child, () => {
      rmSync(root, { recursive: true, force: true });
    }),
  };
}

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
