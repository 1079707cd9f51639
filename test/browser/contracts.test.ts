import type { Browser } from 'playwright-core';
import { individual, lifecycle, LIFECYCLE_USERS, type LoanCase } from '../support/lifecycle';
import { startSystem, TEST_PASSWORD, type TestSystem } from '../support/system';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

const CASE: LoanCase = {
  productCode: 'PERSONAL_CONSUMER',
  customer: individual('赵合同', '1989-04-12', '30000.00'),
  amount: '200000.00',
  termMonths: 24,
  repaymentMethod: 'equal_installments',
  ratePercent: '3.6000',
  committee: false,
  assigner: 'gl.sh',
  payee: { paymentMethod: 'self' },
};

/**
 * 借款合同 in the browser: an application approved through the API, then as am.li the contract
 * generated from the application's page, its PDF drawn in the page, signed for the lender and the
 * borrower (am.li is named the signer of both), and verified: each signature's signer, time and
 * timestamp authority shown.
 */
describe('workbench: contract generated, viewed, signed and verified', () => {
  let system: TestSystem;
  let browser: Browser;
  const bank = lifecycle(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: [...DEMO_USERS, ...LIFECYCLE_USERS] });
    await bank.loadIds(LIFECYCLE_USERS);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('generates the contract of an approved application, shows its PDF, signs and verifies it', async () => {
    const { applicationId } = await bank.submit(CASE);
    await bank.investigate(CASE, applicationId);
    await bank.approve(CASE, applicationId);
    await bank.eventually('approved', async () =>
      (await bank.application(applicationId)).body.status === 'approved' ? true : undefined,
    );

    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'am.li', TEST_PASSWORD);
    await page.goto(`/applications/${applicationId}`);
    await page.getByRole('button', { name: '生成合同' }).click();
    const modal = page.locator('.ant-modal');
    await modal.locator('.generate-contract-form').waitFor();
    // The disbursement date defaults to the open business date.
    const date = modal.locator('#disbursementDate');
    await bank.eventually('the business date filled in', async () =>
      (await date.inputValue()) !== '' ? true : undefined,
    );
    await modal.getByRole('button', { name: '生成合同' }).click();
    await page.waitForURL(/\/contracts\/[0-9a-f-]+$/);

    // The terms with the amount in words, and the PDF drawn by pdfjs.
    await page.locator('.contract-terms').waitFor();
    await expect(
      page.locator('.contract-terms .money-words').first().textContent(),
    ).resolves.toContain('贰拾万元整');
    await page.locator('.contract-pdf canvas.pdf-page').first().waitFor();
    await screenshot(page, 'contract-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    // Left unsigned, the contract is listed on the application's page, and the link comes back.
    const contractUrl = page.url();
    await page.goto(`/applications/${applicationId}`);
    const listed = page.getByTestId('application-contracts');
    await expect(listed.textContent()).resolves.toContain('待签署');
    await listed.getByRole('link').first().click();
    await page.waitForURL(contractUrl);
    await page.locator('.contract-terms').waitFor();

    // Signed for both parties am.li stands for; the contract is then signed.
    for (const party of ['lender', 'borrower']) {
      await page.locator(`button[data-party="${party}"]`).click();
      await page.locator(`button[data-party="${party}"]`).waitFor({ state: 'detached' });
    }
    await expect(page.locator('.contract-status').textContent()).resolves.toBe('已签署');

    // Verified: intact, every party signed, each signature with its signer, time and TSA time.
    await page.getByRole('button', { name: '验证签名' }).click();
    await page.locator('.verification[data-intact="true"]').waitFor();
    const rows = page.locator('.verification .signature-table tbody tr.ant-table-row');
    await expect(rows.count()).resolves.toBe(2);
    for (const text of await rows.allTextContents()) {
      expect(text).toContain('am.li');
      expect(text).toContain('有效');
      expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}.*\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    }
    await page.goto(`/applications/${applicationId}`);
    await expect(page.getByTestId('application-contracts').textContent()).resolves.toContain(
      '已签署',
    );
    expect(complaints).toEqual([]);
    await context.close();
  }, 180_000);
});
