import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { Config } from '../../src/config/load.js';
import { DEFAULT_CONSOLE_DIR } from '../../src/console/assets.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openStore, type Store } from '../../src/store/db.js';
import { tempDataDir } from './config.js';

const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));
const SDK_SRC = fileURLToPath(new URL('../../../sdk/src/', import.meta.url));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * The server serves packages/web/dist; tests run from source, so the console is rebuilt when a
 * source file (its own or the SDK's) is newer than the build. Built aside, then moved in, so a reader never sees half.
 */
export function ensureConsoleBuilt(): void {
  const index = join(DEFAULT_CONSOLE_DIR, 'index.html');
  const sources = Math.max(
    newestMtime(join(WEB_DIR, 'src')),
    newestMtime(join(WEB_DIR, 'index.html')),
    // The console bundles the SDK from its source.
    newestMtime(SDK_SRC),
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  const out = mkdtempSync(join(tmpdir(), 'latchkey-console-'));
  execFileSync(
    process.execPath,
    [join(WEB_DIR, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--logLevel', 'warn'],
    {
      cwd: WEB_DIR,
      stdio: 'inherit',
    },
  );
  rmSync(DEFAULT_CONSOLE_DIR, { recursive: true, force: true });
  try {
    renameSync(out, DEFAULT_CONSOLE_DIR);
  } catch {
    // Another test file built it at the same moment: its build is as good as ours.
    rmSync(out, { recursive: true, force: true });
  }
}

/** Debian's chromium, headless, with everything that would reach the network switched off. */
export async function launchChromium(profile: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    locale: 'en-GB',
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
}

export const DEMO_NAMES = {
  alice: 'Alice Martin',
  gina: 'Gina Guest',
  adam: 'Adam Admin',
  olga: 'Olga Operator',
} as const;

/** Signs a demo user in through the console's button and the development IdP's login page. */
export async function signInAs(page: Page, baseUrl: string, user: keyof typeof DEMO_NAMES): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.getByRole('link', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: new RegExp(DEMO_NAMES[user]) }).click();
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId('user-name').filter({ hasText: DEMO_NAMES[user] }).waitFor();
}

/** A fresh browser profile directory. */
export function tempProfile(): string {
  return mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** One accessibility violation axe-core found, reduced to what a failing assertion should show. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core (WCAG 2 A/AA rules) on the page as it is now and returns the serious and critical
 * violations; a page test asserts the list is empty.
 */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // Mid-transition elements are half transparent and would fail the contrast rule wrongly.
  // (Polled with evaluate: waitForFunction would need 'unsafe-eval', which the console's CSP refuses.)
  for (let i = 0; i < 50; i++) {
    const settled = await page.evaluate<boolean>(
      'document.getAnimations().every((a) => a.playState !== "running")',
    );
    if (settled) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const loaded = await page.evaluate<boolean>('typeof window.axe !== "undefined"');
  // Evaluated over the DevTools protocol: the console's CSP (rightly) refuses inline script tags.
  if (!loaded) await page.evaluate(`${AXE_SOURCE};0`);
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
      .then((r) => r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        targets: v.nodes.map((n) => String(n.target.join(' '))),
      })))
  `);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const SCREENSHOT_DIR = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/**
 * Writes `docs/screenshots/<name>.png` (the README shows them), after the page has settled: no
 * loader visible, fonts and images loaded.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.evaluate('document.fonts.ready');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: join(SCREENSHOT_DIR, `${name}.png`),
    fullPage: false,
    animations: 'disabled',
  });
}

/** A real server on a fresh embedded store serving the built console, and Chromium on one page. */
export interface ConsoleBed {
  store: Store;
  server: RunningServer;
  browser: BrowserContext;
  page: Page;
  /** Closes Chromium (slow on a loaded machine: give the hook 120 s), the server and the store. */
  close(): Promise<void>;
}

/** Starts a console bed; `config` builds the server's configuration over its data directory. */
export async function startConsoleBed(config: (dataDir: string) => Config): Promise<ConsoleBed> {
  ensureConsoleBuilt();
  const data = tempDataDir();
  const profile = tempProfile();
  const store = await openStore({ pgliteDir: 'memory://' });
  const server = await startServer(config(data.dir), { store });
  const browser = await launchChromium(profile);
  const page = await browser.newPage();
  // A missing element fails the step with its locator, inside the test's own time limit.
  page.setDefaultTimeout(20_000);
  return {
    store,
    server,
    browser,
    page,
    async close() {
      await browser.close();
      await server.close();
      await store.close();
      rmSync(profile, { recursive: true, force: true });
      data.cleanup();
    },
  };
}
