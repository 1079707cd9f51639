// The management reports over read-model rows with known figures: every count, amount (to the
// fen), 万元, ratio and percentile checked, through the service's gRPC interface.
import { randomUUID } from 'node:crypto';
import type { reportingV1 } from '@loanflow/proto';
import { insert, rowsOf, staff, startReports, type ReportsHarness } from './reports-fixture';

const NOW = '2026-03-12T10:00:00+08:00'; // a Thursday: the week began on Monday 2026-03-09
const hq = staff('risk.hq', ['risk_manager'], 'HQ', 'all');
const creditSh = staff('credit.sh', ['credit_officer'], 'SH001', ['SH001', 'SH001-01']);
const riskSh = staff('risk.sh', ['risk_manager'], 'SH001', ['SH001', 'SH001-01']);

let h: ReportsHarness;
const P = 'PERSONAL_CONSUMER';
const B = 'BUSINESS_LOAN';

beforeAll(async () => {
  h = await startReports(NOW, { REPORT_MAX_RANGE_DAYS: '400' });
  await insert(h.db, 'branches', [
    { code: 'SH001', parent_code: 'HQ', name: '上海分行' },
    { code: 'SH001-01', parent_code: 'SH001', name: '浦东支行' },
    { code: 'BJ001', parent_code: 'HQ', name: '北京分行' },
  ]);
  await efficiencyFixture();
  await pipelineFixture();
  await portfolioFixture();
  await postLoanFixture();
}, 60_000);
afterAll(() => h?.close());

const app = (row: Record<string, unknown>) => ({
  application_id: randomUUID(),
  product_code: P,
  created_at: '2025-12-01T09:00:00+08:00',
  submitted_at: '2025-12-02T09:00:00+08:00',
  ...row,
});

async function efficiencyFixture() {
  const hist = (
    month: string,
    branch: string,
    product: string,
    decision: string,
    bucket: number,
    n: number,
  ) => ({
    month,
    branch_id: branch,
    product_code: product,
    decision,
    bucket,
    applications: n,
  });
  await insert(h.db, 'decision_histogram', [
    hist('2026-02-01', 'SH001', P, 'approved', 8, 3),
    hist('2026-02-01', 'SH001', P, 'rejected', 20, 1),
    hist('2026-02-01', 'BJ001', B, 'approved', 12, 2),
    hist('2026-02-01', 'SH001-01', P, 'approved', 40, 1),
    hist('2026-02-01', 'SH001', P, 'terminated', 4, 9),
    // A partial month at the range's edge: read from the applications, never from here.
    hist('2026-01-01', 'SH001', P, 'approved', 4, 100),
  ]);
  const decided = (branch: string, decision: string, at: string, days: string) =>
    app({
      branch_id: branch,
      status: decision,
      decision,
      decided_at: at,
      decision_working_days: days,
      amount: '1000.00',
    });
  await insert(h.db, 'applications', [
    decided('SH001', 'approved', '2026-01-20T10:00:00+08:00', '2.5'),
    decided('BJ001', 'rejected', '2026-03-05T10:00:00+08:00', '6.0'),
    decided('SH001', 'approved', '2026-03-10T23:30:00+08:00', '3.0'),
    // Outside the range: the day before it starts, and ten minutes after it ends (bank time).
    decided('SH001', 'approved', '2026-01-14T23:59:00+08:00', '1'),
    decided('SH001', 'approved', '2026-03-11T00:10:00+08:00', '1'),
  ]);
  const task = (row: Record<string, unknown>) => ({
    task_id: randomUUID(),
    branch_id: 'SH001',
    product_code: P,
    step: 'credit_review',
    ...row,
  });
  await insert(h.db, 'tasks', [
    task({
      state: 'completed',
      ended_at: '2026-02-10T10:00:00+08:00',
      ended_by: 'credit.sh',
      working_days: '1',
    }),
    task({
      state: 'completed',
      ended_at: '2026-02-11T10:00:00+08:00',
      ended_by: 'credit.sh',
      working_days: '2',
    }),
    task({
      state: 'completed',
      ended_at: '2026-03-09T09:00:00+08:00',
      ended_by: 'credit.sh',
      working_days: '3',
    }),
    task({
      state: 'sent_back',
      sent_back: true,
      ended_at: '2026-02-12T10:00:00+08:00',
      ended_by: 'credit.sh',
      working_days: '0.5',
    }),
    task({
      state: 'completed',
      ended_at: '2026-01-05T10:00:00+08:00',
      ended_by: 'credit.sh',
      working_days: '9',
    }),
    task({ state: 'open', assignee: 'credit.sh', due_at: '2026-03-11T18:00:00+08:00' }),
    task({ state: 'open', assignee: 'credit.sh', due_at: '2026-03-20T18:00:00+08:00' }),
    task({
      step: 'final_approval',
      branch_id: 'HQ',
      state: 'completed',
      ended_at: '2026-03-10T15:00:00+08:00',
      ended_by: 'final.hq',
      working_days: '4.25',
    }),
  ]);
}

