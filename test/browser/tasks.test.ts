import type { Browser } from 'playwright-core';
import { bankers, eventually } from '../support/bankers';
import { startSystem, type TestSystem } from '../support/system';
import { createSubmittedApplication, taskOf } from './flows/application';
import {
  accessibilityViolations,
  DEMO_USERS,
  launchBrowser,
  logIn,
  openWorkbench,
  screenshot,
} from './support';

/**
 * 我的业务 in a real browser: the group's queue paged on the server, counts per step as filters,
 * filters kept in the URL, claim; and a task approved by touch on a 390×844 phone.
 */
describe('workbench: 我的业务 and the phone approval', () => {
  let system: TestSystem;
  let browser: Browser;
  const { call } = bankers(() => system);
  const ids: string[] = [];
  let urged = '';

  beforeAll(async () => {
    system = await startSystem({ users: DEMO_USERS });
    browser = await launchBrowser();
    for (let i = 0; i < 12; i += 1)
      ids.push(
        await createSubmittedApplication(system, {
          draft: { amount: `${300000 + i * 100000}.00`, productCode: 'MORTGAGE' },
        }),
      );
    await eventually('every routing task', async () => {
      const res = await call<{ items: unknown[] }>(
        'market.wang',
        'GET',
        '/tasks?scope=group&step=market_routing&pageSize=100',
      );
      return res.body.items.length >= 12 ? true : undefined;
    });
    // 催办: the account manager urges the first application's routing twice.
    const { task } = await taskOf(system, 'market.wang', ids[0]!, 'market_routing');
    for (const reason of ['客户急需用款', '请今天处理'])
      expect((await call('am.li', 'POST', `/tasks/${task.id}:urge`, { reason })).status).toBe(200);
    urged = task.id;
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('pages the queue on the server, filters by counts and amount, keeps filters in the URL, claims', async () => {
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl);
    await logIn(page, 'market.wang');
    await page.goto('/tasks?scope=group&size=10');
    const rows = page.locator('[data-testid="task-table"] tbody tr[data-row-key]');
    await eventually('a full first page', async () =>
      (await rows.count()) === 10 ? true : undefined,
    );
    const first = await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-row-key')));
    await page.getByTestId('tasks-next').click();
    await eventually('the second page', async () =>
      (await rows.count()) === 2 ? true : undefined,
    );
    const second = await rows.evaluateAll((r) => r.map((e) => e.getAttribute('data-row-key')));
    // The urged task carries its badge with the count, on whichever page it is; no other does.
    const badges = page.locator('[data-testid="task-table"] [data-testid="urged-badge"]');
    const urgedRow = page.locator(`[data-testid="task-table"] tbody tr[data-row-key="${urged}"]`);
    expect([...first, ...second]).toContain(urged);
    const checkBadges = async (keys: (string | null)[]) => {
      expect(await badges.count()).toBe(keys.includes(urged) ? 1 : 0);
      if (keys.includes(urged))
        await expect(urgedRow.getByTestId('urged-badge').textContent()).resolves.toBe('催办 ×2');
    };
    await checkBadges(second);
    expect(second.filter((k) => first.includes(k))).toEqual([]);
    expect(page.url()).toContain('page=');
    await page.getByTestId('tasks-prev').click();
    await eventually('back on the first page', async () =>
      (await rows.count()) === 10 ? true : undefined,
    );
    await checkBadges(first);
    await screenshot(page, 'tasks-desktop');
    expect(await accessibilityViolations(page)).toEqual([]);

    // The count chip of the routing step says 12 and filters by it.
    const chip = page.locator('[data-testid="step-counts"] [data-step="market_routing"]');
    await expect(chip.textContent()).resolves.toContain('12');
    await chip.click();
    await page.waitForURL(/step=market_routing/);

    // The amount range: 1,000,000 .. 1,200,000 → three applications; a reload keeps it.
    await page.getByLabel('最低金额').fill('1000000');
    await page.getByLabel('最低金额').press('Enter');
    await page.getByLabel('最高金额').fill('1200000');
    await page.getByLabel('最高金额').press('Enter');
    await eventually('the range in the URL', async () =>
      /min=1000000\.00/.test(page.url()) && /max=1200000\.00/.test(page.url()) ? true : undefined,
    );
    await eventually('three in range', async () => ((await rows.count()) === 3 ? true : undefined));
    await page.reload();
    await eventually('three in range after a reload', async () =>
      (await rows.count()) === 3 ? true : undefined,
    );

    // Claim one: it leaves the group's queue and opens, mine now.
    const key = await rows.first().getAttribute('data-row-key');
    await rows
      .first()
      .getByRole('button', { name: /签\s?收/ })
      .click();
    await page.waitForURL(/\/tasks\/.+/);
    await page.getByTestId('action-approve').waitFor();
    const mine = await call<{ items: { id: string }[] }>(
      'market.wang',
      'GET',
      '/tasks?scope=mine&pageSize=100',
    );
    expect(mine.body.items.map((t) => t.id)).toContain(key);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(complaints).toEqual([]);
    await context.close();
  }, 120_000);

  it('approves a task by touch on a phone', async () => {
    const id = ids[0]!;
    const { task } = await taskOf(system, 'market.wang', id, 'market_routing');
    const { page, context, complaints } = await openWorkbench(browser, system.baseUrl, {
      phone: true,
    });
    await logIn(page, 'market.wang');
    await page.goto('/tasks?scope=group&step=market_routing');
    const card = page.locator(`[data-testid="task-table"] [data-row-key="${task.id}"]`);
    await card.waitFor();
    await screenshot(page, 'tasks-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await card.locator('.ant-card-head').tap();
    await page.waitForURL(/\/tasks\/.+/);
    await page.getByTestId('application-status').waitFor();
    await page.getByTestId('task-documents').getByText('身份证正面').first().waitFor();
    const approve = page.getByTestId('action-approve');
    const box = await approve.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await screenshot(page, 'task-phone');
    expect(await accessibilityViolations(page)).toEqual([]);
    await approve.tap();
    await page.locator('.ant-message-success').first().waitFor();
    await page.waitForURL((u) => u.pathname === '/tasks');
    const process = await call<{ activeElementIds: string[] }>(
      'am.li',
      'GET',
      `/applications/${id}/process`,
    );
    expect(process.body.activeElementIds).toEqual(['Task_AssignPersonal']);
    expect(complaints).toEqual([]);
    await context.close();
  }, 120_000);
});
