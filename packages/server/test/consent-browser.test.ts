import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../src/server.js';
import { openStore, type Store } from '../src/store/db.js';
import { tempDataDir, testConfig } from './helpers/config.js';

/**
 * The "done when", in a real browser (Debian chromium driven by playwright-core): on the
 * embedded default, alice signs in, connects the demo service through the development IdP's
 * consent screen and sees the connection listed with its status and expiry.
 */
describe('connecting the demo service in Chromium', () => {
  const data = tempDataDir();
  const profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
  let store: Store;
  let server: RunningServer;
  let browser: BrowserContext;

  beforeAll(async () => {
    store = await openStore({ pgliteDir: 'memory://' });
    server = await startServer(testConfig(data.dir), { store });
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await browser.close();
    await server.close();
    await store.close();
    rmSync(profile, { recursive: true, force: true });
    data.cleanup();
  });

  it('signs in, consents at the development IdP, and lists the connection with status and expiry', async () => {
    const page = await browser.newPage();
    const callbacks: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/connect/demo/callback')) callbacks.push(request.url());
    });

    // Not signed in: the connections page sends the browser through console sign-in.
    await page.goto(`${server.url}/console/connections`);
    await page.getByRole('button', { name: /Alice Martin/ }).click();
    await page.waitForURL(`${server.url}/console/connections`);
    await expect.poll(() => page.locator('#connections').textContent()).toContain('No connection yet.');

    // Connect: the development IdP asks who consents (prompt=consent for offline_access).
    await page.getByRole('button', { name: 'Connect Demo notes' }).click();
    await page.waitForURL(/\/dev-idp\/interaction\//);
    await page.getByRole('button', { name: /Alice Martin/ }).click();
    await page.waitForURL(`${server.url}/console/connections?connected=demo`);

    const row = page.locator('tr[data-service="demo"]');
    await expect.poll(() => row.locator('.status').textContent()).toBe('active');
    const expires = (await row.locator('.expires').textContent()) ?? '';
    expect(expires).not.toBe('—');
    expect(expires.length).toBeGreaterThan(4);
    await expect.poll(() => page.locator('#status').textContent()).toBe('Connected demo.');

    // The callback URL, opened again, is refused on a self-contained page that sends no referrer.
    expect(callbacks).toHaveLength(1);
    const again = await page.goto(callbacks[0] ?? '');
    expect(again?.status()).toBe(400);
    expect(again?.headers()['referrer-policy']).toBe('no-referrer');
    await expect.poll(() => page.locator('h1').textContent()).toContain('was not completed');
    expect(await page.locator('body').textContent()).toContain('already been used');
  });
});
