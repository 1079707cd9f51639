// The report tables laid out from the figures the queries return: pure, so every total, ratio
// and 万元 is checked by unit tests. Cells are strings in their column's type.
import Decimal from 'decimal.js';
import {
  countWithin,
  daysOfBucket,
  DPD_BUCKETS,
  NPL_TIERS,
  percentileBucket,
  ratio,
  sum,
  TIERS,
  toWan,
  yuan,
  type HistogramBar,
} from './report-figures';

export type Cells = string[];

/** Decision histogram bars of one month (YYYY-MM). */
export interface MonthBar extends HistogramBar {
  month: string;
  decision: 'approved' | 'rejected';
}

/** decided, approved, rejected, p50, p90, within 3, share within 3, share within 7. */
export function efficiencyCells(bars: readonly MonthBar[]): Cells {
  const decided = bars.reduce((n, b) => n + b.count, 0);
  const of = (d: MonthBar['decision']) =>
    bars.filter((b) => b.decision === d).reduce((n, b) => n + b.count, 0);
  const within3 = countWithin(bars, 3);
  return [
    String(decided),
    String(of('approved')),
    String(of('rejected')),
    daysOfBucket(percentileBucket(bars, 0.5)),
    daysOfBucket(percentileBucket(bars, 0.9)),
    String(within3),
    ratio(within3, decided),
    ratio(countWithin(bars, 7), decided),
  ];
}

/** One row per month of `months` (YYYY-MM, in order), months without decisions included. */
export function monthlyEfficiencyRows(
  bars: readonly MonthBar[],
  months: readonly string[],
): Cells[] {
  return months.map((m) => [m, ...efficiencyCells(bars.filter((b) => b.month === m))]);
}

export interface TierFigure {
  branchId: string;
  branchName: string;
  classification: string;
  loans: number;
  principal: string;
}

/**
 * 贷款五级分类情况表: a row per branch, the tiers as columns in 万元, the total, the
 * non-performing part and its ratio, then a total row. Each 万元 cell is rounded from the exact
 * yuan sum of its own cell (so a total can differ from the sum of rounded cells by a few fen of
 * 万元, as in the regulator's tables); ratios are taken on yuan.
 */
export function fiveTierRows(cells: readonly TierFigure[]): Cells[] {
  const branches = new Map<string, { name: string; cells: TierFigure[] }>();
  for (const c of cells) {
    const b = branches.get(c.branchId) ?? { name: c.branchName, cells: [] };
    b.cells.push(c);
    branches.set(c.branchId, b);
  }
  const row = (code: string, name: string, of: readonly TierFigure[]): Cells => {
    const tier = (t: string) =>
      sum(of.filter((c) => c.classification === t).map((c) => c.principal));
    const total = sum(of.map((c) => c.principal));
    const npl = sum(NPL_TIERS.map(tier));
    return [
      code,
      name,
      ...TIERS.map((t) => toWan(tier(t.code))),
      toWan(total),
      toWan(npl),
      ratio(npl, total),
      String(of.reduce((n, c) => n + c.loans, 0)),
    ];
  };
  const rows = [...branches.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, b]) => row(code, b.name, b.cells));
  return [...rows, row('合计', 'Total', cells)];
}

export interface BucketFigure {
  bucket: number;
  loans: number;
  principal: string;
  overduePrincipal: string;
}

/** The six overdue buckets in order (empty ones as zeros), then a total row. */
export function overdueBucketRows(figures: readonly BucketFigure[]): Cells[] {
  const rows = DPD_BUCKETS.map((b) => {
    const of = figures.filter((f) => f.bucket === b.bucket);
    return {
      label: b.label,
      loans: of.reduce((n, f) => n + f.loans, 0),
      principal: sum(of.map((f) => f.principal)),
      overdue: sum(of.map((f) => f.overduePrincipal)),
    };
  });
  const total = {
    label: '合计 Total',
    loans: rows.reduce((n, r) => n + r.loans, 0),
    principal: sum(rows.map((r) => r.principal)),
    overdue: sum(rows.map((r) => r.overdue)),
  };
  return [...rows, total].map((r) => [
    r.label,
    String(r.loans),
    yuan(r.principal),
    yuan(r.overdue),
  ]);
}

export interface MigrationFigure {
  from: string;
  to: string;
  loans: number;
}

const tierRank = (code: string) => TIERS.findIndex((t) => t.code === code);

/**
 * The migration matrix: a row per tier at the start of the month, loans per tier at its end,
 * the row total and the downgrade rate (loans that moved to a worse tier / the row's loans).
 */
export function migrationRows(figures: readonly MigrationFigure[]): Cells[] {
  const rows = TIERS.map((from) => {
    const of = figures.filter((f) => f.from === from.code);
    const total = of.reduce((n, f) => n + f.loans, 0);
    const worse = of
      .filter((f) => tierRank(f.to) > tierRank(from.code))
      .reduce((n, f) => n + f.loans, 0);
    return [
      `${from.zh} ${from.en}`,
      ...TIERS.map((to) =>
        String(of.filter((f) => f.to === to.code).reduce((n, f) => n + f.loans, 0)),
      ),
      String(total),
      ratio(worse, total),
    ];
  });
  const column = (i: number) => String(rows.reduce((n, r) => n + Number(r[i]), 0));
  return [
    ...rows,
    ['合计 Total', ...TIERS.map((_, i) => column(i + 1)), column(TIERS.length + 1), ''],
  ];
}

export interface MovementFigure {
  month: string;
  kind: string;
  movements: number;
  amount: string;
  principal: string;
  interest: string;
}

/**
 * Per month: disbursements (count, amount), repayments (principal, interest; reversals of
 * repayments subtracted), interest income, write-offs and recoveries.
 */
export function monthlyFlowRows(
  months: readonly string[],
  movements: readonly MovementFigure[],
  income: ReadonlyMap<string, string>,
): Cells[] {
  return months.map((m) => {
    const of = (kind: string) => movements.filter((f) => f.month === m && f.kind === kind);
    const total = (kind: string, field: 'amount' | 'principal' | 'interest') =>
      sum(of(kind).map((f) => f[field]));
    return [
      m,
      String(of('disbursement').reduce((n, f) => n + f.movements, 0)),
      yuan(total('disbursement', 'amount')),
      yuan(total('repayment', 'principal').minus(total('reversal', 'principal'))),
      yuan(total('repayment', 'interest').minus(total('reversal', 'interest'))),
      yuan(income.get(m) ?? '0'),
      yuan(total('write_off', 'amount')),
      yuan(total('recovery', 'amount')),
    ];
  });
}

/** The funnel: each stage's count and amount, its share of the previous stage and of submitted. */
export function funnelRows(
  stages: readonly { stage: string; count: number; amount: string }[],
): Cells[] {
  const first = stages[0]?.count ?? 0;
  return stages.map((s, i) => [
    s.stage,
    String(s.count),
    yuan(s.amount),
    i === 0 ? '' : ratio(s.count, stages[i - 1]!.count),
    ratio(s.count, first),
  ]);
}

/** Working days as the report shows them: two places, half-up (empty: none). */
export const days = (value: string | null): string =>
  value === null || value === ''
    ? ''
    : new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
