/**
 * The workbench's browser tests: Debian's Chromium driven by Playwright against the gateway of a
 * test system, which serves the built workbench (web/dist) at / under its real Content-Security-
 * Policy. Each page records what the browser complained about (CSP violations, uncaught errors,
 * failed requests of the app itself), and a test ends by asserting there was nothing.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { DEMO_DIRECTORY } from '@loanflow/identity';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD, type TestUser } from '../support/system';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go (kept by CI as artifacts): test-artifacts/screenshots/<name>.png. */
export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-artifacts', 'screenshots');

/** The demo bank's users (names, roles, branches), with the test password. */
export const DEMO_USERS: TestUser[] = DEMO_DIRECTORY.users.map((u) => ({
  username: u.username,
  displayName: u.displayName,
  roles: [...u.roles] as TestUser['roles'],
  branchId: u.branchId,
  email: u.email ?? undefined,
  mobile: u.mobile ?? undefined,
}));

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface WorkbenchPage {
  page: Page;
  context: BrowserContext;
  /** What the browser complained about on this page so far. */
  complaints: string[];
}

/**
 * A fresh browser context (no cookies, no storage: a cold cache) on the workbench, desktop or
 * phone sized, in the given language (zh-CN unless said).
 */
export async function openWorkbench(
  browser: Browser,
  baseUrl: string,
  opts: { phone?: boolean; language?: 'zh-CN' | 'en' } = {},
): Promise<WorkbenchPage> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: opts.phone ? PHONE : DESKTOP,
    ...(opts.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    locale: opts.language === 'en' ? 'en-GB' : 'zh-CN',
    timezoneId: 'Europe/London',
  });
  if (opts.language)
    await context.addInitScript(
      `try { localStorage.setItem('loanflow.language', ${JSON.stringify(opts.language)}) } catch {}`,
    );
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const complaints: string[] = [];
  page.on('pageerror', (e) => complaints.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content.Security.Policy|Refused to/i.test(m.text()))
      complaints.push(`CSP: ${m.text()}`);
  });
  return { page, context, complaints };
}

/** Logs in through the log-in page and waits for the first page (我的业务 unless `next`). */
export async function logIn(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('form button[type=submit]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** axe-core's serious and critical violations on the page as it is now (WCAG 2.1 A/AA). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')})`,
    );
}
