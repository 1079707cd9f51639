import type { Page } from 'playwright-core';
import { scanPdf } from '../../support/uploads';
import { mobile as randomMobile, residentId as randomResidentId } from '../../support/identities';
import { accessibilityViolations, screenshot } from '../support';

export interface WizardOptions {
  /** The customer: found by this ID number when it exists, else created with it. */
  customerName?: string;
  residentId?: string;
  mobile?: string;
  monthlyIncome?: string;
  /** Save the new customer with a wrong mobile number first: refused beside the field, corrected. */
  correctMobile?: boolean;
  /** Find an existing customer by resident ID instead of creating one. */
  existing?: boolean;
  productCode?: string;
  amount?: string;
  termMonths?: number;
  /** The label of the repayment method as the page shows it (zh-CN by default). */
  methodLabel?: string;
  purpose?: string;
  /** Take the wizard's screenshots and run axe on its steps (the applications test does). */
  screenshots?: boolean;
}

export interface EnteredApplication {
  applicationId: string;
  customerName: string;
  residentId: string;
  /** The types filed through the page. */
  filed: string[];
  /** The pre-assessment's opinion as the page shows it (recommend, caution, decline). */
  opinion: string;
}

/** A small PNG (a piece of the page itself): a scan that has a thumbnail and a preview. */
async function pngScan(page: Page): Promise<Buffer> {
  return page.screenshot({ clip: { x: 0, y: 0, width: 320, height: 200 } });
}

/**
 * Clicks a complete application in through the wizard at /applications/new as the signed-in
 * account manager (zh-CN): customer created (or found), product, amount/term/method with the
 * schedule preview, every document the market-routing checklist asks for filed through the page
 * (the first as a PNG by the file chooser, the rest as PDFs), submitted; returns its id.
 */
export async function enterApplicationInWizard(
  page: Page,
  opts: WizardOptions = {},
): Promise<EnteredApplication> {
  const customerName = opts.customerName ?? '王晓雯';
  const residentId = opts.residentId ?? randomResidentId('1988-05-17', 'female');
  const productCode = opts.productCode ?? 'PERSONAL_CONSUMER';
  const termMonths = opts.termMonths ?? 12;
  await page.goto('/applications/new');
  await page.locator('h1.page-title').waitFor();

  // 1. The customer: searched by ID number first; created when not found.
  await page.locator('#customer-search').fill(residentId);
  await page.getByRole('button', { name: '查找客户' }).click();
  if (opts.existing) {
    await page.locator('.customer-results .ant-list-item').first().waitFor();
    await page.locator('.customer-results button.choose-customer').first().click();
  } else {
    await page.getByText('没有找到客户，可新建').waitFor();
    if (opts.screenshots) {
      expect(await accessibilityViolations(page)).toEqual([]);
    }
    await page.getByRole('button', { name: '新建客户' }).click();
    const form = page.locator('.new-customer-form');
    await form.getByLabel('姓名 / 名称').fill(customerName);
    await form.getByLabel('身份证号').fill(residentId);
    await form.getByLabel('月收入').fill(opts.monthlyIncome ?? '30000.00');
    await form.getByLabel('职业').fill('工程师');
    if (opts.correctMobile) {
      // The API refuses it; the error stands beside the field; the corrected form saves.
      await form.getByLabel('手机号').fill('1391234');
      await form.getByRole('button', { name: '保存客户' }).click();
      await form.locator('.ant-form-item-explain-error').first().waitFor();
    }
    await form.getByLabel('手机号').fill(opts.mobile ?? randomMobile());
    await form.getByRole('button', { name: '保存客户' }).click();
  }

  // 2. The product, with its limits.
  const card = page.locator(`.product-card[data-product="${productCode}"]`);
  await card.waitFor();
  await card.locator('input[type=radio]').check();
  await page.getByRole('button', { name: '下一步', exact: true }).click();

  // 3. Amount, term, method: the schedule preview fills as they are typed.
  const terms = page.locator('.terms-form');
  await terms.getByLabel('申请金额（元）').fill(opts.amount ?? '100000');
  await terms.getByLabel('期限（月）').fill(String(termMonths));
  await terms.getByLabel('还款方式').click();
  await page.locator(`.ant-select-item-option[title="${opts.methodLabel ?? '等额本息'}"]`).click();
  await terms.getByLabel('贷款用途').fill(opts.purpose ?? '装修自住房');
  await terms.getByLabel('现有月还款额').fill('0.00');
  const rows = page.locator('.schedule-table tbody tr.ant-table-row');
  await rows.nth(Math.min(termMonths, 12) - 1).waitFor();
  expect(await rows.count()).toBeGreaterThanOrEqual(Math.min(termMonths, 12));
  if (opts.screenshots) {
    await screenshot(page, 'new-application-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
  }
  await terms.getByRole('button', { name: '保存草稿，下一步' }).click();

  // 4. The documents the checklist asks for, uploaded through the page.
  const checklist = page.locator('.document-checklist');
  await checklist.waitFor();
  const missing = await checklist
    .locator('.ant-tag[data-present="false"]')
    .evaluateAll((tags) => tags.map((t) => t.getAttribute('data-document-type') ?? ''));
  const input = page.locator('.document-uploader input[type=file]');
  for (const [i, type] of missing.entries()) {
    // The uploader offers the first missing type: it is the one this file is filed as.
    const file =
      i === 0
        ? { name: `${type}.png`, mimeType: 'image/png', buffer: await pngScan(page) }
        : { name: `${type}.pdf`, mimeType: 'application/pdf', buffer: scanPdf(type) };
    await input.setInputFiles(file);
    await checklist
      .locator(`.ant-tag[data-document-type="${type}"][data-present="true"]`)
      .waitFor();
  }
  await page.locator('.document-card').first().waitFor();
  await page.getByRole('button', { name: '下一步', exact: true }).click();

  // 5. Submit: the pre-assessment shows.
  await page.getByRole('button', { name: '提交申请' }).click();
  const assessment = page.locator('.pre-assessment');
  await assessment.waitFor();
  const opinion = (await assessment.getAttribute('data-opinion')) ?? '';
  const href = await page.getByRole('link', { name: '查看申请' }).getAttribute('href');
  const applicationId = /\/applications\/([^/?#]+)/.exec(href ?? '')?.[1];
  if (!applicationId) throw new Error(`no application link after submitting: ${href}`);
  return { applicationId, customerName, residentId, filed: missing, opinion };
}

/**
 * Files, through the application page's uploader, every document its checklist still lacks (any
 * stage), as the signed-in user: the rest of the papers an approval needs after the wizard.
 */
export async function fileMissingThroughPage(page: Page, applicationId: string): Promise<string[]> {
  await page.goto(`/applications/${applicationId}`);
  const checklist = page.locator('.document-checklist');
  await checklist.waitFor();
  const missing = await checklist
    .locator('.ant-tag[data-present="false"]')
    .evaluateAll((tags) => tags.map((t) => t.getAttribute('data-document-type') ?? ''));
  const input = page.locator('.document-uploader input[type=file]');
  const filed: string[] = [];
  for (const type of [...new Set(missing)]) {
    await input.setInputFiles({
      name: `${type}.pdf`,
      mimeType: 'application/pdf',
      buffer: scanPdf(type),
    });
    await checklist
      .locator(`.ant-tag[data-document-type="${type}"][data-present="true"]`)
      .first()
      .waitFor();
    filed.push(type);
  }
  return filed;
}
