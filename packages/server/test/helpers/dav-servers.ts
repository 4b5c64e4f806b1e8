import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/server.js';

/*
 * The DAV test bed: real servers on loopback, each behind a bearer gate (bearer-gate.ts) that
 * accepts only access tokens of a real OIDC provider — what a production WebDAV or CalDAV
 * server behind an OAuth resource-server filter does. Apache httpd with mod_dav (+ mod_dav_fs) serves files, Radicale
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
