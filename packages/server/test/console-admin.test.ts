import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { testConfig } from './helpers/config.js';
import {
  screenshot,
  seriousAxeViolations,
  signInAs,
  startConsoleBed,
  type ConsoleBed,
} from './helpers/console-browser.js';
import { devIdpToken } from './helpers/dav-bed.js';
import { connectDemoAs } from './helpers/demo-consent.js';

/**
 * The tenant admin's Users & tokens page in Debian's chromium against a real server: adam sees
 * the admin navigation, finds alice's API tokens and revokes two of them at once behind a
 * confirmation; the proxy refuses exactly those two from then on.
 */
describe('console: admin users & bulk revocation in Chromium', () => {
  let bed: ConsoleBed;
  let server: RunningServer;
  let page: Page;
  const secrets = new Map<string, string>();

  async function proxyStatus(token: string): Promise<{ status: number; code: unknown }> {
    const res = await fetch(`${server.url}/proxy/demo/notes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await res.json().catch(() => ({}))) as { code?: unknown };
    return { status: res.status, code: body.code };
  }

  beforeAll(async () => {
    bed = await startConsoleBed((dir) => testConfig(dir, { proxy: { usageFlushMs: 200 } }));
    ({ server, page } = bed);
    const idp = await devIdpToken(server.url, 'alice');
    // Alice's tokens reach the demo service, so her calls count on the tenant's dashboard.
    await connectDemoAs(server.url, idp, 'alice');
    for (const name of ['ci-deploy', 'nightly-sync', 'keep-me']) {
      const res = await fetch(`${server.url}/api/v1/api-tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${idp}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, services: ['demo'], permissions: ['read'], expiresInDays: 30 }),
      });
      expect(res.status).toBe(201);
      secrets.set(name, ((await res.json()) as { token: string }).token);
    }
  }, 90_000);
  // Closing chromium can take long on a loaded machine; the default hook limit is 60 s.
  afterAll(async () => {
    await bed.close();
  }, 120_000);

  it('hides the admin pages from a member', async () => {
    await signInAs(page, server.url, 'alice');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect.poll(() => nav.getByRole('link').allTextContents()).not.toContain('Users & tokens');
    await page.goto(`${server.url}/admin/users`);
    await page.waitForURL(`${server.url}/`);
    await page.context().clearCookies();
  });

  it('lets a guest in with the personal pages only, and says readably why she cannot create a token', async () => {
    await signInAs(page, server.url, 'gina');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect
      .poll(() => nav.getByRole('link').allTextContents())
      .toEqual(['Dashboard', 'My tokens', 'Audit log']);
    await nav.getByRole('link', { name: 'My tokens' }).click();
    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create token' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('guest-script');
    await dialog.getByRole('checkbox', { name: 'All services' }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    const problem = dialog.getByTestId('problem');
    await expect.poll(() => problem.textContent()).toContain('Guests cannot create API tokens');
    expect(await problem.textContent()).toContain('ask a tenant admin');
    // A readable message, never the raw problem JSON.
    expect(await problem.textContent()).not.toContain('{');
    await page.context().clearCookies();
  });

  it("lists the tenant's users and every API token with its owner", async () => {
    for (const name of secrets.keys())
      expect((await proxyStatus(secrets.get(name) ?? '')).status).not.toBe(401);
    await signInAs(page, server.url, 'adam');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Users & tokens' })
      .click();
    const tokens = page.getByRole('table', { name: 'API tokens of the tenant' });
    for (const name of secrets.keys()) await tokens.locator(`tr[data-token="${name}"]`).waitFor();
    await expect.poll(() => tokens.locator('tr[data-token="ci-deploy"]').textContent()).toContain('Alice');
    const users = page.getByRole('table', { name: 'Users & tokens' });
    await expect.poll(() => users.textContent()).toContain('Alice');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-users');
  });

  it("shows the admin the whole tenant's proxy calls on the dashboard, apart from their own", async () => {
    // The three calls of the previous test are alice's.
    const adam = await devIdpToken(server.url, 'adam');
    await expect
      .poll(async () => {
        const res = await fetch(`${server.url}/api/v1/dashboard?view=tenant`, {
          headers: { authorization: `Bearer ${adam}` },
        });
        return ((await res.json()) as { proxy: { calls: number } }).proxy.calls;
      })
      .toBe(3);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await page.getByTestId('proxy-chart').getByText('No proxy calls in this period').waitFor();
    await page.getByText('Whole tenant').click();
    await page.getByRole('img', { name: 'Bar chart of 3 proxy calls per service, Last 24 hours' }).waitFor();
    const usage = page
      .getByRole('table', { name: 'Proxy calls per service' })
      .locator('tr[data-usage="demo"]');
    expect(await usage.locator('[data-col="calls"]').textContent()).toBe('3');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'dashboard-tenant');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Users & tokens' })
      .click();
    await page.getByRole('table', { name: 'API tokens of the tenant' }).waitFor();
  });

  it('revokes the selected tokens after a confirmation naming how many and whose; the proxy refuses them', async () => {
    const bulk = page.getByRole('button', { name: /Revoke selected/ });
    expect(await bulk.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: /Select ci-deploy of/ }).check();
    await page.getByRole('checkbox', { name: /Select nightly-sync of/ }).check();
    await page.getByRole('button', { name: 'Revoke selected (2)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke the selected API tokens?' });
    await expect.poll(() => dialog.textContent()).toContain('2 API token(s) of Alice');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const tokens = page.getByRole('table', { name: 'API tokens of the tenant' });
    for (const name of ['ci-deploy', 'nightly-sync']) {
      await tokens.locator(`tr[data-token="${name}"] [data-status="revoked"]`).waitFor();
      expect(await proxyStatus(secrets.get(name) ?? '')).toEqual({ status: 401, code: 'token_revoked' });
    }
    // The one left out still works.
    await tokens.locator('tr[data-token="keep-me"] [data-status="active"]').waitFor();
    expect((await proxyStatus(secrets.get('keep-me') ?? '')).status).not.toBe(401);
  });

  it('shows the page in French with every label translated', async () => {
    await page
      .getByRole('button', { name: /Language|Langue/ })
      .click()
      .catch(() => undefined);
    await page.evaluate("localStorage.setItem('latchkey.locale', 'fr')");
    await page.reload();
    await page.getByRole('heading', { name: 'Utilisateurs et jetons' }).waitFor();
    await page.getByRole('button', { name: /Révoquer la sélection/ }).waitFor();
    await page.evaluate("localStorage.setItem('latchkey.locale', 'en')");
  });
});
