import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEFAULT_WEB_DIR } from '@loanflow/gateway';
import type { Browser, Page } from 'playwright-core';
import { bankers } from '../support/bankers';
import { fileDocuments } from '../support/checklists';
import { individual } from '../support/lifecycle';
import { startSystem, type TestSystem } from '../support/system';
import { DEMO_USERS, launchBrowser, openWorkbench } from '../browser/support';
import { f1, hostLine, latencies, positive, progress, runBench, table } from './report';

/**
 * The workbench's budgets (issue 14 §4), measured in Debian's Chromium against a test system's
 * gateway on loopback:
 * - the JavaScript of the initial route (the log-in page, then 我的业务 after it), gzipped;
 * - the first load of 我的业务 with a cold cache (a new browser context each time): from the
 *   navigation to the task table's rows on screen;
 * - a group queue of BENCH_WEB_TASKS (default 10,000) open tasks, paged on the server: from a
 *   click on "next page" to that page's rows on screen.
 */
const WEB_DIST = DEFAULT_WEB_DIR;
const ROWS = '[data-testid=task-table] tbody tr.ant-table-row';

async function main(): Promise<void> {
  const load = loadavg();
  const loads = positive('BENCH_WEB_LOADS', 10, 100);
  const tasks = positive('BENCH_WEB_TASKS', 10_000, 1_000_000);
  const pages = positive('BENCH_WEB_PAGES', 20, 500);
  progress('starting a test system (the gateway serves web/dist)');
  const system = await startSystem({ users: DEMO_USERS, logLevel: 'warn' });
  const browser = await launchBrowser();
  try {
    const queue = await seedQueue(system, tasks);
    const js = await initialJavaScript(browser, system);
    const cold = await coldLoads(browser, system, loads);
    const paging = await pageThrough(browser, system, pages);
    const budget = (ok: boolean) => (ok ? 'within' : 'OVER');
    console.log(`\nworkbench budgets (${hostLine(load)})\n`);
    console.log(
      table(
        ['measure', 'figure', 'budget', ''],
        [
          [
            'initial route JS (log-in page), gzipped',
            `${f1(js.login.gzip / 1024)} KB (${f1(js.login.raw / 1024)} KB raw, ${js.login.files} files)`,
            '≤ 500 KB',
            budget(js.login.gzip <= 500 * 1024),
          ],
          [
            '我的业务 route JS (after log-in), gzipped',
            `${f1(js.tasks.gzip / 1024)} KB (${f1(js.tasks.raw / 1024)} KB raw, ${js.tasks.files} files)`,
            '≤ 500 KB',
            budget(js.tasks.gzip <= 500 * 1024),
          ],
          [
            `first load of 我的业务, cold cache (${loads} loads)`,
            `p50 ${f1(cold.p50)} ms, max ${f1(cold.max)} ms`,
            '≤ 1,500 ms',
            budget(cold.max <= 1500),
          ],
          [
            `a page of the ${queue.toLocaleString('en')}-task queue (${pages} pages: request to rows)`,
            `p50 ${f1(paging.p50)} ms, p99 ${f1(paging.p99)} ms, max ${f1(paging.max)} ms`,
            '≤ 200 ms',
            budget(paging.max <= 200),
          ],
          [
            '  of which the API answered the page',
            `p50 ${f1(paging.answered.p50)} ms, max ${f1(paging.answered.max)} ms`,
            '',
            '',
          ],
        ],
      ),
    );
    console.log(
      '\nJS is what the browser fetched (files of the build), gzipped here at level 9 as a reverse proxy or CDN would serve it; the gateway itself sends it uncompressed with year-long immutable caching.',
    );
  } finally {
    await browser.close();
    await system.stop();
  }
}