const EFFICIENCY = {
  branchId: '',
  productCode: '',
  from: '2026-01-15',
  to: '2026-03-10',
  asOf: '',
};

describe('approval efficiency', () => {
  const get = async (who = hq, filter: Partial<reportingV1.ReportFilter> = {}) =>
    (
      await h.client.getReport(
        {
          report: 'approval-efficiency',
          filter: { ...EFFICIENCY, ...filter } as reportingV1.ReportFilter,
        },
        h.as(who),
      )
    ).report!;

  it('takes the whole months from the histogram and the edges from the applications', async () => {
    const r = await get();
    expect(r).toMatchObject({ report: 'approval-efficiency', asOf: '2026-03-10', scope: ['*'] });
    expect(rowsOf(r, 'summary')).toEqual([
      ['10', '8', '2', '3.00', '6.00', '7', '0.7000', '0.9000'],
    ]);
    expect(rowsOf(r, 'monthly')).toEqual([
      ['2026-01', '1', '1', '0', '2.50', '2.50', '1', '1.0000', '1.0000'],
      ['2026-02', '7', '6', '1', '3.00', '10.00', '5', '0.7143', '0.8571'],
      ['2026-03', '2', '1', '1', '3.00', '6.00', '1', '0.5000', '1.0000'],
    ]);
    expect(r.tables.find((t) => t.name === 'applications')).toMatchObject({
      exportOnly: true,
      rows: [],
    });
    expect(r.tables.find((t) => t.name === 'summary')!.columns[3]).toMatchObject({
      key: 'p50_days',
      type: 'days',
      labelEn: expect.stringMatching(/quarter-day/),
    });
  });

  it('shows branch staff their subtree, and a branch of it with its sub-branches', async () => {
    const r = await get(creditSh);
    expect(r.scope).toEqual(['SH001', 'SH001-01']);
    expect(rowsOf(r, 'summary')).toEqual([
      ['7', '6', '1', '2.50', '10.00', '5', '0.7143', '0.8571'],
    ]);
    const sub = await get(hq, { branchId: 'SH001-01' });
    expect(sub.scope).toEqual(['SH001-01']);
    expect(rowsOf(sub, 'summary')).toEqual([
      ['1', '1', '0', '10.00', '10.00', '0', '0.0000', '0.0000'],
    ]);
    expect(rowsOf(await get(hq, { productCode: B }), 'summary')).toEqual([
      ['2', '2', '0', '3.00', '3.00', '2', '1.0000', '1.0000'],
    ]);
  });

  it('gives per step cycle times, send-backs and overdue open tasks; per officer the workload', async () => {
    const r = await get();
    expect(rowsOf(r, 'steps')).toEqual([
      ['credit_review', '4', '1.00', '3.00', '1', '0.2500', '2', '1'],
      ['final_approval', '1', '4.25', '4.25', '0', '0.0000', '0', '0'],
    ]);
    expect(rowsOf(r, 'officers')).toEqual([
      ['credit.sh', '2', '1', '4', '1.63'],
      ['final.hq', '0', '1', '1', '4.25'],
    ]);
    // The head-office step is outside a Shanghai officer's scope.
    expect(rowsOf(await get(creditSh), 'officers')).toEqual([['credit.sh', '2', '1', '4', '1.63']]);
  });
});

