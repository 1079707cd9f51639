import type { Browser, Page } from 'playwright-core';
import { bankers, eventually } from '../support/bankers';
import { startSystem, type TestSystem } from '../support/system';
import { taskOf } from './flows/application';
import { enterApplicationInWizard, fileMissingThroughPage } from './flows/wizard';
import { DEMO_USERS, launchBrowser, logIn, openWorkbench, screenshot } from './support';

/**
 * The credit approval chain clicked in the browser by the demo bank's users, from a new
 * application entered in the wizard (a new customer, a mortgage of 2,000,000 over 240 months, the
 * papers uploaded through the pages) to final approval: routing, assignment, investigation, review, a committee member
 * sending the file back to the investigation, the investigation redone, a split vote (one reject,
 * two approve: two thirds carry it), the risk assessment and the final approval.
 */
describe('workbench: the approval chain by clicks', () => {
  let system: TestSystem;
  let browser: Browser;
  const { call } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  /** Logs in as `who`, opens 我的业务 on the right tab and step, clicks the task open. */
  async function openTask(who: string, applicationId: string, step: string) {
    const { task, scope } = await taskOf(system, who, applicationId, step);
    const wb = await openWorkbench(browser, system.baseUrl);
    await logIn(wb.page, who);
    await wb.page.goto(`/tasks?scope=${scope}&step=${step}`);
    await wb.page
      .locator(`[data-row-key="${task.id}"]`)
      .getByRole('button', { name: /办\s?理/ })
      .click();
    await wb.page.waitForURL(/\/tasks\/.+/);
    await wb.page.getByTestId('task-summary').waitFor();
    await wb.page.getByTestId('application-status').waitFor();
    return { ...wb, taskId: task.id };
  }

  async function pick(page: Page, field: string, ...values: string[]) {
    for (const value of values) {
      await page.locator(`#step_formData_${field}`).fill(value);
      await page.locator('.ant-select-item-option-active').first().waitFor();
      await page.keyboard.press('Enter');
    }
    await page.keyboard.press('Escape');
  }

  async function approve(page: Page) {
    await page.getByTestId('action-approve').click();
    await page.locator('.ant-message-success').first().waitFor();
    await page.waitForURL((u) => !/\/tasks\/.+/.test(u.pathname));
  }

  async function investigate(applicationId: string, name: string) {
    const { page, context } = await openTask('credit.zhou', applicationId, 'investigation');
    await page.locator('#step_formData_opinion').click();
    await page.locator('.ant-select-item-option[title="推荐"]').click();
    // Typed as people type them; the form writes what the step's schema asks (1800000.00, 3.5000).
    await page.locator('#step_formData_recommendedAmount').fill('1800000');
    await page.locator('#step_formData_recommendedRatePercent').fill('3.5');
    await page.locator('#step_formData_recommendedTermMonths').fill('240');
    await page.locator('#step_opinion').fill('收入稳定，抵押充足');
    await screenshot(page, name);
    await approve(page);
    await context.close();
  }

  async function review(applicationId: string, name: string) {
    const { page, context } = await openTask('review.wu', applicationId, 'pre_meeting_review');
    await pick(page, 'committeeMembers', 'committee.xu', 'committee.zhang', 'committee.he');
    await page.locator('#step_formData_committeeMeetingAt').fill('2026-12-01 10:00');
    await page.keyboard.press('Enter');
    await screenshot(page, name);
    await approve(page);
    await context.close();
  }

  it('takes a mortgage from entry to approval, through a send-back and a split vote', async () => {
    // 客户经理: the customer and the application in the wizard, submitted; then the papers the
    // later steps need, filed on the application's page.
    let id: string;
    {
      const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
      await logIn(page, 'am.li');
      const entered = await enterApplicationInWizard(page, {
        customerName: '王伟',
        monthlyIncome: '90000.00',
        productCode: 'MORTGAGE',
        amount: '2000000',
        termMonths: 240,
        purpose: 'Purchase of a first home',
        correctMobile: true,
      });
      expect(entered.opinion).toBe('recommend');
      id = entered.applicationId;
      expect((await fileMissingThroughPage(page, id)).length).toBeGreaterThan(0);
      await expect(
        page.locator('.document-checklist .ant-tag[data-present="false"]').count(),
      ).resolves.toBe(0);
      expect(complaints).toEqual([]);
      await context.close();
    }

    // 市场部归口分配
    {
      const { page, context, complaints } = await openTask('market.wang', id, 'market_routing');
      await expect(page.getByTestId('task-application').textContent()).resolves.toContain('王伟');
      await screenshot(page, 'task-routing-desktop');
      await approve(page);
      expect(complaints).toEqual([]);
      await context.close();
    }
    // 分配信贷员
    {
      const { page, context } = await openTask('group.chen', id, 'credit_officer_assignment');
      await pick(page, 'creditOfficer', 'credit.zhou');
      await screenshot(page, 'task-assignment-desktop');
      await approve(page);
      await context.close();
    }
    await investigate(id, 'task-investigation-desktop');
    await review(id, 'task-review-desktop');

    // 贷审会: one member approves, the next sends the file back to the investigation.
    {
      const { page, context } = await openTask('committee.xu', id, 'committee_vote');
      await approve(page);
      await context.close();
    }
    {
      const { page, context } = await openTask('committee.zhang', id, 'committee_vote');
      await expect(page.getByTestId('votes-cast').textContent()).resolves.toContain('1/3');
      await page.getByTestId('action-send-back').click();
      await page.locator('#action_targetElementId').click();
      await page.locator('.ant-select-item-option', { hasText: '信贷员调查' }).click();
      await page.locator('#action_reason').fill('抵押物评估报告缺失');
      await screenshot(page, 'task-send-back-desktop');
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page.locator('.ant-message-success').first().waitFor();
      await context.close();
    }
    // The investigation is redone, reviewed again.
    await investigate(id, 'task-investigation-again-desktop');
    await review(id, 'task-review-again-desktop');

    // 会签: one rejects, two approve.
    {
      const { page, context } = await openTask('committee.xu', id, 'committee_vote');
      await page.locator('#step_opinion').fill('单一开发商敞口过高');
      await page.getByTestId('action-reject').click();
      await page.locator('.ant-modal-confirm-btns .ant-btn-dangerous').click();
      await page.locator('.ant-message-success').first().waitFor();
      await context.close();
    }
    {
      const { page, context } = await openTask('committee.zhang', id, 'committee_vote');
      await approve(page);
      await context.close();
    }
    {
      const { page, context } = await openTask('committee.he', id, 'committee_vote');
      await expect(page.getByTestId('votes-cast').textContent()).resolves.toContain('2/3');
      // Each member's vote so far, and the running tally: one against, one for.
      await expect(page.getByTestId('running-tally').textContent()).resolves.toContain(
        '同意 1 票，否决 1 票',
      );
      expect((await page.getByTestId('member-vote').allTextContents()).sort()).toEqual(
        ['同意', '否决'].sort(),
      );
      await expect(page.getByTestId('task-history').textContent()).resolves.toContain(
        '抵押物评估报告缺失',
      );
      await screenshot(page, 'task-committee-desktop');
      await approve(page);
      await context.close();
    }
    // 风险评估: the tally of the vote is shown.
    {
      const { page, context } = await openTask('risk.lin', id, 'risk_assessment');
      await expect(page.getByTestId('tally-result').textContent()).resolves.toBe(
        '同意 2 票，否决 1 票，共 3 票',
      );
      await page.locator('#step_formData_riskOpinion').fill('抵押充足，风险可控');
      await screenshot(page, 'task-risk-desktop');
      await approve(page);
      await context.close();
    }
    // 最终审批: the recommendation is the starting point.
    {
      const { page, context, taskId } = await openTask('final.guo', id, 'final_approval');
      await expect(page.locator('#step_formData_approvedAmount').inputValue()).resolves.toBe(
        '1800000.00',
      );
      await screenshot(page, 'task-final-desktop');
      await approve(page);
      await page.goto(`/tasks/${encodeURIComponent(taskId)}`);
      await eventually('the approved status on the page', async () => {
        await page.reload();
        await page.getByTestId('application-status').waitFor();
        const text = await page.getByTestId('application-status').textContent();
        return text === '已批准' ? text : undefined;
      });
      await context.close();
    }
    const application = await call('am.li', 'GET', `/applications/${id}`);
    expect(application.body.status).toBe('approved');
    expect(application.body.approvedAmount).toBe('1800000.00');
  }, 300_000);
});
