import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type RunningServer } from '../src/server.js';
import { testConfig } from './helpers/config.js';
import {
  seriousAxeViolations,
  signInAs,
  startConsoleBed,
  type ConsoleBed,
} from './helpers/console-browser.js';
import { connectThroughConsent, devIdpToken } from './helpers/dav-bed.js';
import { startProxyBed, type ProxyBed } from './helpers/proxy-bed.js';

const run = promisify(execFile);

/**
 * SPEC §9 Usage tab with real values: alice's new API token reads her JMAP session through the
 * proxy, the snippet carries her account id, and the curl shown runs as is against the
 * JMAP-shaped upstream behind the proxy.
 */
describe('console: Usage tab fills in the JMAP account from the session', () => {
  let consoleBed: ConsoleBed;
  let server: RunningServer;
  let page: Page;
  let bed: ProxyBed;

  beforeAll(async () => {
    const port = await freePort('127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    bed = await startProxyBed(base);
    consoleBed = await startConsoleBed((dir) =>
      testConfig(dir, { server: { port }, services: bed.services.filter((s) => s.id === 'mail') }),
    );
    ({ server, page } = consoleBed);
    await connectThroughConsent(base, await devIdpToken(base, 'alice'), 'mail', 'alice');
  }, 90_000);
  afterAll(async () => {
    await consoleBed.close();
    await bed.close();
  }, 120_000);

  it('shows a Mailbox/get with her account id, and the curl shown works', async () => {
    await signInAs(page, server.url, 'alice');
    await page.getByRole('link', { name: 'My tokens' }).click();
    await page.locator('tr[data-service="mail"]').waitFor();
    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create token' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('mail reader');
    await dialog.getByRole('checkbox', { name: 'All services' }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const secret = (await dialog.getByTestId('new-token').textContent()) ?? '';
    await dialog.getByRole('tab', { name: 'Usage' }).click();
    const curl = dialog.getByTestId('usage-mail').getByLabel('curl');
    await expect.poll(() => curl.textContent()).toContain('"accountId":"acc-');
    const code = (await curl.textContent()) ?? '';
    const account = /"accountId":"(acc-[^"]+)"/.exec(code)?.[1];
    expect(code).toContain(`${server.url}/proxy/mail/jmap`);
    expect(code).toContain(secret);
    expect(await seriousAxeViolations(page)).toEqual([]);

    const { stdout } = await run('sh', ['-c', code]);
    const answer = JSON.parse(stdout) as { methodResponses: [string, { accountId: string }, string][] };
    expect(answer.methodResponses[0]?.[0]).toBe('Mailbox/get');
    expect(answer.methodResponses[0]?.[1].accountId).toBe(account);
    // The upstream saw the session read and the call with alice's connection token, not the API token.
    const calls = bed.upstream.seen.filter(
      (r) => r.url.endsWith('/jmap') || r.url.endsWith('/.well-known/jmap'),
    );
    expect(calls.filter((r) => r.method === 'POST')).toHaveLength(1);
    expect(calls.filter((r) => r.method === 'GET').length).toBeGreaterThanOrEqual(1);
    expect(calls.every((r) => r.token !== '' && r.token !== secret)).toBe(true);
  });
});