async function pipelineFixture() {
  const feb = (day: number) => `2026-02-${String(day).padStart(2, '0')}T10:00:00+08:00`;
  const p = (row: Record<string, unknown>) =>
    app({ created_at: feb(1), submitted_at: feb(2), ...row });
  await insert(h.db, 'applications', [
    p({
      branch_id: 'SH001',
      status: 'submitted',
      current_step: 'credit_review',
      amount: '100000.00',
    }),
    p({
      branch_id: 'SH001-01',
      status: 'submitted',
      current_step: 'credit_review',
      amount: '50000.50',
    }),
    p({
      branch_id: 'BJ001',
      status: 'submitted',
      current_step: 'final_approval',
      amount: '200000.00',
    }),
    p({
      branch_id: 'SH001',
      status: 'approved',
      decision: 'approved',
      approved_amount: '80000.00',
      amount: '90000.00',
    }),
    p({
      branch_id: 'SH001',
      status: 'contracted',
      decision: 'approved',
      approved_amount: '60000.00',
      amount: '60000.00',
      contracted_at: feb(20),
    }),
    p({
      branch_id: 'BJ001',
      status: 'disbursed',
      decision: 'approved',
      approved_amount: '30000.00',
      amount: '30000.00',
      contracted_at: feb(21),
      disbursed_on: '2026-02-22',
      disbursed_amount: '30000.00',
    }),
    p({
      branch_id: 'SH001',
      status: 'rejected',
      decision: 'rejected',
      decided_at: feb(15),
      decline_source: 'approval',
      decline_step: 'credit_review',
      amount: '70000.00',
    }),
    p({
      branch_id: 'SH001',
      status: 'declined',
      submitted_at: null,
      decline_source: 'pre_assessment',
      decline_codes: ['AGE_LIMIT', 'DEBT_RATIO'],
      amount: '10000.00',
    }),
    p({
      branch_id: 'BJ001',
      status: 'declined',
      submitted_at: null,
      decline_source: 'pre_assessment',
      decline_codes: ['DEBT_RATIO'],
      amount: '20000.00',
    }),
    p({ branch_id: 'SH001', status: 'draft', submitted_at: null, amount: '5000.00' }),
  ]);
}

describe('pipeline', () => {
  it('counts applications by status and step, the funnel with amounts and ratios, and decline reasons', async () => {
    const { report } = await h.client.getReport(
      {
        report: 'pipeline',
        filter: { branchId: '', productCode: '', from: '2026-02-01', to: '2026-02-28', asOf: '' },
      },
      h.as(hq),
    );
    expect(rowsOf(report, 'by_status')).toEqual([
      ['draft', '1', '5000.00'],
      ['submitted', '3', '350000.50'],
      ['approved', '1', '90000.00'],
      ['contracted', '1', '60000.00'],
      ['disbursed', '1', '30000.00'],
      ['declined', '2', '30000.00'],
      ['rejected', '1', '70000.00'],
    ]);
    expect(rowsOf(report, 'by_step')).toEqual([
      ['credit_review', '2', '150000.50'],
      ['final_approval', '1', '200000.00'],
    ]);
    expect(rowsOf(report, 'funnel')).toEqual([
      ['提交 submitted', '7', '600000.50', '', '1.0000'],
      ['批准 approved', '3', '170000.00', '0.4286', '0.4286'],
      ['签约 contracted', '2', '90000.00', '0.6667', '0.2857'],
      ['放款 disbursed', '1', '30000.00', '0.5000', '0.1429'],
    ]);
    expect(rowsOf(report, 'decline_reasons')).toEqual([
      ['pre_assessment', 'DEBT_RATIO', '2', '30000.00'],
      ['pre_assessment', 'AGE_LIMIT', '1', '10000.00'],
      ['approval', 'credit_review', '1', '70000.00'],
    ]);
  });
});

