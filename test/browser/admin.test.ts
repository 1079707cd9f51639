import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { bankers } from '../support/bankers';
import { startSystem, type TestSystem } from '../support/system';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/** Chooses an option of an antd Select by typing part of its label. */
async function choose(page: Page, selector: string, text: string): Promise<void> {
  const input = page.locator(selector);
  await input.click();
  await input.fill(text);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first()
    .click();
}

/**
 * The administration pages in a real browser: the holiday calendar (a year entered with its
 * holiday and make-up working day), users (created, with the API's field error beside its field,
 * then edited), and 委托 (a proxy set for a period), on a desktop and a phone.
 */
describe('workbench: calendar, users, proxies', () => {
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

  it('enters a year of holidays with a make-up working day', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'admin');
    await page.goto('/admin/calendar');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('节假日');
    await page.getByTestId('holidays').waitFor();
    await screenshot(page, 'calendar-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByLabel('新年度').fill('2031');
    await page.getByRole('button', { name: '新增年度' }).click();
    const form = page.getByTestId('holiday-form');
    await form.locator('#holidayYear_notice').fill('国务院办公厅关于2031年部分节假日安排的通知');
    await form.getByRole('button', { name: '添加假期' }).click();
    await form.locator('#holidayYear_holidays_0_name').fill('国庆节');
    await form.locator('#holidayYear_holidays_0_firstDay').fill('2031-10-01');
    await form.locator('#holidayYear_holidays_0_lastDay').fill('2031-10-07');
    await form.locator('#holidayYear_holidays_0_workdays').fill('2031-09-28, 2031-10-11');
    expect(await accessibilityViolations(page)).toEqual([]);
    await form.getByRole('button', { name: /保\s*存/ }).click();
    await page.getByTestId('holidays').getByText('国庆节').waitFor();
    const row = await page.getByTestId('holidays').textContent();
    expect(row).toContain('2031');
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('creates a user (a weak password refused beside its field) and edits the roles', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'admin');
    await page.goto('/admin/users');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('用户');
    await page.getByTestId('users').getByText('am.li').waitFor();
    await screenshot(page, 'users-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('button', { name: '新建用户' }).click();
    const dialog = page.locator('.ant-modal:visible');
    await dialog.locator('#user_username').fill('loan.tester');
    await dialog.locator('#user_displayName').fill('测试员');
    await choose(page, '#user_roles', '信贷员');
    await page.keyboard.press('Escape');
    await choose(page, '#user_branchId', 'SH001');
    await dialog.locator('#user_initialPassword').fill('aaaaaaaaaaaaaaaa');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    // The service's refusal, beside the password field.
    const help = dialog.locator('#user_initialPassword_help');
    await help.waitFor();
    expect((await help.textContent())!.length).toBeGreaterThan(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    await dialog.locator('#user_initialPassword').fill('Granite-Harbour-Lantern-42');
    await dialog.getByRole('button', { name: /保\s*存/ }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.getByTestId('users').locator('tr', { hasText: 'loan.tester' });
    await row.waitFor();

    // Edit: a second role (If-Match with the ETag read).
    await row.getByRole('button', { name: /编\s*辑/ }).click();
    const edit = page.locator('.ant-modal:visible');
    await edit.locator('#user_displayName').waitFor();
    await choose(page, '#user_roles', '风险管理');
    await page.keyboard.press('Escape');
    await edit.getByRole('button', { name: /保\s*存/ }).click();
    await edit.waitFor({ state: 'hidden' });
    await row.getByText('风险管理').waitFor();
    await expect(row.textContent()).resolves.toContain('信贷员');
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('sets a proxy for a period, on a desktop and a phone', async () => {
    for (const phone of [false, true]) {
      const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
        phone,
      });
      await logIn(page, 'credit.zhou');
      await page.goto('/proxies');
      await expect(page.locator('h1').first().textContent()).resolves.toBe('委托');
      await choose(page, '#proxy_proxyUserId', phone ? '韩雪' : 'credit.han');
      // Far ahead, so that the period is still to come whatever the day the test runs.
      await page.locator('#proxy_fromDate').fill(phone ? '2099-03-02' : '2099-02-02');
      await page.locator('#proxy_toDate').fill(phone ? '2099-03-06' : '2099-02-06');
      await page.getByRole('button', { name: '设置委托' }).click();
      await page.getByTestId('proxies').getByText('韩雪 (北京分行) (credit.han)').first().waitFor();
      // The list is the server's: after a reload, and as the proxy sees it.
      await page.reload();
      const listed = page.getByTestId('proxies');
      await listed
        .getByText(phone ? '2099-03-02' : '2099-02-02')
        .first()
        .waitFor();
      await screenshot(page, phone ? 'proxies-phone' : 'proxies-desktop');
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(complaints).toEqual([]);
      await context.close();
    }
  });

  it('lists proxies from the server: the proxy sees both, another colleague none, the administrator all', async () => {
    const { call } = bankers(() => system);
    const mine = await call<{ items: { fromDate: string }[] }>('credit.han', 'GET', '/proxies');
    expect(mine.body.items.map((p) => p.fromDate).sort()).toEqual(['2099-02-02', '2099-03-02']);
    const other = await call<{ items: unknown[] }>('am.li', 'GET', '/proxies');
    expect(other.body.items).toEqual([]);
    const all = await call<{ items: { fromDate: string }[] }>('admin', 'GET', '/proxies');
    expect(all.body.items.length).toBeGreaterThanOrEqual(2);
    const refused = await call('am.li', 'GET', `/proxies?userId=${randomUUID()}`);
    expect(refused.status).toBe(403);
  });

  it('shows the administration pages on a phone', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'admin');
    for (const [path, title, ready, name] of [
      [
        '/admin/process',
        '流程设计',
        '[data-testid="versions"] .ant-tag-geekblue',
        'designer-phone',
      ],
      ['/admin/calendar', '节假日', '[data-testid="holidays"]', 'calendar-phone'],
      ['/admin/users', '用户', '[data-testid="users"] .ant-list-item', 'users-phone'],
    ] as const) {
      await page.goto(path);
      await expect(page.locator('h1').first().textContent()).resolves.toBe(title);
      await page.locator(ready).first().waitFor();
      await screenshot(page, name);
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    expect(complaints).toEqual([]);
    await context.close();
  });
});
