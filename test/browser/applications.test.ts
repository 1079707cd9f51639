import type { Browser } from 'playwright-core';
import { fileDocuments } from '../support/checklists';
import { residentId } from '../support/identities';
import { eventually } from '../support/poll';
import { api, startSystem, TEST_PASSWORD, type TestSystem } from '../support/system';
import { enterApplicationInWizard, type EnteredApplication } from './flows/wizard';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/**
 * The new-application wizard clicked through as the account manager am.li (customer created,
 * product, amount/term/method with the schedule preview, scans uploaded, submitted, the
 * pre-assessment shown), the applications list, and the application's page: the masked customer,
 * the documents (thumbnail, viewer), the approval history and the process diagram with the current
 * step highlighted.
 */
describe('workbench: new application, applications list, application page', () => {
  let system: TestSystem;
  let browser: Browser;
  let entered: EnteredApplication;

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('enters an application through the wizard and shows its pre-assessment', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'am.li', TEST_PASSWORD);
    entered = await enterApplicationInWizard(page, { screenshots: true });
    expect(entered.filed.length).toBeGreaterThan(0);
    expect(['recommend', 'caution', 'decline']).toContain(entered.opinion);
    await expect(page.locator('.pre-assessment-rule').count()).resolves.toBeGreaterThan(0);

    // The API has it as the page said: submitted, with the scans on file.
    const token = await system.login('am.li');
    const app = await api<{ status: string; preAssessment: { opinion: string } }>(
      system.baseUrl,
      'GET',
      `/api/v1/applications/${entered.applicationId}`,
      { token },
    );
    expect(app.body.preAssessment.opinion).toBe(entered.opinion);
    expect(['submitted', 'declined']).toContain(app.body.status);

    // The list shows it, with its status tag, and links to it.
    await page.goto('/applications');
    const link = page.getByRole('link', { name: entered.customerName }).first();
    await link.waitFor();
    await screenshot(page, 'applications-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    await page.locator('#filter-status').click();
    await page.locator('.ant-select-item-option[title="已批准"]').click();
    await page.locator('button.filter-search').click();
    await page.waitForURL(/status=approved/);
    await page.locator('.ant-empty').first().waitFor();
    await page.locator('button.filter-reset').click();
    await link.click();
    await page.waitForURL(new RegExp(`/applications/${entered.applicationId}$`));
    expect(complaints).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows the new-application wizard on a phone', async () => {
    const { page, context } = await openWorkbench(browser, system.baseUrl, { phone: true });
    await logIn(page, 'am.li', TEST_PASSWORD);
    await page.goto('/applications/new');
    await page.locator('#customer-search').waitFor();
    await screenshot(page, 'new-application-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('shows the application: masked customer, documents, history, the diagram at the current step', async () => {
    const token = await system.login('am.li');
    const process = await eventually('the approval process', async () => {
      const res = await api<{ activeElementIds: string[]; history: unknown[] }>(
        system.baseUrl,
        'GET',
        `/api/v1/applications/${entered.applicationId}/process`,
        { token },
      );
      return res.status === 200 && res.body.activeElementIds.length > 0 ? res.body : undefined;
    });
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'am.li', TEST_PASSWORD);
    await page.goto(`/applications/${entered.applicationId}`);
    await page.locator('.application-overview').waitFor();

    // The customer's ID number and mobile are masked.
    const id = (await page.locator('.masked-id').textContent()) ?? '';
    expect(id).toMatch(/^\d{2,6}\*+[\dX]{4}$/);
    expect(id).not.toContain(entered.residentId.slice(6, 14));
    expect(await page.locator('.masked-phone').textContent()).toMatch(/^\d{0,3}\*{3,}\d{4}$/);
    await expect(page.locator('.pre-assessment').count()).resolves.toBe(1);

    // The documents: the PNG's thumbnail, the zoomable viewer; the PDFs drawn by pdfjs.
    const thumb = page.locator('.document-card img').first();
    await thumb.waitFor();
    await thumb.click();
    await page.locator('.ant-image-preview-img').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.ant-image-preview-img').waitFor({ state: 'hidden' });
    if (entered.filed.length > 1)
      await page.locator('.document-card canvas.pdf-page').first().waitFor();
    await expect(
      page.locator('.document-checklist .ant-tag[data-document-type]').count(),
    ).resolves.toBeGreaterThan(0);

    // The history and the diagram with the current step highlighted.
    await page.locator('.approval-history .history-entry').first().waitFor();
    await page.locator('.process-diagram[data-state="done"]').waitFor();
    const current = page.locator('.process-diagram .djs-element.lf-current');
    await current.first().waitFor();
    const highlighted = await current.evaluateAll((els) =>
      els.map((e) => e.getAttribute('data-element-id')),
    );
    expect(highlighted.sort()).toEqual([...process.activeElementIds].sort());
    await screenshot(page, 'application-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();

    const phone = await openWorkbench(browser, system.baseUrl, { phone: true });
    await logIn(phone.page, 'am.li', TEST_PASSWORD);
    await phone.page.goto(`/applications/${entered.applicationId}`);
    await phone.page.locator('.process-diagram[data-state="done"]').waitFor();
    await phone.page.locator('.document-card img').first().waitFor();
    await screenshot(phone.page, 'application-phone');
    expect(await accessibilityViolations(phone.page)).toEqual([]);
    await phone.context.close();
  }, 120_000);
  it('withdraws an application in approval for the front office', async () => {
    const token = await system.login('am.li');
    const post = async (path: string, body?: unknown) =>
      api<{ id: string }>(system.baseUrl, 'POST', `/api/v1${path}`, {
        token,
        body,
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
    const customer = await post('/customers', {
      type: 'individual',
      name: '钱撤回',
      individual: {
        residentId: residentId('1984-09-09'),
        mobile: '13912345678',
        monthlyIncome: '40000.00',
      },
    });
    expect(customer.status).toBe(201);
    const created = await post('/applications', {
      customerId: customer.body.id,
      productCode: 'PERSONAL_CONSUMER',
      amount: '50000.00',
      termMonths: 12,
      repaymentMethod: 'equal_installments',
      purpose: 'withdrawn in the browser',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await fileDocuments(system, 'am.li', id, 'market_routing');
    expect((await post(`/applications/${id}/submit`)).status).toBe(200);

    const { page, context } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'am.li', TEST_PASSWORD);
    await page.goto(`/applications/${id}`);
    await page.getByRole('button', { name: '撤回申请' }).click();
    const modal = page.locator('.ant-modal');
    await modal.getByLabel('撤回原因').fill('客户不再需要这笔贷款');
    await modal.locator('.ant-btn-dangerous').click();
    await page.locator('.application-status', { hasText: '已撤回' }).waitFor();
    await expect(page.getByRole('button', { name: '撤回申请' }).count()).resolves.toBe(0);
    await context.close();
  }, 60_000);
});