async function portfolioFixture() {
  await insert(
    h.db,
    'business_days',
    ['2026-02-27', '2026-02-28'].map((d) => ({
      business_date: d,
      loans_accrued: 8,
      normal_interest: '0',
      penalty_interest: '0',
      compound_interest: '0',
      closed_at: `${d}T23:00:00+08:00`,
    })),
  );
  const day = (
    date: string,
    branch: string,
    product: string,
    tier: string,
    bucket: number,
    loans: number,
    principal: string,
    overdue: string,
  ) => ({
    business_date: date,
    branch_id: branch,
    product_code: product,
    classification: tier,
    dpd_bucket: bucket,
    loans,
    outstanding_principal: principal,
    overdue_principal: overdue,
    overdue_interest: '0',
    accrued_interest: '0',
    interest_today: '0',
  });
  await insert(h.db, 'portfolio_days', [
    day('2026-02-28', 'SH001', P, 'normal', 0, 3, '1000000.00', '0'),
    day('2026-02-28', 'SH001', P, 'special_mention', 1, 1, '12345.67', '1000.00'),
    day('2026-02-28', 'SH001-01', P, 'substandard', 4, 1, '250000.50', '50000.00'),
    day('2026-02-28', 'BJ001', B, 'doubtful', 5, 1, '300000.00', '100000.00'),
    day('2026-02-28', 'BJ001', B, 'loss', 6, 2, '4999.99', '4999.99'),
    day('2026-02-27', 'SH001', P, 'normal', 0, 999, '99999999.00', '0'),
  ]);
  const moved = (from: string, to: string, loans: number, branch: string) => ({
    month: '2026-02-01',
    branch_id: branch,
    product_code: P,
    from_classification: from,
    to_classification: to,
    loans,
    outstanding_principal: '0',
  });
  await insert(h.db, 'tier_migrations', [
    moved('normal', 'normal', 3, 'SH001'),
    moved('normal', 'special_mention', 1, 'SH001'),
    moved('doubtful', 'loss', 2, 'BJ001'),
    moved('substandard', 'doubtful', 1, 'BJ001'),
  ]);
  await insert(h.db, 'movement_months', [
    {
      month: '2026-01-01',
      branch_id: 'SH001',
      product_code: P,
      kind: 'disbursement',
      movements: 2,
      amount: '300000.00',
      principal: '300000.00',
      interest: '0',
    },
    {
      month: '2026-02-01',
      branch_id: 'BJ001',
      product_code: B,
      kind: 'repayment',
      movements: 3,
      amount: '1500.30',
      principal: '1200.10',
      interest: '300.20',
    },
    {
      month: '2026-02-01',
      branch_id: 'BJ001',
      product_code: B,
      kind: 'write_off',
      movements: 1,
      amount: '4999.99',
      principal: '4999.99',
      interest: '0',
    },
  ]);
  await insert(h.db, 'income_months', [
    { month: '2026-01-01', branch_id: 'SH001', account_code: '6011', amount: '987.65' },
    { month: '2026-02-01', branch_id: 'BJ001', account_code: '6011', amount: '500.00' },
    { month: '2026-02-01', branch_id: 'SH001', account_code: '6012', amount: '10.01' },
  ]);
  // 2,500 loans at the as-of date: more than one batch of the export.
  await h.db.query(
    `INSERT INTO loan_days (business_date, loan_id, loan_number, branch_id, product_code,
       classification, days_past_due, outstanding_principal, overdue_principal, due_interest,
       overdue_interest, accrued_interest, penalty_interest, compound_interest,
       accrued_today_normal, accrued_today_penalty, accrued_today_compound)
     SELECT '2026-02-28', md5(i::text)::uuid, 'LN' || lpad(i::text, 6, '0'),
            CASE WHEN i % 5 = 0 THEN 'BJ001' ELSE 'SH001' END, 'PERSONAL_CONSUMER', 'normal', 0,
            (i * 100 + 0.01)::numeric(20, 2), 0, 0, 0, 0, 0, 0, 0, 0, 0
       FROM generate_series(1, 2500) AS i`,
  );
}

