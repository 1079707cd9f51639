import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
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
 * Loan accounts in a real browser: the day close by the administrator (and its refusal of a date
 * after today), the list, the detail with its schedule and interest segments, the statement as a
 * CSV download, a repayment posted by a cashier (a field error first), and a role that may not
 * post repayments not offered it.
 */
describe('workbench: loans and the business day close', () => {
  let system: TestSystem;
  let browser: Browser;
  let loanId: string;

  beforeAll(async () => {
    // Today on the accounting clock is 2025-12-31 (TEST_CALENDAR_DATE): 12-30 and 12-31 close.
    system = await startSystem({ users: DEMO_USERS, firstBusinessDate: '2025-12-30' });
    browser = await launchBrowser();
    [loanId] = await importLoans(system, 'admin', 'admin.qin', [
      importedLoan('2025-12-30', {
        approvedAmount: '120000.00',
        schedule: {
          principal: '120000.00',
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

  it('lets the administrator close business days and shows why a later date may not close', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'admin');
    await page.goto('/business-day');
    const date = page.getByTestId('business-date');
    await expect(date.textContent()).resolves.toContain('2025-12-30');
    expect(await accessibilityViolations(page)).toEqual([]);
    for (const [day, next] of [
      ['2025-12-30', '2025-12-31'],
      ['2025-12-31', '2026-01-01'],
    ]) {
      await page.getByTestId('close-day').click();
      await page.locator('.ant-modal-confirm-btns button.ant-btn-primary').click();
      // The end of day runs accrual, billing, overdue and classification: seconds, not ms.
      await page.getByTestId('close-result').filter({ hasText: next }).waitFor({ timeout: 90_000 });
      await expect(page.getByTestId('close-result').textContent()).resolves.toContain(day);
      await date.filter({ hasText: next }).waitFor();
    }
    // The totals of both closes: one loan accrued each day.
    const rows = page.getByTestId('close-totals').locator('tbody tr.ant-table-row');
    await expect(rows.count()).resolves.toBe(2);
    await expect(rows.first().textContent()).resolves.toMatch(/2025-12-31.*1.*¥/);
    await screenshot(page, 'business-day-desktop');
    // 2026-01-01 is after today on the bank's clock: refused, and said so.
    await page.getByTestId('close-day').click();
    await page.locator('.ant-modal-confirm-btns button.ant-btn-primary').click();
    await page.getByTestId('close-error').waitFor();
    await page.locator('.ant-modal-confirm').waitFor({ state: 'detached' });
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('lists the loans, opens one with its schedule and segments, downloads the statement', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'disb.ma');
    await page.goto('/loans');
    const link = page.getByTestId('loans-table').locator(`a[href="/loans/${loanId}"]`);
    await link.waitFor();
    await screenshot(page, 'loans-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    // A filter that leaves nothing, then back.
    await page.locator('#minDaysPastDue').fill('30');
    await page.getByRole('button', { name: '查 询' }).click();
    await page.locator('.ant-empty').waitFor();
    await page.getByRole('button', { name: '重 置' }).click();
    await link.click();
    await page.waitForURL(`**/loans/${loanId}`);
    await page.getByTestId('loan-schedule').locator('tbody tr.ant-table-row').nth(11).waitFor();
    await expect(
      page.getByTestId('loan-schedule').locator('tbody tr.ant-table-row').count(),
    ).resolves.toBe(12);
    await expect(page.getByTestId('loan-tier').textContent()).resolves.toBe('正常');
    await expect(page.getByTestId('loan-balances').textContent()).resolves.toContain('¥120,000.00');
    await page.getByRole('tab', { name: '分段利息' }).click();
    await page.getByTestId('loan-segments').locator('tbody tr.ant-table-row').first().waitFor();
    await expect(page.getByTestId('loan-segments').textContent()).resolves.toContain('2025-12-30');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('statement-csv').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/-2025-12-30-2025-12-31\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('2025-12-30');
    await screenshot(page, 'loan-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('posts a repayment by a cashier, with the field error beside the amount first', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'disb.ma');
    await page.goto(`/loans/${loanId}`);
    const form = page.getByTestId('repayment-form');
    await form.waitFor();
    await form.locator('#amount').fill('1000.123');
    await form.locator('button[type=submit]').click();
    const explain = form.locator('.ant-form-item-explain-error');
    await explain.waitFor();
    await expect(explain.textContent()).resolves.toContain('2 decimal places');
    await form.locator('#amount').fill('1000.00');
    await form.locator('#reference').fill('CASH-0001');
    await form.locator('button[type=submit]').click();
    await page.getByRole('tab', { name: '还款记录' }).click();
    const row = page.getByTestId('loan-repayments').locator('tbody tr.ant-table-row');
    await row.first().waitFor();
    await expect(row.first().textContent()).resolves.toContain('¥1,000.00');
    await expect(row.first().textContent()).resolves.toContain('CASH-0001');
    // The list comes from the server: another user, another session, still sees it.
    const other = await openWorkbench(browser, system.baseUrl);
    await logIn(other.page, 'risk.lin');
    await other.page.goto(`/loans/${loanId}`);
    await other.page.getByRole('tab', { name: '还款记录' }).click();
    const listed = other.page.getByTestId('loan-repayments').locator('tbody tr.ant-table-row');
    await listed.first().waitFor();
    await expect(listed.first().textContent()).resolves.toContain('CASH-0001');
    await expect(listed.first().textContent()).resolves.toContain('¥1,000.00');
    await other.context.close();
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('offers no repayment to a role that may not post one, on the phone too', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'risk.lin');
    await page.goto('/loans');
    await page.getByTestId('loans-list').locator(`a[href="/loans/${loanId}"]`).waitFor();
    await screenshot(page, 'loans-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.goto(`/loans/${loanId}`);
    await page.getByTestId('loan-schedule').waitFor();
    await expect(page.getByTestId('repayment-form').count()).resolves.toBe(0);
    await screenshot(page, 'loan-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });
});
