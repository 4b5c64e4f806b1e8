import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * The operator and tenant-admin pages in Debian's chromium against a real server: olga steps up
 * to an operator sign-in, suspends the demo tenant (alice's token stops working at the proxy),
 * resumes it, creates a partner and attaches/detaches the tenant; adam subscribes a webhook,
 * sends a test to a real receiver and finds the test in the tenant's audit log and its export.
 */
describe('console: operator and admin services in Chromium', () => {
  let bed: ConsoleBed;
  let server: RunningServer;
  let page: Page;
  let receiver: Server;
  let receiverUrl: string;
  const received: { signature: string | undefined; body: string }[] = [];
  let aliceToken: string;
  let operatorToken: string;

  async function proxyCall(): Promise<{ status: number; code: unknown }> {
    const res = await fetch(`${server.url}/proxy/demo/notes`, {
      headers: { authorization: `Bearer ${aliceToken}` },
    });
    const body = (await res.json().catch(() => ({}))) as { code?: unknown };
    return { status: res.status, code: body.code };
  }

  async function demoTenant(): Promise<{ status: string; partnerId: string | null }> {
    const res = await fetch(`${server.url}/api/v1/operator/tenants/demo`, {
      headers: { authorization: `Bearer ${operatorToken}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as { status: string; partnerId: string | null };
  }

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const signature = req.headers['latchkey-signature'];
        received.push({
          signature: typeof signature === 'string' ? signature : undefined,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    bed = await startConsoleBed((dir) =>
      testConfig(dir, { audit: { webhooks: { allowPrivateTargets: true } } }),
    );
    ({ server, page } = bed);
    const idp = await devIdpToken(server.url, 'alice');
    const res = await fetch(`${server.url}/api/v1/api-tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${idp}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'daily-report',
        services: ['demo'],
        permissions: ['read'],
        expiresInDays: 7,
      }),
    });
    expect(res.status).toBe(201);
    aliceToken = ((await res.json()) as { token: string }).token;
    operatorToken = await devIdpToken(server.url, 'olga', 'latchkey-operator');
  }, 90_000);
  afterAll(async () => {
    await bed.close();
    await new Promise((resolve) => receiver.close(resolve));
  }, 120_000);

  it('asks olga for an operator sign-in, then lists tenants with status counts', async () => {
    await signInAs(page, server.url, 'olga');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Tenants' })
      .click();
    await page.getByTestId('operator-gate').waitFor();
    await page.getByRole('link', { name: 'Sign in as operator' }).click();
    await page.getByRole('button', { name: /Olga Operator/ }).click();
    await page.waitForURL(`${server.url}/operator/tenants`);

    const row = page.locator('tr[data-tenant="demo"]');
    await expect.poll(() => row.count()).toBe(1);
    const chips = page.getByRole('group', { name: 'Filter by status' });
    await expect.poll(() => chips.textContent()).toContain('Active (1)');
    await expect.poll(() => chips.textContent()).toContain('Suspended (0)');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'operator-tenants');
  });

  it("suspends the demo tenant from its Danger zone: alice's token is refused, then works again", async () => {
    // alice has not connected the demo service yet: the proxy asks for consent (her token is good).
    const before = await proxyCall();
    expect(before).toEqual({ status: 409, code: 'connection_required' });
    await page.locator('tr[data-tenant="demo"]').getByRole('link').click();
    await page.getByRole('tab', { name: 'Danger zone' }).click();
    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Resume', exact: true }).waitFor();

    expect(await demoTenant()).toMatchObject({ status: 'suspended' });
    expect(await proxyCall()).toEqual({ status: 403, code: 'tenant_suspended' });

    await page.getByRole('tab', { name: 'Audit' }).click();
    await page.locator('tr[data-action="tenant.suspended"]').first().waitFor();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'operator-tenant');

    await page.getByRole('tab', { name: 'Danger zone' }).click();
    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Suspend', exact: true }).waitFor();
    expect(await demoTenant()).toMatchObject({ status: 'active' });
    expect(await proxyCall()).toEqual(before);
  });

  it('creates a partner, attaches the demo tenant, detaches it, terminates the partner', async () => {
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Partners' })
      .click();
    await page.getByRole('button', { name: 'New partner' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Slug').fill('northwind');
    await dialog.getByLabel('Name').fill('Northwind Hosting');
    await dialog.getByLabel('Margin (%)').fill('12.5');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(`${server.url}/operator/partners/northwind`);
    await expect.poll(() => page.getByTestId('customers').textContent()).toBe('0');

    await page.getByRole('combobox', { name: 'Tenant to attach' }).click();
    await page.getByRole('option', { name: /\(demo\)/ }).click();
    await page.getByRole('button', { name: 'Attach', exact: true }).click();
    await expect.poll(() => page.getByTestId('customers').textContent()).toBe('1');
    await page.locator('tr[data-tenant="demo"]').waitFor();
    const attached = await demoTenant();
    expect(attached.partnerId).not.toBeNull();
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'operator-partner');

    await page.getByRole('button', { name: 'Detach Demo Organisation' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Detach' }).click();
    await expect.poll(() => page.getByTestId('customers').textContent()).toBe('0');
    expect((await demoTenant()).partnerId).toBeNull();

    // Terminate, confirmed: the partner stays listed, marked terminated.
    await page.getByRole('button', { name: 'Terminate' }).click();
    const terminate = page.getByRole('dialog', { name: 'Terminate Northwind Hosting?' });
    await terminate.getByRole('button', { name: 'Terminate' }).click();
    await terminate.waitFor({ state: 'hidden' });
    await page.locator('[data-status="terminated"]').waitFor();
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Partners' })
      .click();
    const row = page.locator('tr[data-partner="northwind"]');
    await expect.poll(() => row.locator('[data-status]').getAttribute('data-status')).toBe('terminated');
    expect(await row.getByTestId('customers').textContent()).toBe('0');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'operator-partners');
    await page.context().clearCookies();
  });

  it('lets adam subscribe a webhook, send a signed test and find it in the audit log and its export', async () => {
    await signInAs(page, server.url, 'adam');
    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Services' })
      .click();
    await page.getByLabel('Receiver URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secret = await page.getByTestId('webhook-secret').textContent();
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    await page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();

    await page.getByRole('button', { name: 'Send test' }).click();
    await expect
      .poll(() => page.getByTestId('webhook-test-result').textContent())
      .toMatch(/^Delivered: the receiver answered 204/);
    const test = received.find((r) => r.body.includes('audit_webhook.test'));
    expect(test?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-services');

    // The refresh settings of the demo service: change, save, read back through the API.
    const row = page.locator('tr[data-service="demo"]');
    await row.getByLabel(/Seconds before expiry/).fill('900');
    await row.getByRole('button', { name: /Save the settings/ }).click();
    await row.getByText('Custom').waitFor();
    const settings = await fetch(`${server.url}/api/v1/admin/services/demo/settings`, {
      headers: { authorization: `Bearer ${await devIdpToken(server.url, 'adam')}` },
    });
    expect(await settings.json()).toMatchObject({ beforeExpirySeconds: 900, overridden: true });

    await page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Tenant audit' })
      .click();
    const action = page.getByLabel('Action', { exact: true });
    await action.fill('audit_webhook.');
    await page.locator('tr[data-action="audit_webhook.tested"]').first().waitFor();

    // Live tail: once the stream is open, a change made elsewhere appears without a reload.
    await action.fill('tenant.');
    await page.getByRole('switch', { name: 'Live tail' }).check();
    // The badge shows once the server has accepted the tail.
    await page.getByTestId('audit-live').waitFor();
    const idp = await devIdpToken(server.url, 'adam');
    const policy = await fetch(`${server.url}/api/v1/admin/token-policy`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${idp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ maxLifetimeDays: 30 }),
    });
    expect(policy.status).toBe(200);
    await page.locator('tr[data-action="tenant.settings_changed"][data-live="true"]').waitFor();

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    const path = await file.path();
    const { readFileSync } = await import('node:fs');
    const csv = readFileSync(path, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/action/);
    expect(csv).toContain('tenant.settings_changed');
    expect(csv).not.toContain('audit_webhook.tested');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'admin-audit');
  });
});