describe('portfolio', () => {
  const get = async (who = hq, filter: Partial<reportingV1.ReportFilter> = {}) =>
    (
      await h.client.getReport(
        {
          report: 'portfolio',
          filter: { branchId: '', productCode: '', from: '', to: '', asOf: '', ...filter },
        },
        h.as(who),
      )
    ).report!;

  it('lays out the five-tier table in 万元 as of the last closed business date', async () => {
    const r = await get();
    expect(r).toMatchObject({ asOf: '2026-02-28', lastBusinessDate: '2026-02-28' });
    expect(r.filter).toMatchObject({ from: '2025-03-01', to: '2026-02-28' });
    expect(rowsOf(r, 'five_tier')).toEqual([
      [
        'BJ001',
        '北京分行',
        '0.00',
        '0.00',
        '0.00',
        '30.00',
        '0.50',
        '30.50',
        '30.50',
        '1.0000',
        '3',
      ],
      [
        'SH001',
        '上海分行',
        '100.00',
        '1.23',
        '0.00',
        '0.00',
        '0.00',
        '101.23',
        '0.00',
        '0.0000',
        '4',
      ],
      [
        'SH001-01',
        '浦东支行',
        '0.00',
        '0.00',
        '25.00',
        '0.00',
        '0.00',
        '25.00',
        '25.00',
        '1.0000',
        '1',
      ],
      [
        '合计',
        'Total',
        '100.00',
        '1.23',
        '25.00',
        '30.00',
        '0.50',
        '156.73',
        '55.50',
        '0.3541',
        '8',
      ],
    ]);
    expect(
      r.tables
        .find((t) => t.name === 'five_tier')!
        .columns.map((c) => c.labelZh)
        .slice(2, 7),
    ).toEqual(['正常', '关注', '次级', '可疑', '损失']);
  });

  it('buckets overdue loans, shows the migration matrix and the monthly flows', async () => {
    const r = await get(hq, { from: '2026-01-01' });
    expect(rowsOf(r, 'overdue_buckets')).toEqual([
      ['1–30', '1', '12345.67', '1000.00'],
      ['31–60', '0', '0.00', '0.00'],
      ['61–90', '0', '0.00', '0.00'],
      ['91–180', '1', '250000.50', '50000.00'],
      ['181–360', '1', '300000.00', '100000.00'],
      ['>360', '2', '4999.99', '4999.99'],
      ['合计 Total', '5', '567346.16', '155999.99'],
    ]);
    expect(rowsOf(r, 'migration')).toEqual([
      ['正常 Normal', '3', '1', '0', '0', '0', '4', '0.2500'],
      ['关注 Special mention', '0', '0', '0', '0', '0', '0', ''],
      ['次级 Substandard', '0', '0', '0', '1', '0', '1', '1.0000'],
      ['可疑 Doubtful', '0', '0', '0', '0', '2', '2', '1.0000'],
      ['损失 Loss', '0', '0', '0', '0', '0', '0', ''],
      ['合计 Total', '3', '1', '0', '1', '2', '7', ''],
    ]);
    expect(rowsOf(r, 'monthly_flows')).toEqual([
      ['2026-01', '2', '300000.00', '0.00', '0.00', '987.65', '0.00', '0.00'],
      ['2026-02', '0', '0.00', '1200.10', '300.20', '510.01', '4999.99', '0.00'],
    ]);
  });

  it('filters by product and keeps branch staff to their subtree', async () => {
    expect(rowsOf(await get(hq, { productCode: B }), 'five_tier')).toEqual([
      [
        'BJ001',
        '北京分行',
        '0.00',
        '0.00',
        '0.00',
        '30.00',
        '0.50',
        '30.50',
        '30.50',
        '1.0000',
        '3',
      ],
      ['合计', 'Total', '0.00', '0.00', '0.00', '30.00', '0.50', '30.50', '30.50', '1.0000', '3'],
    ]);
    const sh = await get(riskSh);
    expect(rowsOf(sh, 'five_tier').map((row) => row[0])).toEqual(['SH001', 'SH001-01', '合计']);
    expect(rowsOf(sh, 'five_tier')[2]![7]).toBe('126.23');
  });

  it('reads an earlier closed date, and refuses one that was not closed', async () => {
    expect(rowsOf(await get(hq, { asOf: '2026-02-27' }), 'five_tier')[1]).toEqual([
      '合计',
      'Total',
      '10000.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '10000.00',
      '0.00',
      '0.0000',
      '999',
    ]);
    await expect(get(hq, { asOf: '2026-02-26' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'asOf', reason: 'is not a closed business date (the last is 2026-02-28)' },
      ],
    });
  });

  it('exports every loan of the as-of date in batches read with a cursor', async () => {
    const chunks: reportingV1.ExportReportResponse[] = [];
    const stream = h.raw.exportReport(
      {
        report: 'portfolio',
        table: 'loans',
        filter: { branchId: 'SH001', productCode: '', from: '', to: '', asOf: '' },
      },
      h.as(hq).metadata!,
    );
    for await (const chunk of stream) chunks.push(chunk as reportingV1.ExportReportResponse);
    expect(chunks[0]!.header).toMatchObject({
      report: 'portfolio',
      asOf: '2026-02-28',
      scope: ['SH001', 'SH001-01'],
    });
    expect(chunks[0]!.header!.tables.map((t) => t.name)).toEqual(['loans']);
    const rows = chunks.slice(1).flatMap((c) => c.rows.map((r) => r.cells));
    expect(chunks.slice(1).map((c) => c.rows.length)).toEqual([2000]);
    expect(rows).toHaveLength(2000); // 2,500 loans less every fifth (Beijing)
    expect(rows.every((r) => r[1] === 'SH001')).toBe(true);
    // Σ (i × 100 + 0.01) over i in 1..2500 not divisible by 5, in fen.
    let fen = 0n;
    for (let i = 1n; i <= 2500n; i++) if (i % 5n !== 0n) fen += i * 10000n + 1n;
    const exported = rows.reduce((s, r) => s + BigInt(r[5]!.replace('.', '')), 0n);
    expect(exported).toBe(fen);
  });
});

