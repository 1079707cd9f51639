import type { Browser } from 'playwright-core';
import { eventually } from '../support/poll';
import { startSystem, type TestSystem } from '../support/system';
import { createSubmittedApplication } from './flows/application';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/**
 * The workbench's shell in a real browser: served by the gateway at / under its CSP, the log-in
 * (and back to the page asked for), the header with the user, roles and branch, a menu of what the
 * role may use, the language switch, an expired session, the notification bell.
 */
describe('workbench: log-in, header, menu, language', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('serves the workbench at / and its page paths, with a CSP that allows no inline script', async () => {
    for (const path of ['/', '/tasks', '/applications/APP-1']) {
      const res = await fetch(`${system.baseUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<div id="root"></div>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
    // The API and unknown assets are not answered with the page.
    const api = await fetch(`${system.baseUrl}/api/v1/nothing`, {
      headers: { accept: 'text/html' },
    });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('problem+json');
    const asset = await fetch(`${system.baseUrl}/assets/missing.js`, {
      headers: { accept: 'text/html' },
    });
    expect(asset.status).toBe(404);
  });

  it('sends a visitor to the log-in and back to the page they asked for', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await page.goto('/notifications');
    await page.waitForURL(/\/login\?next=%2Fnotifications/);
    await screenshot(page, 'login-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    // A wrong password is refused and said so.
    await page.locator('#username').fill('am.li');
    await page.locator('#password').fill('wrong password');
    await page.locator('form button[type=submit]').click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('用户名或密码错误');
    await page.locator('#password').fill('correct horse battery staple');
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(/\/notifications$/);
    const header = page.getByTestId('current-user');
    await expect(header.textContent()).resolves.toContain('李明');
    await expect(header.textContent()).resolves.toContain('客户经理');
    await expect(header.textContent()).resolves.toContain('SH001');
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('shows each role only the menu entries it may use', async () => {
    const menuOf = async (username: string) => {
      const { page, context } = await openWorkbench(browser, system.baseUrl);
      await logIn(page, username, 'correct horse battery staple');
      await page.locator('.app-sider .ant-menu-item').first().waitFor();
      const entries = await page.locator('.app-sider .ant-menu-item').allTextContents();
      await context.close();
      return entries;
    };
    const am = await menuOf('am.li');
    expect(am).toEqual(expect.arrayContaining(['我的业务', '新建申请', '贷后管理']));
    expect(am).not.toContain('流程设计');
    expect(am).not.toContain('营业日终');
    const committee = await menuOf('committee.xu');
    expect(committee).not.toContain('新建申请');
    expect(committee).not.toContain('贷后管理');
    const admin = await menuOf('admin');
    expect(admin).toEqual(expect.arrayContaining(['流程设计', '节假日', '用户', '营业日终']));
    const auditor = await menuOf('audit.luo');
    expect(auditor).not.toContain('委托');
  });

  it('switches every label between Chinese and English, and keeps the choice', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'risk.lin', 'correct horse battery staple');
    await page.goto('/notifications');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('消息中心');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('zh-CN');
    await page.getByTestId('language').getByText('English').click();
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Messages');
    await expect(page.getByTestId('current-user').textContent()).resolves.toContain('Risk manager');
    await expect(page.locator('.app-sider').textContent()).resolves.toContain('My work');
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('en');
    await screenshot(page, 'notifications-en-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.reload();
    await expect(page.locator('h1').first().textContent()).resolves.toBe('Messages');
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('returns an expired session to the log-in, then back to the page', async () => {
    const { page, context } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'am.li', 'correct horse battery staple');
    await page.goto('/notifications');
    await page.locator('h1').first().waitFor();
    // The token is no longer accepted (as when it expires): the next call answers 401.
    await page.evaluate(`(() => {
      const s = JSON.parse(sessionStorage.getItem('loanflow.session'));
      s.token = s.token.slice(0, -4) + 'AAAA';
      sessionStorage.setItem('loanflow.session', JSON.stringify(s));
    })()`);
    await page.locator('.ant-segmented-item', { hasText: '未读' }).click();
    await page.waitForURL(/\/login\?expired=1&next=%2Fnotifications/);
    await expect(page.getByRole('alert').first().textContent()).resolves.toContain('会话已过期');
    await page.locator('#username').fill('am.li');
    await page.locator('#password').fill('correct horse battery staple');
    await page.locator('form button[type=submit]').click();
    await page.waitForURL(/\/notifications$/);
    await context.close();
  });

  it('rings the bell live: a new task for the group raises the unread count without a reload', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'market.wang', 'correct horse battery staple');
    const bell = page.getByTestId('notification-bell');
    await bell.waitFor();
    const unread = async () =>
      Number((await bell.getAttribute('aria-label'))?.match(/(\d+) 条未读/)?.[1] ?? NaN);
    const before = await eventually('the unread count', async () => {
      const n = await unread();
      return Number.isNaN(n) ? undefined : n;
    });
    // The account manager submits an application: its routing task is the market group's.
    await createSubmittedApplication(system);
    const after = await eventually('the count raised live', async () => {
      const n = await unread();
      return n > before ? n : undefined;
    });
    expect(after).toBeGreaterThan(before);
    await bell.click();
    await page.locator('.bell-panel .bell-unread').first().waitFor();
    await screenshot(page, 'notification-bell-desktop');
    await page.goto('/notifications');
    await page.locator('.ant-list-item').first().waitFor();
    await screenshot(page, 'notifications-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });
});
