import {
  days,
  efficiencyCells,
  fiveTierRows,
  funnelRows,
  migrationRows,
  monthlyEfficiencyRows,
  monthlyFlowRows,
  overdueBucketRows,
  type MonthBar,
} from './report-tables';

const bar = (month: string, decision: MonthBar['decision'], bucket: number, count: number) => ({
  month,
  decision,
  bucket,
  count,
});

describe('approval efficiency', () => {
  const bars = [
    bar('2026-01', 'approved', 8, 3), // 2 days
    bar('2026-01', 'approved', 12, 2), // 3 days
    bar('2026-01', 'rejected', 20, 2), // 5 days
    bar('2026-02', 'approved', 40, 2), // 10 days
    bar('2026-02', 'rejected', 28, 1), // 7 days
  ];

  it('counts, takes percentiles and the shares within 3 and 7 working days', () => {
    expect(efficiencyCells(bars)).toEqual([
      '10',
      '7',
      '3',
      '3.00', // rank 5 of 10
      '10.00', // rank 9 of 10
      '5',
      '0.5000',
      '0.8000',
    ]);
  });

  it('lays out every month asked for, empty months too', () => {
    expect(monthlyEfficiencyRows(bars, ['2026-01', '2026-02', '2026-03'])).toEqual([
      ['2026-01', '7', '5', '2', '3.00', '5.00', '5', '0.7143', '1.0000'],
      ['2026-02', '3', '2', '1', '10.00', '10.00', '0', '0.0000', '0.3333'],
      ['2026-03', '0', '0', '0', '', '', '0', '', ''],
    ]);
  });
});

describe('the five-tier table', () => {
  it('has a row per branch in 万元, totals, the NPL and its ratio, then a total row', () => {
    const rows = fiveTierRows([
      {
        branchId: 'SH001',
        branchName: '上海分行',
        classification: 'normal',
        loans: 2,
        principal: '1000000.00',
      },
      {
        branchId: 'SH001',
        branchName: '上海分行',
        classification: 'substandard',
        loans: 1,
        principal: '250000.50',
      },
      {
        branchId: 'BJ001',
        branchName: '北京分行',
        classification: 'special_mention',
        loans: 1,
        principal: '12345.67',
      },
      {
        branchId: 'BJ001',
        branchName: '北京分行',
        classification: 'loss',
        loans: 1,
        principal: '4999.99',
      },
      {
        branchId: 'BJ001',
        branchName: '北京分行',
        classification: 'doubtful',
        loans: 1,
        principal: '0.01',
      },
    ]);
    expect(rows).toEqual([
      ['BJ001', '北京分行', '0.00', '1.23', '0.00', '0.00', '0.50', '1.73', '0.50', '0.2883', '3'],
      [
        'SH001',
        '上海分行',
        '100.00',
        '0.00',
        '25.00',
        '0.00',
        '0.00',
        '125.00',
        '25.00',
        '0.2000',
        '3',
      ],
      [
        '合计',
        'Total',
        '100.00',
        '1.23',
        '25.00',
        '0.00',
        '0.50',
        '126.73',
        '25.50',
        '0.2012',
        '6',
      ],
    ]);
  });

  it('is just a zero total row for an empty book', () => {
    expect(fiveTierRows([])).toEqual([
      ['合计', 'Total', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '0.00', '', '0'],
    ]);
  });
});

describe('overdue buckets', () => {
  it('shows all six buckets in order and a total', () => {
    const rows = overdueBucketRows([
      { bucket: 4, loans: 2, principal: '300.10', overduePrincipal: '100.05' },
      { bucket: 1, loans: 1, principal: '50', overduePrincipal: '5' },
      { bucket: 4, loans: 1, principal: '0.90', overduePrincipal: '0.95' },
    ]);
    expect(rows).toEqual([
      ['1–30', '1', '50.00', '5.00'],
      ['31–60', '0', '0.00', '0.00'],
      ['61–90', '0', '0.00', '0.00'],
      ['91–180', '3', '301.00', '101.00'],
      ['181–360', '0', '0.00', '0.00'],
      ['>360', '0', '0.00', '0.00'],
      ['合计 Total', '4', '351.00', '106.00'],
    ]);
  });
});

describe('tier migration', () => {
  it('is a matrix from start-of-month tier to end-of-month tier with downgrade rates', () => {
    const rows = migrationRows([
      { from: 'normal', to: 'normal', loans: 8 },
      { from: 'normal', to: 'special_mention', loans: 2 },
      { from: 'special_mention', to: 'normal', loans: 1 },
      { from: 'special_mention', to: 'substandard', loans: 1 },
      { from: 'loss', to: 'loss', loans: 3 },
    ]);
    expect(rows[0]).toEqual(['正常 Normal', '8', '2', '0', '0', '0', '10', '0.2000']);
    expect(rows[1]).toEqual(['关注 Special mention', '1', '0', '1', '0', '0', '2', '0.5000']);
    expect(rows[2]).toEqual(['次级 Substandard', '0', '0', '0', '0', '0', '0', '']);
    expect(rows[4]).toEqual(['损失 Loss', '0', '0', '0', '0', '3', '3', '0.0000']);
    expect(rows[5]).toEqual(['合计 Total', '9', '2', '1', '0', '3', '15', '']);
  });
});

describe('monthly flows', () => {
  it('sums movements per month, repayments net of reversals, with the interest income', () => {
    const m = (
      month: string,
      kind: string,
      movements: number,
      amount: string,
      principal = '0',
      interest = '0',
    ) => ({
      month,
      kind,
      movements,
      amount,
      principal,
      interest,
    });
    const rows = monthlyFlowRows(
      ['2026-01', '2026-02'],
      [
        m('2026-01', 'disbursement', 2, '300000.00', '300000.00'),
        m('2026-01', 'repayment', 3, '1500.30', '1200.10', '300.20'),
        m('2026-01', 'reversal', 1, '100.00', '80.00', '20.00'),
        m('2026-02', 'write_off', 1, '5000.00', '5000.00'),
        m('2026-02', 'recovery', 1, '123.45', '123.45'),
      ],
      new Map([['2026-01', '987.65']]),
    );
    expect(rows).toEqual([
      ['2026-01', '2', '300000.00', '1120.10', '280.20', '987.65', '0.00', '0.00'],
      ['2026-02', '0', '0.00', '0.00', '0.00', '0.00', '5000.00', '123.45'],
    ]);
  });
});

describe('the funnel', () => {
  it('gives each stage its share of the previous one and of submitted', () => {
    expect(
      funnelRows([
        { stage: 'submitted', count: 4, amount: '400000' },
        { stage: 'approved', count: 3, amount: '250000.5' },
        { stage: 'contracted', count: 2, amount: '200000' },
        { stage: 'disbursed', count: 0, amount: '0' },
      ]),
    ).toEqual([
      ['submitted', '4', '400000.00', '', '1.0000'],
      ['approved', '3', '250000.50', '0.7500', '0.7500'],
      ['contracted', '2', '200000.00', '0.6667', '0.5000'],
      ['disbursed', '0', '0.00', '0.0000', '0.0000'],
    ]);
  });
});

it('shows working days with two places, half-up', () => {
  expect(days('2.125')).toBe('2.13');
  expect(days('3')).toBe('3.00');
  expect(days(null)).toBe('');
  expect(days('')).toBe('');
});