async function postLoanFixture() {
  const c = (branch: string, status: string, closed?: string) => ({
    case_id: randomUUID(),
    loan_id: randomUUID(),
    branch_id: branch,
    opened_on: '2026-01-10',
    status,
    closed_on: closed ?? null,
  });
  const cases = [
    c('SH001', 'open'),
    c('SH001', 'open'),
    c('SH001', 'closed', '2026-02-10'),
    c('BJ001', 'open'),
  ];
  await insert(h.db, 'collection_cases', cases);
  const promise = (status: string, amount: string, date: string) => ({
    promise_id: randomUUID(),
    case_id: cases[0]!.case_id,
    loan_id: cases[0]!.loan_id,
    branch_id: 'SH001',
    amount,
    promised_date: date,
    status,
  });
  await insert(h.db, 'payment_promises', [
    promise('kept', '5000.00', '2026-02-05'),
    promise('broken', '3000.00', '2026-02-15'),
    promise('made', '2000.00', '2026-02-25'),
    promise('kept', '9999.00', '2025-12-05'),
  ]);
  const lit = (status: string, amount: string | null) => ({
    litigation_id: randomUUID(),
    loan_id: randomUUID(),
    branch_id: 'SH001',
    status,
    judgement_amount: amount,
  });
  await insert(h.db, 'litigations', [
    lit('filed', null),
    lit('filed', null),
    lit('judged', '120000.00'),
  ]);
  const asset = (status: string, booked: string, proceeds: string | null) => ({
    asset_id: randomUUID(),
    loan_id: randomUUID(),
    branch_id: 'BJ001',
    status,
    booked_value: booked,
    proceeds,
  });
  await insert(h.db, 'repossessed_assets', [
    asset('held', '500000.00', null),
    asset('sold', '300000.00', '280000.50'),
  ]);
}

