import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { HEAD_OFFICE } from '@loanflow/platform';
import { startSystem, type TestSystem } from '../support/system';
import { f1, hostLine, latencies, positive, progress, runBench, table } from './report';

/**
 * The management reports over a large book (issue 12 §6). Prints figures; asserts nothing.
 *
 * A fresh reporting schema is filled with SQL generate_series: BENCH_RQ_LOANS loans in
 * loan_days at the as-of date and at the previous month end, portfolio_days and tier_migrations
 * aggregated from them, as many decided applications over twelve months with their
 * decision_histogram, one ended task each (four steps) and some open ones, and their monthly
 * aggregates (task_step_months, officer_months, application_months). Then, through the gateway
 * (HTTP JSON → gRPC → SQL), BENCH_RQ_RUNS runs of the portfolio report and of the
 * approval-efficiency report over twelve months that do not start on the 1st (so both the
 * histogram and the partial edges are read): p50/p95 (target p95 ≤ 500 ms). Last, an XLSX export
 * of the loans of one branch (a tenth of the book: 100,000 rows for a million) through the
 * gateway, timed, with the peak RSS of this process, which holds the gateway and the service
 * (target ≤ 200 MB).
 *
 *   BENCH_RQ_LOANS=1000000  BENCH_RQ_RUNS=50
 */
const LOANS = positive('BENCH_RQ_LOANS', 1_000_000, 10_000_000);
const RUNS = positive('BENCH_RQ_RUNS', 50, 10_000);
const BRANCHES = 10;
const AS_OF = '2026-02-27';
const PREVIOUS_MONTH_END = '2026-01-31';
const NOW = new Date('2026-03-02T10:00:00+08:00');

