import type { Browser } from 'playwright-core';
import { bankers } from '../support/bankers';
import { fileDocuments } from '../support/checklists';
import { mobile, residentId } from '../support/identities';
import { api, startSystem, type TestSystem } from '../support/system';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

interface Task {
  id: string;
  step: string;
  elementId: string;
  businessKey: string;
}
interface Definition {
  id: string;
  version: number;
}

/**
 * 流程设计 in a real browser: the administrator opens the deployed credit process in bpmn-js,
 * drags a new task from the palette onto the first flow (bpmn-js splits the flow and reconnects
 * it), makes it a user task through the context pad, names its candidate group in the properties
 * panel and its step code and due days in the approval-step form, deploys it as version 2; a new
 * application then runs on version 2 and waits at the new step.
 */
describe('workbench: process designer', () => {
  let system: TestSystem;
  let browser: Browser;
  const { call, eventually } = bankers(() => system);

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('adds a step by drag and drop, deploys it, and new applications reach it', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'admin');
    await page.goto('/admin/process');
    await expect(page.locator('h1').first().textContent()).resolves.toBe('流程设计');
    const flow = page.locator('.djs-connection[data-element-id="Flow_Submitted_MarketRouting"]');
    await flow.waitFor({ state: 'attached' });
    await page.getByTestId('versions').getByText('v1').waitFor();

    // Drag the palette's task onto the flow from the start event to the market routing.
    const paletteTask = page.locator('.djs-palette .entry[data-action="create.task"]');
    const from = (await paletteTask.boundingBox())!;
    const to = (await flow.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
    await page.mouse.move(to.x + to.width / 2 + 1, to.y + to.height / 2, { steps: 2 });
    await page.mouse.up();
    const added = page.locator('.djs-shape[data-element-id^="Activity_"]');
    await added.waitFor();
    const newId = (await added.getAttribute('data-element-id'))!;

    // A user task, through the context pad's replace menu.
    await page.locator('.djs-context-pad .entry[data-action="replace"]').click();
    await page.locator('.djs-popup [data-id="replace-with-user-task"]').click();
    await page.locator('.bio-properties-panel-header-type', { hasText: /user task/i }).waitFor();

    // Name and candidate group in the properties panel.
    const openGroup = async (id: string) => {
      const group = page.locator(`[data-group-id="group-${id}"]`);
      if (!(await group.locator('.bio-properties-panel-group-entries.open').count()))
        await group.locator('.bio-properties-panel-group-header').click();
    };
    await openGroup('general');
    const name = page.locator('#bio-properties-panel-name');
    await name.fill('Compliance check (合规审查)');
    await name.press('Tab');
    await openGroup('assignmentDefinition');
    const groups = page.locator('#bio-properties-panel-assignmentDefinitionCandidateGroups');
    await groups.fill('market_specialist');
    await groups.press('Tab');
    // Step code and due days in the approval-step form.
    await page.locator('#loanflow_stepCode').fill('compliance_check');
    await page.locator('#loanflow_dueDays').fill('2');
    await page.locator('#loanflow_dueDays').press('Tab');

    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'designer-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    await page.getByTestId('deploy').click();
    await page.getByTestId('versions').getByText('v2').waitFor();
    expect(complaints).toEqual([]);
    await context.close();

    // Version 2 has the new step, as drawn.
    const list = await call<{ items: Definition[] }>(
      'admin',
      'GET',
      '/process-definitions?key=Process_CreditApproval',
    );
    const v2 = list.body.items.find((d) => d.version === 2)!;
    const download = await api<string>(
      system.baseUrl,
      'GET',
      `/api/v1/process-definitions/${v2.id}?format=xml`,
      { token: await system.login('admin') },
    );
    const xml = download.body;
    expect(xml).toMatch(
      new RegExp(`<bpmn:userTask id="${newId}" name="Compliance check \\(合规审查\\)"[^>]*>`),
    );
    expect(xml).toContain('loanflow:stepCode="compliance_check"');
    expect(xml).toContain('loanflow:dueInWorkingDays="2"');
    expect(xml).toContain('candidateGroups="market_specialist"');

    // A new application runs on version 2 and waits at the new step.
    const customer = await call('am.li', 'POST', '/customers', {
      type: 'individual',
      name: '王芳',
      individual: {
        residentId: residentId('1985-03-12', 'female'),
        mobile: mobile(),
        occupation: 'Teacher',
        employer: '复旦大学',
        monthlyIncome: '30000.00',
      },
    });
    expect(customer.status).toBe(201);
    const created = await call('am.li', 'POST', '/applications', {
      customerId: customer.body.id,
      productCode: 'MORTGAGE',
      amount: '800000.00',
      termMonths: 240,
      repaymentMethod: 'equal_installments',
      purpose: 'Purchase of a first home',
      existingMonthlyDebtPayments: '0.00',
    });
    expect(created.status).toBe(201);
    const applicationId = created.body.id as string;
    await fileDocuments(system, 'am.li', applicationId);
    expect((await call('am.li', 'POST', `/applications/${applicationId}/submit`)).status).toBe(200);
    const instance = await eventually('the process instance', async () => {
      const res = await call<{ definitionVersion: number }>(
        'am.li',
        'GET',
        `/applications/${applicationId}/process`,
      );
      return res.status === 200 ? res.body : undefined;
    });
    expect(instance.definitionVersion).toBe(2);
    const task = await eventually('the compliance check task', async () => {
      const res = await call<{ items: Task[] }>(
        'market.wang',
        'GET',
        '/tasks?scope=group&step=compliance_check&pageSize=100',
      );
      return res.body.items.find((t) => t.businessKey === applicationId);
    });
    expect(task.elementId).toBe(newId);

    // The version list counts the instances running on each version.
    const again = await openWorkbench(browser, system.baseUrl);
    await logIn(again.page, 'admin');
    await again.page.goto('/admin/process');
    const v2Row = again.page.getByTestId('versions').locator('tr', { hasText: 'v2' });
    await expect(v2Row.getByTestId('running').textContent()).resolves.toBe('1');
    expect(again.complaints).toEqual([]);
    await again.context.close();
  });
});