describe('post-loan', () => {
  it('counts collection cases and promises, litigation by stage and assets by status', async () => {
    const { report } = await h.client.getReport(
      {
        report: 'post-loan',
        filter: { branchId: '', productCode: '', from: '2026-02-01', to: '2026-02-28', asOf: '' },
      },
      h.as(hq),
    );
    expect(rowsOf(report, 'collection')).toEqual([
      ['BJ001', '北京分行', '1', '0', '0', '0', '0', '', '0.00'],
      ['SH001', '上海分行', '2', '1', '3', '1', '1', '0.5000', '10000.00'],
    ]);
    expect(rowsOf(report, 'litigation')).toEqual([
      ['filed', '2', '0.00'],
      ['judged', '1', '120000.00'],
    ]);
    expect(rowsOf(report, 'assets')).toEqual([
      ['held', '1', '500000.00', '0.00'],
      ['sold', '1', '300000.00', '280000.50'],
    ]);
  });
});

describe('bad input and access', () => {
  const filter = (f: Partial<reportingV1.ReportFilter> = {}) => ({
    branchId: '',
    productCode: '',
    from: '',
    to: '',
    asOf: '',
    ...f,
  });
  const refused = (report: string, f: Partial<reportingV1.ReportFilter>, who = hq) =>
    h.client.getReport({ report, filter: filter(f) }, h.as(who));

  it.each([
    ['an unknown report', 'loans', {}, 'report'],
    ['from after to', 'pipeline', { from: '2026-03-02', to: '2026-03-01' }, 'from'],
    [
      'a range over REPORT_MAX_RANGE_DAYS',
      'pipeline',
      { from: '2025-01-01', to: '2026-03-10' },
      'to',
    ],
    ['a malformed date', 'pipeline', { from: '2026-13-01' }, 'from'],
    ['an as-of date in the future', 'portfolio', { asOf: '2026-03-13' }, 'asOf'],
    ['an as-of date on a flow report', 'pipeline', { asOf: '2026-02-28' }, 'asOf'],
    ['a bad product code', 'pipeline', { productCode: 'x;drop' }, 'productCode'],
  ])('refuses %s naming the field', async (_what, report, f, field) => {
    await expect(refused(report, f)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field })],
    });
  });

  it('refuses a branch outside the scope the same whether it exists or not', async () => {
    const bj = refused('pipeline', { branchId: 'BJ001' }, creditSh);
    await expect(bj).rejects.toMatchObject({
      code: 'permission_denied',
      violations: [{ field: 'branchId', reason: 'is not within your branches' }],
    });
    const nowhere = await refused('pipeline', { branchId: 'XX999' }, creditSh).then(
      () => new Error('answered'),
      (e: Error) => e,
    );
    const there = await refused('pipeline', { branchId: 'BJ001' }, creditSh).then(
      () => new Error('answered'),
      (e: Error) => e,
    );
    expect(nowhere.message.replace('XX999', 'BJ001')).toBe(there.message);
  });

  it('keeps portfolio and post-loan to risk, post-loan, approvers, auditors and admins', async () => {
    await expect(refused('portfolio', {}, creditSh)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(refused('post-loan', {}, creditSh)).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(refused('pipeline', {}, creditSh)).resolves.toBeTruthy();
  });

  it('refuses an export of an unknown table', async () => {
    const stream = h.raw.exportReport(
      { report: 'pipeline', table: 'nope', filter: filter() },
      h.as(hq).metadata!,
    );
    await expect(
      (async () => {
        for await (const _ of stream) void _;
      })(),
    ).rejects.toMatchObject({ code: 3 });
  });
});