/** One real submitted application, its market-routing task cloned into a queue of `n`. */
async function seedQueue(system: TestSystem, n: number): Promise<number> {
  const { call } = bankers(() => system);
  const customer = await call<{ id: string }>(
    'am.li',
    'POST',
    '/customers',
    individual('预算测试', '1985-03-02', '30000.00'),
  );
  const created = await call<{ id: string }>('am.li', 'POST', '/applications', {
    customerId: customer.body.id,
    productCode: 'PERSONAL_CONSUMER',
    amount: '200000.00',
    termMonths: 24,
    repaymentMethod: 'equal_installments',
    purpose: 'Budget bench',
    existingMonthlyDebtPayments: '0.00',
  });
  const applicationId = created.body.id;
  await fileDocuments(system, 'am.li', applicationId, 'market_routing');
  await call('am.li', 'POST', `/applications/${applicationId}/submit`);
  const schema = system.schemas.workflow;
  let task: { id: string } | undefined;
  for (let i = 0; i < 200 && !task; i++) {
    const r = await system.db.query<{ id: string }>(
      `SELECT id FROM ${schema}.tasks WHERE business_key = $1 AND state = 'open'`,
      [applicationId],
    );
    task = r.rows[0];
    if (!task) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (!task) throw new Error('the application made no task');
  progress(`cloning task ${task.id} into a queue of ${n}`);
  // Each clone differs in id, amount, customer and time, as a real queue would.
  await system.db.query(
    `INSERT INTO ${schema}.tasks
     SELECT (jsonb_populate_record(t, jsonb_build_object(
       'id', t.id || '-' || g,
       'amount', 10000 + (g * 7919) % 4990000,
       'customer_name', '客户' || g,
       'created_at', t.created_at - make_interval(mins => g)))).*
     FROM ${schema}.tasks t, generate_series(1, $2::int) g WHERE t.id = $1`,
    [task.id, n - 1],
  );
  if (process.env.BENCH_WEB_EXPLAIN) {
    await system.db.query(`ANALYZE ${schema}.tasks`);
    const plan = await system.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ANALYZE SELECT * FROM ${schema}.tasks WHERE assignee IS NULL
         AND (candidate_groups && $1::text[] OR $2 = ANY(candidate_users))
         AND (branch_id IS NULL OR branch_id = ANY($3)) AND state = 'open'
         AND (created_at, id) > ($4::timestamptz, $5) ORDER BY created_at, id LIMIT 21`,
      [['market_specialist'], 'x', ['SH001'], '2000-01-01T00:00:00Z', ''],
    );
    progress(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
  }
  const count = await system.db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${schema}.tasks WHERE state = 'open'`,
  );
  return Number(count.rows[0]!.n);
}

function jsSize(urls: string[]): { raw: number; gzip: number; files: number } {
  let raw = 0;
  let gzip = 0;
  const names = new Set(readdirSync(join(WEB_DIST, 'assets')));
  const files = [...new Set(urls.map((u) => new URL(u).pathname))].filter((p) =>
    names.has(p.replace('/assets/', '')),
  );
  for (const p of files) {
    const bytes = readFileSync(join(WEB_DIST, p));
    raw += bytes.length;
    gzip += gzipSync(bytes, { level: 9 }).length;
  }
  return { raw, gzip, files: files.length };
}

async function initialJavaScript(browser: Browser, system: TestSystem) {
  const { page, context } = await openWorkbench(browser, system.baseUrl);
  const seen: string[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') seen.push(r.url());
  });
  // The log-in page, which then goes on to the group's queue of 我的业务.
  await page.goto(`/login?next=${encodeURIComponent('/tasks?scope=group')}`);
  await page.locator('#username').waitFor();
  const login = jsSize(seen);
  await page.locator('#username').fill('market.wang');
  await page.locator('#password').fill('correct horse battery staple');
  await page.locator('form button[type=submit]').click();
  await page.locator(ROWS).first().waitFor();
  const tasks = jsSize(seen);
  await context.close();
  return { login, tasks };
}

/** A token for the session the workbench keeps in sessionStorage. */
async function sessionScript(system: TestSystem, username: string): Promise<string> {
  const res = await fetch(`${system.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'correct horse battery staple' }),
  });
  const body = (await res.json()) as { accessToken: string; expiresIn: number; user: unknown };
  const stored = JSON.stringify({
    token: body.accessToken,
    expiresAt: Date.now() + body.expiresIn * 1000,
    user: body.user,
  });
  return `sessionStorage.setItem('loanflow.session', ${JSON.stringify(stored)})`;
}

async function coldLoads(browser: Browser, system: TestSystem, n: number) {
  const script = await sessionScript(system, 'market.wang');
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const { page, context } = await openWorkbench(browser, system.baseUrl);
    await context.addInitScript(script);
    const started = performance.now();
    await page.goto('/tasks?scope=group');
    await page.locator(ROWS).first().waitFor();
    samples.push(performance.now() - started);
    await context.close();
  }
  return latencies(samples);
}

async function firstRowKey(page: Page): Promise<string | null> {
  return page.locator(ROWS).first().getAttribute('data-row-key');
}

/**
 * Watches, in the page, for the table's first row to change, and notes when (the page's clock).
 * Measured in the browser: Playwright's own click (scrolling, actionability checks) is not the
 * page's time.
 */
const WATCH_ROWS = `(() => {
  const rows = '${ROWS}';
  const key = () => document.querySelector(rows)?.getAttribute('data-row-key');
  const before = key();
  window.__lfRowsAt = undefined;
  const table = document.querySelector('[data-testid=task-table]');
  new MutationObserver((_m, o) => {
    const now = key();
    if (now && now !== before) { window.__lfRowsAt = performance.now(); o.disconnect(); }
  }).observe(table, { subtree: true, childList: true, attributes: true });
})()`;

/** The last /api/v1/tasks request's start and end, and when its rows were on the page. */
const TIMES = `(() => {
  const calls = performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname === '/api/v1/tasks');
  const last = calls[calls.length - 1];
  return window.__lfRowsAt === undefined || !last ? null
    : { start: last.startTime, answered: last.responseEnd, rows: window.__lfRowsAt };
})()`;

async function pageThrough(browser: Browser, system: TestSystem, n: number) {
  const { page, context } = await openWorkbench(browser, system.baseUrl);
  await context.addInitScript(await sessionScript(system, 'market.wang'));
  await page.goto('/tasks?scope=group');
  await page.locator(ROWS).first().waitFor();
  const samples: number[] = [];
  const answered: number[] = [];
  for (let i = 0; i < n; i++) {
    const before = await firstRowKey(page);
    await page.evaluate(WATCH_ROWS);
    await page.getByTestId('tasks-next').click();
    let times: { start: number; answered: number; rows: number } | null = null;
    while (!times) times = await page.evaluate(TIMES);
    if ((await firstRowKey(page)) === before) throw new Error('the page did not change');
    // From the request (the click's effect) to the new rows in the document.
    samples.push(times.rows - times.start);
    answered.push(times.answered - times.start);
  }
  await context.close();
  return { ...latencies(samples), answered: latencies(answered) };
}

runBench(main);
