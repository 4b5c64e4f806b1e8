import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/src/server.js';
import { tempDataDir, testConfig } from '../../server/test/helpers/config.js';
import { consentAs } from '../../sdk/test/helpers/consent.js';

const repoRoot = resolve(import.meta.dirname, '../../..');
// The CLI from its TypeScript sources in a process of its own (`source` condition: no build needed).
const cli = ['--conditions=source', '--import', 'tsx', 'packages/cli/src/bin.ts'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `latchkey …`; `onStderr` sees stderr as it arrives (to answer a consent while it waits). */
function latchkey(args: string[], env: NodeJS.ProcessEnv, onStderr?: (text: string) => void): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...cli, ...args], { cwd: repoRoot, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      onStderr?.(stderr);
    });
    child.once('error', fail);
    child.once('exit', (code) => {
      done({ code, stdout, stderr });
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the JSON shape it expects
function json<T>(run: Run): T {
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
}

/**
 * The `latchkey` CLI against a real server (embedded store, development IdP): the user story of
 * SPEC §10 with exit codes 0/1/2/3, `--format json` parsed, the credentials file's mode, and
 * `doctor` naming a broken piece of configuration.
 */
describe('latchkey CLI against a running Latchkey', () => {
  const data = tempDataDir();
  const home = mkdtempSync(join(tmpdir(), 'latchkey-cli-home-'));
  let server: RunningServer;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = await startServer(testConfig(data.dir));
    env = {
      PATH: process.env.PATH,
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'config'),
      LATCHKEY_URL: server.url,
    };
  });
  afterAll(async () => {
    await server.close();
    data.cleanup();
    rmSync(home, { recursive: true, force: true });
  });

  it('walks the user story: login, connect, token, proxy, audit, revoke', async () => {
    const login = json<{ credentials: string; me: { user: { email: string } } }>(
      await latchkey(['login', '--dev-user', 'alice', '--format', 'json'], env),
    );
    expect(login.me.user.email).toBe('alice@demo.test');
    expect(login.credentials).toBe(join(home, 'config', 'latchkey', 'credentials.json'));
    expect(statSync(login.credentials).mode & 0o777).toBe(0o600);

    const whoami = json<{ user: { email: string } }>(await latchkey(['whoami', '--format', 'json'], env));
    expect(whoami.user.email).toBe('alice@demo.test');
    const services = await latchkey(['services'], env);
    expect(services.stdout).toMatch(/^ID\s+NAME/);
    expect(services.stdout).toContain('demo');

    // Not connected: the proxy answers a consent, exit code 3, with the URL to open.
    const early = await latchkey(['proxy', 'demo', '/notes'], env);
    expect(early.code).toBe(3);
    expect(early.stderr).toMatch(/https?:\/\/\S+\/dev-idp\/\S+/);

    let consenting: Promise<void> | undefined;
    const connect = await latchkey(
      ['connect', 'demo', '--no-open', '--interval', '0.5', '--timeout', '60'],
      env,
      (text) => {
        const url = /(https?:\/\/\S+\/dev-idp\/\S+)/.exec(text)?.[1];
        if (url !== undefined && consenting === undefined) consenting = consentAs(url, 'alice');
      },
    );
    await consenting;
    expect(connect.code, connect.stderr).toBe(0);
    expect(connect.stdout).toContain('Connected demo');
    expect(connect.stderr).toContain('Waiting for the consent');

    const connections = json<{ items: { service: string; status: string }[] }>(
      await latchkey(['connections', 'list', '--format', 'json'], env),
    );
    expect(connections.items).toContainEqual(expect.objectContaining({ service: 'demo', status: 'active' }));

    const created = await latchkey(
      [
        'tokens',
        'create',
        '--name',
        'cli-story',
        '--service',
        'demo',
        '--permission',
        'read',
        '--permission',
        'write',
      ],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const secret = created.stdout.trim();
    expect(secret).toMatch(/^lk_\S+$/);
    expect(created.stderr).toContain('shown this once');
    const tokens = json<{ items: { id: string; name: string }[] }>(
      await latchkey(['tokens', 'list', '--format', 'json'], env),
    );
    const token = tokens.items.find((t) => t.name === 'cli-story');
    if (token === undefined) expect.fail('the new token is not listed');

    const asAgent = { ...env, LATCHKEY_TOKEN: secret };
    const posted = await latchkey(
      [
        'proxy',
        'demo',
        '/notes',
        '-X',
        'POST',
        '-H',
        'content-type: application/json',
        '-d',
        '{"title":"from the cli","body":"hi"}',
      ],
      asAgent,
    );
    expect(posted.code, posted.stderr).toBe(0);
    const listed = await latchkey(['proxy', 'demo', '/notes'], asAgent);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('from the cli');

    const audit = json<{ items: { action: string; target: { id: string } | null }[] }>(
      await latchkey(['audit', '--action', 'api_token.created', '--format', 'json'], env),
    );
    expect(audit.items.some((e) => e.target?.id === token.id)).toBe(true);

    const revoked = await latchkey(['tokens', 'revoke', token.id], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const refused = await latchkey(['proxy', 'demo', '/notes'], asAgent);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('token_revoked');
  }, 180_000);

  it('answers usage errors with exit 2 and server errors with exit 1 and the code', async () => {
    expect((await latchkey(['login', '--dev-user', 'alice'], env)).code).toBe(0);
    const badPreset = await latchkey(
      ['tokens', 'create', '--name', 'x', '--service', 'demo', '--expires-in-days', '3'],
      env,
    );
    expect(badPreset.code).toBe(2);
    expect(badPreset.stderr).toContain('--expires-in-days');
    const unknown = await latchkey(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    const badFormat = await latchkey(['tokens', 'list', '--format', 'xml'], env);
    expect(badFormat.code).toBe(2);

    const missing = await latchkey(['tokens', 'show', 'tok_doesnotexist'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/not_found: .*\(request \S+\)/);

    const help = await latchkey(['tokens', 'create', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Examples:');

    // A consent nobody gives: exit 3 once the wait times out, the URL still printed.
    const adam = (await latchkey(['dev', 'token', 'adam'], env)).stdout.trim();
    const unanswered = await latchkey(
      ['connect', 'demo', '--no-open', '--timeout', '1', '--interval', '0.5'],
      {
        ...env,
        LATCHKEY_TOKEN: adam,
      },
    );
    expect(unanswered.code, unanswered.stderr).toBe(3);
    expect(unanswered.stderr).toMatch(/no consent for demo within 1 s; open https?:\/\/\S+/);

    const logout = await latchkey(['logout'], env);
    expect(logout.stdout).toContain('Logged out');
    expect(existsSync(join(home, 'config', 'latchkey', 'credentials.json'))).toBe(false);
    const anonymous = await latchkey(['whoami'], env);
    expect(anonymous.code).toBe(1);
    expect(anonymous.stderr).toContain('not logged in');
  }, 180_000);

  it('doctor gives one verdict per check and names the broken service', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise((r) => closed.close(r));

    const dir = mkdtempSync(join(tmpdir(), 'latchkey-doctor-'));
    try {
      const config = join(dir, 'latchkey.yaml');
      writeFileSync(
        config,
        [
          `dataDir: ${join(dir, 'data')}`,
          'services:',
          '  - id: notes',
          '    name: Notes',
          `    baseUrl: ${server.url}/demo-api`,
          `    connector: { type: oidc, issuer: ${server.url}/dev-idp, clientId: notes }`,
          '  - id: broken',
          '    name: Broken',
          `    baseUrl: http://127.0.0.1:${String(port)}/`,
          `    connector: { type: oidc, issuer: ${server.url}/dev-idp, clientId: broken }`,
          '',
        ].join('\n'),
      );
      const run = await latchkey(['doctor', '-c', config], env);
      expect(run.code).toBe(1);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toContainEqual(expect.stringMatching(/^ok\s+config:/));
      expect(lines).toContainEqual(expect.stringMatching(/^ok\s+store:/));
      expect(lines).toContainEqual(expect.stringMatching(/^ok\s+service notes: .*reachable/));
      expect(lines).toContainEqual(expect.stringMatching(/^ok\s+service notes IdP: .*discovery ok/));
      expect(lines).toContainEqual(
        expect.stringMatching(/^FAIL\s+service broken: .*unreachable \(ECONNREFUSED\)/),
      );
      expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(1);
      expect(lines.at(-1)).toBe('doctor: 1 check(s) failed');

      const report = json<{ ok: boolean; checks: { check: string; ok: boolean }[] }>({
        ...(await latchkey(['doctor', '-c', config, '--format', 'json'], env)),
        code: 0,
      });
      expect(report.ok).toBe(false);
      expect(report.checks.filter((c) => !c.ok).map((c) => c.check)).toEqual(['service broken']);

      writeFileSync(config, 'services:\n  - id: Bad!\n');
      const invalid = await latchkey(['doctor', '-c', config], env);
      expect(invalid.code).toBe(1);
      expect(invalid.stdout).toMatch(/^FAIL\s+config: [\s\S]*services\.0\.id/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
