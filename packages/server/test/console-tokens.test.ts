import { eq } from 'drizzle-orm';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import type { Store } from '../src/store/db.js';
import { connections } from '../src/store/schema/index.js';
import { testConfig } from './helpers/config.js';
import { devIdpToken } from './helpers/dav-bed.js';
import {
  screenshot,
  seriousAxeViolations,
  signInAs,
  startConsoleBed,
  type ConsoleBed,
} from './helpers/console-browser.js';

/**
 * The console in Debian's chromium against a real server on the embedded store with the
 * development IdP: sign in, connect the demo service through the real consent screen, create an
 * API token, copy it, use it, revoke it.
 */
describe('console: sign-in, connections and API tokens in Chromium', () => {
  let bed: ConsoleBed;
  let store: Store;
  let server: RunningServer;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    // Reads through the proxy are audited too, so the test's own proxy call shows in the log.
    bed = await startConsoleBed((dir) =>
      testConfig(dir, { audit: { proxyReads: true }, proxy: { usageFlushMs: 200 } }),
    );
    ({ store, server, browser, page } = bed);
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  }, 90_000);
  // Closing chromium can take long on a loaded machine; the default hook limit is 60 s.
  afterAll(async () => {
    await bed.close();
  }, 120_000);

  it('serves the console at / with a strict CSP and hashed assets cached for a year', async () => {
    const index = await fetch(`${server.url}/tokens`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await index.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script ?? ''}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    // No SPA fallback for the API: an unknown API path is still a problem+json 404.
    const api = await fetch(`${server.url}/api/v1/nope`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/problem\+json/);
    expect((await fetch(`${server.url}/assets/../../package.json`)).status).toBe(404);
  });

  it('signs alice in and shows her name and only the member navigation', async () => {
    await page.goto(`${server.url}/`);
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');
    await signInAs(page, server.url, 'alice');
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect
      .poll(() => nav.getByRole('link').allTextContents())
      .toEqual(['Dashboard', 'My tokens', 'Audit log']);
    // Nothing secret in localStorage: only preferences.
    const keys = await page.evaluate<string[]>('Object.keys(localStorage)');
    for (const key of keys) expect(key).toMatch(/^latchkey\.(locale|color-scheme)$/);
  });

  it('connects the demo service through the development IdP consent screen', async () => {
    await page.getByRole('link', { name: 'My tokens' }).click();
    await page.getByRole('heading', { name: 'My tokens' }).waitFor();
    await page.getByTestId('empty').waitFor();
    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create token' });
    await dialog.getByText('Service connection').click();
    await dialog.getByLabel('Service', { exact: true }).click();
    await page.getByRole('option', { name: 'Demo notes' }).click();
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await page.waitForURL(/\/dev-idp\/interaction\//);
    await page.getByRole('button', { name: /Alice Martin/ }).click();
    await page.waitForURL(`${server.url}/tokens?connected=demo`);
    const row = page.locator('tr[data-service="demo"]');
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('active');
  });

  let secret = '';

  it('creates an API token, shows it once with a copy button and ready-to-run snippets', async () => {
    await page.getByRole('button', { name: 'Create token' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Create token' });
    await dialog.getByRole('textbox', { name: 'Name' }).fill('laptop');
    await dialog.getByRole('checkbox', { name: 'All services' }).check();
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    secret = (await dialog.getByTestId('new-token').textContent()) ?? '';
    expect(secret).toMatch(/^lk_/);
    await dialog.getByRole('button', { name: 'Copy token' }).click();
    await expect.poll(() => page.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);

    await dialog.getByRole('tab', { name: 'Usage' }).click();
    const usage = await dialog.getByTestId('usage-demo').textContent();
    expect(usage).toContain(`curl -H 'Authorization: Bearer ${secret}'`);
    expect(usage).toContain(`${server.url}/proxy/demo/notes`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'create-token');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() => page.locator('tr[data-token="laptop"] [data-status]').getAttribute('data-status'))
      .toBe('active');
    // The secret is gone with the dialog: not in the page, not in storage.
    expect(await page.content()).not.toContain(secret);
    expect(
      await page.evaluate<string>('JSON.stringify({ ...localStorage, ...sessionStorage })'),
    ).not.toContain(secret);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'tokens');
  });

  it('charts on the dashboard her proxy calls per service and her refreshes, and lists her recent activity', async () => {
    // Three calls with the copied token, one of them answered 404 by the service; one refresh.
    for (const path of ['/notes', '/notes', '/notes/no-such-note']) {
      const res = await fetch(`${server.url}/proxy/demo${path}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      await res.arrayBuffer();
    }
    const alice = await devIdpToken(server.url, 'alice');
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${server.url}${path}`, { ...init, headers: { authorization: `Bearer ${alice}` } });
    const [connection] = ((await (await api('/api/v1/connections')).json()) as { items: { id: string }[] })
      .items;
    expect((await api(`/api/v1/connections/${connection?.id}/refresh`, { method: 'POST' })).status).toBe(200);
    // Usage counters flush every 200 ms here: wait until the API has the calls.
    await expect
      .poll(
        async () =>
          ((await (await api('/api/v1/dashboard')).json()) as { proxy: { calls: number } }).proxy.calls,
      )
      .toBe(3);

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Dashboard' })
      .click();
    await expect.poll(() => page.getByTestId('figure-connections-value').textContent()).toBe('1');
    await expect.poll(() => page.getByTestId('figure-tokens-value').textContent()).toBe('1');
    expect(await page.getByTestId('figure-expiring-value').textContent()).toBe('0');
    expect(await page.getByTestId('figure-refresh-failures-value').textContent()).toBe('0');
    await page.getByRole('img', { name: 'Bar chart of 3 proxy calls per service, Last 24 hours' }).waitFor();
    const usage = page
      .getByRole('table', { name: 'Proxy calls per service' })
      .locator('tr[data-usage="demo"]');
    expect(await usage.locator('[data-col="calls"]').textContent()).toBe('3');
    expect(await usage.locator('[data-col="failed"]').textContent()).toBe('1');
    await page
      .getByRole('img', { name: 'Bar chart of refreshes: 1 succeeded, 0 failed, Last 24 hours' })
      .waitFor();
    const recent = page.getByRole('table', { name: 'My recent activity' });
    await recent.locator('tr[data-action="api_token.created"]').waitFor();
    // The 7-day window holds the same calls, in bars per day.
    await page.getByText('Last 7 days').click();
    await page.getByRole('img', { name: 'Bar chart of 3 proxy calls per service, Last 7 days' }).waitFor();
    // A member has no tenant-wide view.
    expect(await page.getByText('Whole tenant').count()).toBe(0);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await page.getByText('Last 24 hours').click();
    await page
      .getByRole('img', { name: /Last 24 hours$/ })
      .first()
      .waitFor();
    await screenshot(page, 'dashboard');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'My tokens' })
      .click();
    await page.locator('tr[data-token="laptop"]').waitFor();
  });

  it('lists her events in the audit log, filters them and shows one in readable detail', async () => {
    // The copied token works at the proxy, and the call is one of her events.
    const call = await fetch(`${server.url}/proxy/demo/notes`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(call.status).toBe(200);
    await call.arrayBuffer();
    // Proxy events are written in batches after the answer: wait until the API has it.
    const alice = await devIdpToken(server.url, 'alice');
    await expect
      .poll(async () => {
        const res = await fetch(`${server.url}/api/v1/audit?action=proxy.`, {
          headers: { authorization: `Bearer ${alice}` },
        });
        return ((await res.json()) as { items: unknown[] }).items.length;
      })
      .toBeGreaterThan(0);
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    const table = page.getByRole('table', { name: 'Audit log' });
    await table.locator('tr[data-action="api_token.created"]').waitFor();
    await table.locator('tr[data-action^="connection."]').first().waitFor();
    const proxied = table.locator('tr[data-action="proxy.read"]').first();
    await proxied.waitFor();
    expect(await proxied.textContent()).toContain('laptop');
    await page.getByLabel('Action').fill('api_token.created');
    const actions = async (): Promise<string[]> => {
      const rows = table.locator('tbody tr');
      const seen = new Set<string>();
      for (let n = await rows.count(), k = 0; k < n; k++)
        seen.add((await rows.nth(k).getAttribute('data-action')) ?? '');
      return [...seen];
    };
    await expect.poll(actions).toEqual(['api_token.created']);
    await table.getByRole('button', { name: 'Details of api_token.created' }).first().click();
    const detail = page.getByRole('dialog', { name: 'Event details' });
    // The token's name from the event's metadata, as text (not raw JSON), and never its secret.
    await expect.poll(() => detail.textContent()).toContain('laptop');
    expect(await detail.textContent()).not.toContain(secret);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await detail.getByRole('button', { name: 'Close' }).click();
    await detail.waitFor({ state: 'hidden' });
    await screenshot(page, 'audit');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'My tokens' })
      .click();
    await page.locator('tr[data-token="laptop"]').waitFor();
  });

  it('revokes the token after a confirmation, and the token stops working', async () => {
    await page.getByRole('button', { name: 'Revoke laptop' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke API token' });
    // Focus moves into the dialog (keyboard users land on the safe choice).
    await expect
      .poll(() => page.evaluate<string | undefined>('document.activeElement?.textContent'))
      .toBe('Cancel');
    await confirm.getByRole('button', { name: 'Revoke' }).click();
    await expect
      .poll(() => page.locator('tr[data-token="laptop"] [data-status]').getAttribute('data-status'))
      .toBe('revoked');
    const refused = await fetch(`${server.url}/proxy/demo/notes`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ code: 'token_revoked' });
  });

  it('offers Reconnect for a connection that needs a new consent, on the dashboard and in My tokens', async () => {
    // The provider has dropped the grant (as after a refused refresh): the row says so.
    await store.db
      .update(connections)
      .set({ status: 'needs_consent' })
      .where(eq(connections.serviceId, 'demo'));
    await page.goto(`${server.url}/`);
    const card = page.getByTestId('need-consent');
    await card.getByText('Demo notes').waitFor();
    await expect.poll(() => page.getByTestId('figure-connections-value').textContent()).toBe('0');
    expect(await page.getByTestId('figure-connections').textContent()).toContain('1 need consent again');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.goto(`${server.url}/tokens`);
    const row = page.locator('tr[data-service="demo"]');
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('needs_consent');
    await row.getByRole('button', { name: 'Reconnect' }).click();
    // The IdP may remember alice's sign-in and consent at once; otherwise she picks herself.
    const back = `${server.url}/tokens?connected=demo`;
    await page.waitForURL((u) => u.href === back || u.pathname.startsWith('/dev-idp/interaction/'));
    if (page.url() !== back) await page.getByRole('button', { name: /Alice Martin/ }).click();
    await page.waitForURL(back);
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('active');
    const [stored] = await store.db.select().from(connections).where(eq(connections.serviceId, 'demo'));
    expect(stored?.status).toBe('active');
  });

  it('switches to dark mode, stays readable, and remembers it', async () => {
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await expect
      .poll(() =>
        page.evaluate<string | null>("document.documentElement.getAttribute('data-mantine-color-scheme')"),
      )
      .toBe('dark');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'tokens-dark');
    await page.reload();
    await page.getByRole('button', { name: 'Switch to light mode' }).waitFor();
  });
  it('fits a phone: the navigation folds behind a menu button and nothing scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = () =>
      page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    await page.goto(`${server.url}/`);
    await page.getByTestId('figure-tokens').waitFor();
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.isVisible()).toBe(false);
    expect(await overflow()).toBeLessThanOrEqual(0);
    // The header keeps the menu button and the name; the rest moves into the navigation.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Open navigation' }).click();
    await nav.getByRole('button', { name: 'Sign out' }).waitFor();
    await nav.getByRole('link', { name: 'My tokens' }).click();
    await page.getByRole('heading', { name: 'My tokens' }).waitFor();
    await expect.poll(() => nav.isVisible()).toBe(false);
    await page.locator('tr[data-token="laptop"]').waitFor();
    // The table scrolls inside its own container; the page itself does not, and no chip is cut.
    expect(await overflow()).toBeLessThanOrEqual(0);
    const cut = await page.evaluate<string[]>(
      `[...document.querySelectorAll('.mantine-Badge-label')]
         .filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent)`,
    );
    expect(cut).toEqual([]);
    // Nothing in the header is pushed off-screen.
    const header = await page.evaluate<number>(
      `Math.max(...[...document.querySelectorAll('header *')].map((e) => e.getBoundingClientRect().right))`,
    );
    expect(header).toBeLessThanOrEqual(390);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'mobile-tokens');
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
