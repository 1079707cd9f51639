import type { Browser } from 'playwright-core';
import { startSystem, type TestSystem } from '../support/system';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/** 统计报表 in a real browser: each dashboard draws its charts (echarts, lazily), exports download. */
describe('workbench: report dashboards', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('draws the charts of each dashboard and exports a report', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'risk.lin');
    await page.goto('/reports');
    const drawn = (key: string) =>
      page.getByTestId(`chart-${key}`).locator('svg, canvas').first().waitFor();
    await drawn('cycle');
    await screenshot(page, 'reports-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-csv-approval-efficiency').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^approval-efficiency-.*\.csv$/);
    await page.getByRole('tab', { name: '业务流程' }).click();
    await drawn('funnel');
    await page.getByRole('tab', { name: '贷款质量' }).click();
    await drawn('tiers');
    await drawn('overdue');
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('export-xlsx-portfolio').click(),
    ]);
    expect(xlsx.suggestedFilename()).toMatch(/^portfolio-.*\.xlsx$/);
    // A filter the API refuses: its reason beside the field.
    const branch = page.locator('#branchId');
    await branch.fill('not a branch');
    await page.locator('form:has(#branchId) button[type=submit]').click();
    await page.locator('.ant-form-item-explain-error').filter({ hasText: 'branch code' }).waitFor();
    expect(complaints).toEqual([]);
    await context.close();
  });

  it('works on the phone', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'risk.lin');
    await page.goto('/reports');
    await page.getByTestId('chart-cycle').locator('svg, canvas').first().waitFor();
    await screenshot(page, 'reports-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  });
});
