// Each report table: which queries it reads and how its rows are laid out.
import type { Queryable } from '@loanflow/platform';
import type { ReportSpec } from '../../domain/report-catalogue';
import type { RawFilter } from '../../domain/report-filter';
import {
  monthOf,
  monthsBetween,
  ratio,
  splitRange,
  weekStart,
  yuan,
  averageDays,
} from '../../domain/report-figures';
import {
  days,
  efficiencyCells,
  fiveTierRows,
  funnelRows,
  migrationRows,
  monthlyEfficiencyRows,
  monthlyFlowRows,
  overdueBucketRows,
  type Cells,
  type MonthBar,
} from '../../domain/report-tables';
import * as q from '../../infra/report-queries';

export interface ReportContext {
  spec: ReportSpec;
  /** The checked filters, the range filled in. */
  filter: RawFilter;
  slice: q.Slice;
  now: Date;
  /** The bank's date today. */
  today: string;
  /** The day after `filter.to` (ranges are read half-open). */
  until: string;
  lastBusinessDate: string;
  dataAsOf: string;
}

const yearMonths = (from: string, to: string) => monthsBetween(from, to).map((m) => m.slice(0, 7));

/** The summary and monthly tables of one report read the same decisions: read them once. */
const decisionsOfReport = new WeakMap<ReportContext, Promise<MonthBar[]>>();

/** The decisions of the range: whole months from the histogram, the partial edges counted. */
function decisionBars(db: Queryable, ctx: ReportContext): Promise<MonthBar[]> {
  let bars = decisionsOfReport.get(ctx);
  if (!bars) {
    bars = readDecisionBars(db, ctx);
    decisionsOfReport.set(ctx, bars);
  }
  return bars;
}

async function readDecisionBars(db: Queryable, ctx: ReportContext): Promise<MonthBar[]> {
  const split = splitRange(ctx.filter.from, ctx.filter.to);
  const parts = await Promise.all([
    split.wholeMonths
      ? q.histogramOfMonths(db, ctx.slice, split.wholeMonths.first, split.wholeMonths.last)
      : [],
    ...split.edges.map((e) => q.histogramOfDays(db, ctx.slice, e.from, e.until)),
  ]);
  return parts.flat();
}

const STATUS_ORDER = [
  'draft',
  'submitted',
  'approved',
  'contracted',
  'disbursed',
  'declined',
  'rejected',
  'withdrawn',
  'expired',
];
const statusRank = (s: string) => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : 99);

type Builder = (db: Queryable, ctx: ReportContext) => Promise<Cells[]>;