async function main() {
  const load = loadavg();
  const system = await startSystem({
    users: [{ username: 'risk.hq', roles: ['risk_manager'], branchId: HEAD_OFFICE }],
    reportingNow: () => NOW,
    logLevel: 'silent',
  });
  try {
    const token = await system.login('risk.hq');
    let t = performance.now();
    await buildBook(system);
    const buildSeconds = (performance.now() - t) / 1000;

    const timeReport = async (path: string) => {
      const samples: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = performance.now();
        const res = await fetch(`${system.baseUrl}/api/v1${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        samples.push(performance.now() - start);
      }
      return latencies(samples);
    };
    progress('timing the portfolio report');
    const portfolio = await timeReport('/reports/portfolio');
    progress('timing the approval-efficiency report');
    const efficiency = await timeReport(
      '/reports/approval-efficiency?from=2025-03-15&to=2026-02-27',
    );
    progress('timing the pipeline report');
    const pipeline = await timeReport('/reports/pipeline?from=2025-03-15&to=2026-02-27');

    progress('XLSX export of one branch');
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    t = performance.now();
    const res = await fetch(
      `${system.baseUrl}/api/v1/reports/portfolio?format=xlsx&table=loans&branchId=BR01`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    let bytes = 0;
    for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
    const exportSeconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    const rows = Math.ceil(LOANS / BRANCHES);

    const mb = (b: number) => f1(b / 2 ** 20);
    console.log(hostLine(load));
    console.log(
      `\nReports over ${LOANS.toLocaleString('en')} loans and as many decided applications ` +
        `(book built in ${f1(buildSeconds)} s), ${RUNS} runs each through the gateway:`,
    );
    console.log(
      table(
        ['report', 'p50 ms', 'p95 ms', 'max ms', 'target p95'],
        [
          ['portfolio', f1(portfolio.p50), f1(portfolio.p95), f1(portfolio.max), '≤ 500'],
          [
            'approval-efficiency',
            f1(efficiency.p50),
            f1(efficiency.p95),
            f1(efficiency.max),
            '≤ 500',
          ],
          ['pipeline', f1(pipeline.p50), f1(pipeline.p95), f1(pipeline.max), '-'],
        ],
      ),
    );
    console.log(
      `\nXLSX export of ${rows.toLocaleString('en')} loans: HTTP ${res.status}, ` +
        `${mb(bytes)} MB in ${f1(exportSeconds)} s (${Math.round(rows / exportSeconds)} rows/s); ` +
        `RSS ${mb(rssBefore)} MB before, peak ${mb(peak)} MB (target ≤ 200 MB)`,
    );
  } finally {
    await system.stop();
  }
}

/** The book, built in the reporting schema with SQL alone. */
async function buildBook(system: TestSystem): Promise<void> {
  const s = system.schemas.reporting;
  const q = (sql: string) => system.db.query(sql);
  progress(`building ${LOANS} loans at two dates`);
  await q(
    `INSERT INTO ${s}.branches (code, parent_code, name)
     SELECT 'BR' || lpad(b::text, 2, '0'), 'HQ', '分行' || b FROM generate_series(1, ${BRANCHES}) b
     ON CONFLICT DO NOTHING`,
  );
  await q(
    `INSERT INTO ${s}.business_days (business_date, loans_accrued, normal_interest,
       penalty_interest, compound_interest, closed_at)
     VALUES ('${PREVIOUS_MONTH_END}', ${LOANS}, 0, 0, 0, now()), ('${AS_OF}', ${LOANS}, 0, 0, 0, now())`,
  );
  // Tiers by days past due: most loans current, a tail in every bucket.
  for (const [date, shift] of [
    [PREVIOUS_MONTH_END, 0],
    [AS_OF, 7],
  ] as const) {
    await q(
      `INSERT INTO ${s}.loan_days (business_date, loan_id, loan_number, branch_id, product_code,
         classification, days_past_due, outstanding_principal, overdue_principal, due_interest,
         overdue_interest, accrued_interest, penalty_interest, compound_interest,
         accrued_today_normal, accrued_today_penalty, accrued_today_compound, maturity_date,
         annual_rate_percent)
       SELECT '${date}', md5('loan' || i)::uuid, 'LN' || lpad(i::text, 8, '0'),
              'BR' || lpad((i % ${BRANCHES} + 1)::text, 2, '0'),
              (ARRAY['PERSONAL_CONSUMER', 'BUSINESS_LOAN', 'MORTGAGE'])[i % 3 + 1],
              CASE WHEN dpd = 0 THEN 'normal' WHEN dpd <= 90 THEN 'special_mention'
                   WHEN dpd <= 180 THEN 'substandard' WHEN dpd <= 360 THEN 'doubtful' ELSE 'loss' END,
              dpd, (10000 + (i::bigint * 7919) % 990000)::numeric(20, 2) + 0.37,
              CASE WHEN dpd > 0 THEN 1234.56 ELSE 0 END, 0, 0, 12.34, 0, 0, 1.23, 0, 0,
              '2028-06-30', 3.65
         FROM generate_series(1, ${LOANS}) i,
              LATERAL (SELECT CASE WHEN (i + ${shift}) % 20 <> 0 THEN 0
                                   ELSE ((i + ${shift}) * 37) % 500 END AS dpd) d`,
    );
  }
  progress('aggregating portfolio_days and tier_migrations');
  await q(
    `INSERT INTO ${s}.portfolio_days
     SELECT business_date, branch_id, product_code, classification,
            CASE WHEN days_past_due = 0 THEN 0 WHEN days_past_due <= 30 THEN 1
                 WHEN days_past_due <= 60 THEN 2 WHEN days_past_due <= 90 THEN 3
                 WHEN days_past_due <= 180 THEN 4 WHEN days_past_due <= 360 THEN 5 ELSE 6 END,
            count(*), sum(outstanding_principal), sum(overdue_principal), sum(overdue_interest),
            sum(accrued_interest), sum(accrued_today_normal)
       FROM ${s}.loan_days GROUP BY 1, 2, 3, 4, 5`,
  );
  await q(
    `INSERT INTO ${s}.tier_migrations
     SELECT '2026-02-01', b.branch_id, b.product_code, a.classification, b.classification,
            count(*), sum(b.outstanding_principal)
       FROM ${s}.loan_days a JOIN ${s}.loan_days b USING (loan_id)
      WHERE a.business_date = '${PREVIOUS_MONTH_END}' AND b.business_date = '${AS_OF}'
      GROUP BY 2, 3, 4, 5`,
  );
  progress(`building ${LOANS} decided applications and their tasks`);
  // As for the tasks below: the bulk insert without the row triggers, application_months after.
  await q(
    `SET session_replication_role = replica;
     INSERT INTO ${s}.applications (application_id, branch_id, product_code, amount, status,
       created_at, submitted_at, decision, decided_at, decision_working_days, approved_amount,
       send_backs, decline_source, decline_step)
     SELECT md5('app' || i)::uuid, 'BR' || lpad((i % ${BRANCHES} + 1)::text, 2, '0'),
            (ARRAY['PERSONAL_CONSUMER', 'BUSINESS_LOAN', 'MORTGAGE'])[i % 3 + 1],
            (50000 + (i * 31) % 450000)::numeric(20, 2),
            CASE WHEN i % 5 = 0 THEN 'rejected' ELSE 'approved' END,
            at - interval '10 days', at - interval '9 days',
            CASE WHEN i % 5 = 0 THEN 'rejected' ELSE 'approved' END, at,
            round((0.25 + (i * 13 % 4700) / 400.0)::numeric, 4),
            CASE WHEN i % 5 = 0 THEN NULL ELSE (50000 + (i * 31) % 450000)::numeric(20, 2) END,
            i % 7 / 6, CASE WHEN i % 5 = 0 THEN 'approval' END,
            CASE WHEN i % 5 = 0 THEN 'credit_review' END
       FROM generate_series(1, ${LOANS}) i,
            LATERAL (SELECT timestamptz '2025-03-01 09:00+08' + (i % 363) * interval '1 day'
                            + (i % 480) * interval '1 minute' AS at) d;
     RESET session_replication_role`,
  );
  await q(
    `INSERT INTO ${s}.application_months
     SELECT c.month, c.branch_id, c.product_code, c.measure, c.key, count(*), sum(c.amount)
       FROM ${s}.applications a CROSS JOIN LATERAL ${s}.application_contributions(a) c
      GROUP BY 1, 2, 3, 4, 5`,
  );
  await q(
    `INSERT INTO ${s}.decision_histogram
     SELECT date_trunc('month', decided_at AT TIME ZONE 'Asia/Shanghai')::date, branch_id,
            product_code, decision, least(400, ceil(decision_working_days * 4))::int, count(*)
       FROM ${s}.applications WHERE decided_at IS NOT NULL GROUP BY 1, 2, 3, 4, 5`,
  );
  // The triggers that keep task_step_months and officer_months would take a row at a time:
  // the bulk insert goes without them and the aggregates are filled after it, set-based.
  await q(
    `SET session_replication_role = replica;
     INSERT INTO ${s}.tasks (task_id, application_id, step, branch_id, product_code, state,
       assignee, created_at, due_at, ended_at, ended_by, working_days, sent_back)
     SELECT 't' || i, md5('app' || i)::uuid,
            (ARRAY['market_review', 'credit_review', 'committee', 'final_approval'])[i % 4 + 1],
            'BR' || lpad((i % ${BRANCHES} + 1)::text, 2, '0'),
            (ARRAY['PERSONAL_CONSUMER', 'BUSINESS_LOAN', 'MORTGAGE'])[i % 3 + 1],
            CASE WHEN i % 50 = 0 THEN 'open' WHEN i % 17 = 0 THEN 'sent_back' ELSE 'completed' END,
            'officer' || (i % 300), at - interval '2 days', at + interval '1 day',
            CASE WHEN i % 50 = 0 THEN NULL ELSE at END,
            CASE WHEN i % 50 = 0 THEN NULL ELSE 'officer' || (i % 300) END,
            CASE WHEN i % 50 = 0 THEN NULL ELSE round((i * 17 % 1000) / 200.0, 4) END,
            i % 17 = 0
       FROM generate_series(1, ${LOANS}) i,
            LATERAL (SELECT timestamptz '2025-03-01 09:00+08' + (i % 363) * interval '1 day' AS at) d;
     RESET session_replication_role`,
  );
  progress('aggregating task_step_months and officer_months');
  await q(
    `INSERT INTO ${s}.task_step_months
     SELECT date_trunc('month', ended_at AT TIME ZONE 'Asia/Shanghai')::date, branch_id,
            product_code, step, coalesce(least(400, greatest(0, ceil(working_days * 4)))::int, -1),
            count(*), count(*) FILTER (WHERE sent_back OR state = 'sent_back')
       FROM ${s}.tasks WHERE state IN ('completed', 'sent_back') AND ended_at IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5`,
  );
  await q(
    `INSERT INTO ${s}.officer_months
     SELECT date_trunc('month', ended_at AT TIME ZONE 'Asia/Shanghai')::date, branch_id,
            product_code, ended_by, count(*), count(working_days), coalesce(sum(working_days), 0)
       FROM ${s}.tasks
      WHERE state IN ('completed', 'sent_back') AND ended_at IS NOT NULL AND ended_by IS NOT NULL
      GROUP BY 1, 2, 3, 4`,
  );
  progress('ANALYZE');
  await q(`ANALYZE ${s}.loan_days, ${s}.portfolio_days, ${s}.applications, ${s}.tasks,
             ${s}.decision_histogram, ${s}.tier_migrations, ${s}.task_step_months,
             ${s}.officer_months, ${s}.application_months`);
}

runBench(main);
