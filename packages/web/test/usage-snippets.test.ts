import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/api/types.js';
import { jmapSessionOf, usageSnippets } from '../src/pages/usage-snippets.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webDir = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'lk_snippet_test_token';

const demo: Service = {
  id: 'demo',
  name: 'Demo notes',
  baseUrl: 'http://127.0.0.1:1/demo-api/',
  connector: 'oidc',
  dav: false,
  jmap: false,
};
const mail: Service = {
  ...demo,
  id: 'mail',
  name: 'Mail',
  baseUrl: 'https://mail.example.test/',
  jmap: true,
};

/**
 * The Usage tab's snippets are meant to be pasted and run: here they are run, with curl, Node and
 * the CLI, against a loopback stand-in for Latchkey that answers only the right proxied call.
 */
describe('usage snippets run as shown', () => {
  let server: Server;
  let origin = '';
  const seen: { method: string; url: string; auth: string | undefined }[] = [];

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
      const authorised = req.headers.authorization === `Bearer ${TOKEN}`;
      if (req.url === '/proxy/mail/jmap/api' && req.method === 'POST' && authorised) {
        // Echo the JMAP method calls, as a server would answer them.
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          const calls = (JSON.parse(body) as { methodCalls: unknown }).methodCalls;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(calls));
        });
        return;
      }
      const ok = req.url === '/proxy/demo/notes' && authorised;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' }).end(ok ? 'the notes' : 'no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const snippet = (service = demo) => {
    const session = { accountId: 'acc-alice', apiPath: '/jmap/api' };
    const [s] = usageSnippets(origin, TOKEN, [service], { mail: session });
    if (s === undefined) throw new Error('no snippet');
    return s;
  };
  const mailboxGet = [['Mailbox/get', { accountId: 'acc-alice', ids: null }, '0']];

  it('curl', async () => {
    const { stdout } = await run('sh', ['-c', snippet().curl]);
    expect(stdout).toBe('the notes');
  });

  it('SDK', async () => {
    // In the package tree, so `@latchkey/sdk` resolves to the workspace package, as after `npm i`.
    const dir = mkdtempSync(join(webDir, '.snippet-'));
    try {
      const file = join(dir, 'snippet.mjs');
      writeFileSync(file, snippet().sdk);
      const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
        cwd: repoRoot,
        env: { ...process.env, LATCHKEY_TOKEN: TOKEN },
      });
      expect(stdout.trim()).toBe('200 the notes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('CLI', async () => {
    const cli = `latchkey() { "${process.execPath}" --conditions=source --import tsx packages/cli/src/bin.ts "$@"; }`;
    const { stdout } = await run('sh', ['-c', `${cli}\n${snippet().cli}`], {
      cwd: repoRoot,
      env: { ...process.env, LATCHKEY_TOKEN: '', LATCHKEY_URL: '' },
    });
    expect(stdout).toBe('the notes');
    expect(seen.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);
  }, 60_000);
  it('JMAP, with the account id read from the session: curl, SDK and CLI', async () => {
    const { stdout: viaCurl } = await run('sh', ['-c', snippet(mail).curl]);
    expect(JSON.parse(viaCurl)).toEqual(mailboxGet);

    const dir = mkdtempSync(join(webDir, '.snippet-'));
    try {
      const file = join(dir, 'snippet.mjs');
      writeFileSync(file, snippet(mail).sdk);
      const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', file], {
        cwd: repoRoot,
        env: { ...process.env, LATCHKEY_TOKEN: TOKEN },
      });
      expect(stdout.trim()).toBe(`200 ${JSON.stringify(mailboxGet)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const cli = `latchkey() { "${process.execPath}" --conditions=source --import tsx packages/cli/src/bin.ts "$@"; }`;
    const { stdout: viaCli } = await run('sh', ['-c', `${cli}\n${snippet(mail).cli}`], {
      cwd: repoRoot,
      env: { ...process.env, LATCHKEY_TOKEN: '', LATCHKEY_URL: '' },
    });
    expect(JSON.parse(viaCli)).toEqual(mailboxGet);
  }, 90_000);

  it('maps the session apiUrl below the service, and refuses one outside it', () => {
    const session = (apiUrl: string) => ({ apiUrl, primaryAccounts: { 'urn:ietf:params:jmap:mail': 'u1' } });
    expect(jmapSessionOf(mail, origin, session('https://mail.example.test/jmap/api'))).toEqual({
      accountId: 'u1',
      apiPath: '/jmap/api',
    });
    expect(jmapSessionOf(mail, origin, session(`${origin}/proxy/mail/api`))).toEqual({
      accountId: 'u1',
      apiPath: '/api',
    });
    // Elsewhere: a client would bypass the proxy, so no snippet is built on it.
    expect(jmapSessionOf(mail, origin, session('https://evil.example.test/jmap/api'))).toBeUndefined();
    expect(jmapSessionOf(mail, origin, { apiUrl: 'https://mail.example.test/jmap' })).toBeUndefined();
    expect(jmapSessionOf(mail, origin, 'not a session')).toBeUndefined();
  });
});
