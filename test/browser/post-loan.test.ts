import type { Browser, Page } from 'playwright-core';
import { importedLoan, importLoans } from '../support/loan-imports';
import { startSystem, type TestSystem } from '../support/system';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/**
 * 贷后管理 in a real browser: the post-loan officer opens a collection case on a loan, records an
 * action and a promise to pay, records a lawsuit and a repossessed asset; the auditor sees them
 * and is offered nothing to do.
 */
describe('workbench: post-loan', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS, firstBusinessDate: '2025-12-30' });
    browser = await launchBrowser();
    await importLoans(system, 'admin', 'admin.qin', [
      importedLoan('2025-12-30', {
        schedule: {
          principal: '100000.00',
          annualRatePercent: '4.35',
          term: 12,
          termUnit: 'month',
          repaymentMethod: 'equal_installments',
          disbursementDate: '2025-12-30',
          repaymentDay: 28,
        },
      }),
    ]);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  const pickLoan = async (page: Page, select: string) => {
    await page.locator(select).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click();
  };

  it('lets the post-loan officer record a case, its action and promise, a lawsuit and an asset', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'postloan.hu');
    await page.goto('/post-loan');
    await page.getByTestId('open-case').click();
    const caseForm = page.getByTestId('case-form');
    await pickLoan(page, '#loanId');
    await caseForm.locator('#reason').fill('逾期催收');
    await caseForm.locator('button[type=submit]').click();
    await page.getByTestId('cases-table').locator('tbody tr.ant-table-row').first().waitFor();
    await page.getByTestId('view-case').first().click();
    const action = page.getByTestId('action-form');
    await action.locator('#contactPerson').fill('李明');
    await action.locator('button[type=submit]').click();
    await page.getByTestId('case-actions').getByText('李明').waitFor();
    await page.getByRole('tab', { name: '登记还款承诺' }).click();
    const promise = page.getByTestId('promise-form');
    await promise.locator('#amount').fill('5000.00');
    await promise.locator('button[type=submit]').click();
    await page.getByTestId('case-promises').getByText('¥5,000.00').waitFor();
    await page.getByTestId('case-promises').getByRole('button', { name: '已兑现' }).click();
    await page
      .getByTestId('case-promises')
      .getByRole('button', { name: '已兑现' })
      .waitFor({ state: 'detached' });
    await expect(page.getByTestId('case-promises').textContent()).resolves.toContain('已兑现');
    await page.locator('.ant-drawer-close').click();
    await page.locator('.ant-drawer-mask').waitFor({ state: 'hidden' });
    await page.locator('.ant-drawer-content').waitFor({ state: 'hidden' });
    await screenshot(page, 'post-loan-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByRole('tab', { name: '诉讼' }).click();
    await pickLoan(page, '#litigation-loan');
    const lit = page.getByTestId('litigation-form');
    await lit.locator('#court').fill('上海市浦东新区人民法院');
    await lit.locator('button[type=submit]').click();
    await page.getByTestId('litigations').getByText('上海市浦东新区人民法院').first().waitFor();
    // The lawsuit moves on; its history shows the move.
    const move = page.getByTestId('litigation-status-form');
    await move.locator('#status').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option[title="已受理"]')
      .click();
    await move.locator('button[type=submit]').click();
    // Accepting needs the court's case number: said beside its field.
    await move
      .locator('.ant-form-item-explain-error')
      .filter({ hasText: 'case number' })
      .or(move.locator('.ant-form-item-explain-error').filter({ hasText: 'required' }))
      .first()
      .waitFor();
    await move.locator('#caseNumber').fill('(2025)沪0115民初12345号');
    await move.locator('button[type=submit]').click();
    await page.getByTestId('litigations').getByText('已起诉 → 已受理').waitFor();

    await page.getByRole('tab', { name: '抵债资产' }).click();
    await pickLoan(page, '#asset-loan');
    const asset = page.getByTestId('asset-form');
    await asset.locator('#description').fill('沪A12345 小型轿车');
    for (const f of ['valuationAmount', 'settledAmount', 'bookValue'])
      await asset.locator(`#${f}`).fill('80000.00');
    await asset.locator('button[type=submit]').click();
    await page.getByTestId('assets').getByText('沪A12345 小型轿车').waitFor();
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('shows the auditor the records and offers nothing to do', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'audit.luo');
    await page.goto('/post-loan');
    await page.getByTestId('read-only').waitFor();
    await page.getByTestId('cases-table').locator('tbody tr.ant-table-row').first().waitFor();
    await expect(page.getByTestId('open-case').count()).resolves.toBe(0);
    await page.getByTestId('view-case').first().click();
    await page.getByTestId('case-actions').getByText('李明').waitFor();
    await expect(page.getByTestId('action-form').count()).resolves.toBe(0);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });
  it('works on the phone', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'postloan.hu');
    await page.goto('/post-loan');
    await page.getByTestId('cases-table').locator('tbody tr.ant-table-row').first().waitFor();
    await screenshot(page, 'post-loan-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('offers the business day close on the phone too', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'admin');
    await page.goto('/business-day');
    await page.getByTestId('close-day').waitFor();
    await screenshot(page, 'business-day-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });
});