const BUILDERS: Record<string, Builder> = {
  'approval-efficiency/summary': async (db, ctx) => [efficiencyCells(await decisionBars(db, ctx))],
  'approval-efficiency/monthly': async (db, ctx) =>
    monthlyEfficiencyRows(await decisionBars(db, ctx), yearMonths(ctx.filter.from, ctx.filter.to)),
  'approval-efficiency/steps': async (db, ctx) =>
    (await q.stepFigures(db, ctx.slice, ctx.filter, ctx.now)).map((s) => [
      s.step,
      String(s.completed),
      days(s.p50),
      days(s.p90),
      String(s.sentBack),
      ratio(s.sentBack, s.completed),
      String(s.open),
      String(s.overdueOpen),
    ]),
  'approval-efficiency/officers': async (db, ctx) =>
    (
      await q.officerFigures(db, ctx.slice, {
        from: ctx.filter.from,
        to: ctx.filter.to,
        weekStart: weekStart(ctx.today),
      })
    ).map((o) => [
      o.officer,
      String(o.open),
      String(o.doneThisWeek),
      String(o.doneInRange),
      days(averageDays(o.totalDays, o.timed) || null),
    ]),

  'pipeline/by_status': async (db, ctx) =>
    (await q.applicationsByStatus(db, ctx.slice, ctx.filter))
      .sort((a, b) => statusRank(a.key) - statusRank(b.key) || (a.key < b.key ? -1 : 1))
      .map((r) => [r.key, String(r.count), yuan(r.amount)]),
  'pipeline/by_step': async (db, ctx) =>
    (await q.applicationsByStep(db, ctx.slice)).map((r) => [
      r.key,
      String(r.count),
      yuan(r.amount),
    ]),
  'pipeline/funnel': async (db, ctx) => {
    const f = await q.funnel(db, ctx.slice, ctx.filter);
    return funnelRows([
      { stage: '提交 submitted', ...f.submitted },
      { stage: '批准 approved', ...f.approved },
      { stage: '签约 contracted', ...f.contracted },
      { stage: '放款 disbursed', ...f.disbursed },
    ]);
  },
  'pipeline/decline_reasons': async (db, ctx) =>
    (await q.declineReasons(db, ctx.slice, ctx.filter)).map((r) => [
      r.source,
      r.key,
      String(r.count),
      yuan(r.amount),
    ]),

  'portfolio/five_tier': async (db, ctx) =>
    ctx.filter.asOf ? fiveTierRows(await q.tiersByBranch(db, ctx.slice, ctx.filter.asOf)) : [],
  'portfolio/overdue_buckets': async (db, ctx) =>
    overdueBucketRows(
      ctx.filter.asOf ? await q.overdueBuckets(db, ctx.slice, ctx.filter.asOf) : [],
    ),
  'portfolio/migration': async (db, ctx) =>
    migrationRows(
      ctx.filter.asOf ? await q.tierMigrations(db, ctx.slice, monthOf(ctx.filter.asOf)) : [],
    ),
  'portfolio/monthly_flows': async (db, ctx) => {
    const first = monthOf(ctx.filter.from);
    const last = monthOf(ctx.filter.to);
    const [movements, income] = await Promise.all([
      q.movementMonths(db, ctx.slice, first, last),
      q.incomeMonths(db, ctx.slice, first, last),
    ]);
    return monthlyFlowRows(yearMonths(first, last), movements, income);
  },

  'post-loan/collection': async (db, ctx) =>
    (await q.collectionFigures(db, ctx.slice, ctx.filter.from, ctx.filter.to)).map((c) => [
      c.branchId,
      c.branchName,
      String(c.open),
      String(c.closed),
      String(c.promisesMade),
      String(c.promisesKept),
      String(c.promisesBroken),
      ratio(c.promisesKept, c.promisesKept + c.promisesBroken),
      yuan(c.promisedAmount),
    ]),
  'post-loan/litigation': async (db, ctx) =>
    (await q.litigationByStage(db, ctx.slice)).map((l) => [
      l.status,
      String(l.count),
      yuan(l.amount),
    ]),
  'post-loan/assets': async (db, ctx) =>
    (await q.assetsByStatus(db, ctx.slice)).map((a) => [
      a.status,
      String(a.count),
      yuan(a.amount),
      yuan(a.proceeds),
    ]),
};

/** The rows of a summary table. */
export function summaryRows(db: Queryable, ctx: ReportContext, table: string): Promise<Cells[]> {
  const build = BUILDERS[`${ctx.spec.name}/${table}`];
  if (!build) throw new Error(`no builder for ${ctx.spec.name}/${table}`);
  return build(db, ctx);
}

/** The query of a detail (export-only) table, its columns in the catalogue's order. */
export function detailQuery(ctx: ReportContext, table: string): q.SqlQuery | null {
  switch (`${ctx.spec.name}/${table}`) {
    case 'approval-efficiency/applications':
      return q.decidedApplications(ctx.slice, ctx.filter.from, ctx.until);
    case 'portfolio/loans':
      return ctx.filter.asOf ? q.loansAt(ctx.slice, ctx.filter.asOf) : null;
    default:
      throw new Error(`no detail query for ${ctx.spec.name}/${table}`);
  }
}
