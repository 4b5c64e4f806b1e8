import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/api/types.js';
import { usageSnippets } from '../src/pages/usage-snippets.js';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const webDir = fileURLToPath(new URL('../', import.meta.url));
const TOKEN = 'lk_snippet_test_token';

const demo = { id: 'demo', name: 'Demo notes', dav: false } as Service;

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
      const ok = req.url === '/proxy/demo/notes' && req.headers.authorization === `Bearer ${TOKEN}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'text/plain' }).end(ok ? 'the notes' : 'no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const snippet = () => {
    const [s] = usageSnippets(origin, TOKEN, [demo]);
    if (s === undefined) throw new Error('no snippet');
    return s;
  };

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
});
