// The SQL of the management reports, over the read models only. Every query takes the caller's
// branches (null: all), the product ('' : all) and calendar dates in the bank's time zone; sums
// come back as exact numeric strings.
import type { Pool, Queryable } from '@loanflow/platform';
import Cursor from 'pg-cursor';
import {
  daysOfBucket,
  percentileBucket,
  splitRange,
  type HistogramBar,
} from '../domain/report-figures';

export interface Slice {
  /** Branch codes the figures cover; null for every branch. */
  branches: string[] | null;
  productCode: string;
  /** The bank's time zone: calendar dates and months of instants are read in it. */
  timeZone: string;
}

/** A query to run whole, or to read with a cursor (detail exports). */
export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** `($1::text[] IS NULL OR branch_id = ANY($1)) AND ($2 = '' OR product_code = $2)`, numbered. */
function sliceSql(s: Slice, values: unknown[], opts: { product?: boolean; alias?: string } = {}) {
  const a = opts.alias ? `${opts.alias}.` : '';
  values.push(s.branches);
  let sql = `($${values.length}::text[] IS NULL OR ${a}branch_id = ANY($${values.length}))`;
  if (opts.product !== false) {
    values.push(s.productCode);
    sql += ` AND ($${values.length} = '' OR ${a}product_code = $${values.length})`;
  }
  return sql;
}

/** Midnight of a calendar date in the bank's time zone, as a parameter placeholder. */
function instant(values: unknown[], date: string, timeZone: string): string {
  values.push(date, timeZone);
  return `(($${values.length - 1}::date)::timestamp AT TIME ZONE $${values.length})`;
}

export interface DecisionBar {
  month: string;
  decision: 'approved' | 'rejected';
  bucket: number;
  count: number;
}

/** The decision histogram of whole months (the pre-aggregation), first to last month inclusive. */
export async function histogramOfMonths(
  db: Queryable,
  s: Slice,
  first: string,
  last: string,
): Promise<DecisionBar[]> {
  const values: unknown[] = [first, last];
  const { rows } = await db.query<{ month: string; decision: string; bucket: number; n: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, decision, bucket, sum(applications) AS n
       FROM decision_histogram
      WHERE month BETWEEN $1::date AND $2::date AND decision IN ('approved', 'rejected')
        AND ${sliceSql(s, values)}
      GROUP BY 1, 2, 3`,
    values,
  );
  return rows.map(bar);
}

/** The same histogram counted from the applications decided in [from, until) (partial months). */
export async function histogramOfDays(
  db: Queryable,
  s: Slice,
  from: string,
  until: string,
): Promise<DecisionBar[]> {
  const values: unknown[] = [];
  const start = instant(values, from, s.timeZone);
  const end = instant(values, until, s.timeZone);
  values.push(s.timeZone);
  const tz = `$${values.length}`;
  const { rows } = await db.query<{ month: string; decision: string; bucket: number; n: string }>(
    `SELECT to_char(decided_at AT TIME ZONE ${tz}, 'YYYY-MM') AS month, decision,
            least(400, greatest(0, ceil(decision_working_days * 4)))::int AS bucket, count(*) AS n
       FROM applications
      WHERE decided_at >= ${start} AND decided_at < ${end}
        AND decision IN ('approved', 'rejected') AND decision_working_days IS NOT NULL
        AND ${sliceSql(s, values)}
      GROUP BY 1, 2, 3`,
    values,
  );
  return rows.map(bar);
}

const bar = (r: { month: string; decision: string; bucket: number; n: string }): DecisionBar => ({
  month: r.month,
  decision: r.decision as DecisionBar['decision'],
  bucket: Number(r.bucket),
  count: Number(r.n),
});

export interface StepFigures {
  step: string;
  completed: number;
  p50: string | null;
  p90: string | null;
  sentBack: number;
  open: number;
  overdueOpen: number;
}

/** A range of calendar dates (inclusive) split into whole months and partial edges. */
export interface DateRange {
  from: string;
  to: string;
}

/**
 * The SQL terms of a range over a monthly aggregate: `months` for the whole months (on `month`),
 * `edges` for the partial months (on the detail rows' `column`, in the bank's time zone).
 */
function monthsAndEdges(values: unknown[], s: Slice, range: DateRange, column: string) {
  const split = splitRange(range.from, range.to);
  let months = 'false';
  if (split.wholeMonths) {
    values.push(split.wholeMonths.first, split.wholeMonths.last);
    months = `month BETWEEN $${values.length - 1}::date AND $${values.length}::date`;
  }
  const edges = split.edges.map(
    (e) =>
      `(${column} >= ${instant(values, e.from, s.timeZone)} AND ${column} < ${instant(values, e.until, s.timeZone)})`,
  );
  return { months, edges: edges.length > 0 ? `(${edges.join(' OR ')})` : 'false' };
}

/** The quarter-day bucket of a task's working days (-1: none), as task_step_months keeps it. */
const TASK_BUCKET_SQL = 'coalesce(least(400, greatest(0, ceil(working_days * 4)))::int, -1)';

/**
 * Per approval step: tasks ended in the range with their cycle times in quarter-day buckets
 * (whole months from task_step_months, the partial edges from tasks), and the open ones now.
 */
export async function stepFigures(
  db: Queryable,
  s: Slice,
  range: DateRange,
  now: Date,
): Promise<StepFigures[]> {
  const values: unknown[] = [];
  const slice = sliceSql(s, values);
  const ended = monthsAndEdges(values, s, range, 'ended_at');
  const endedRows = await db.query<{ step: string; bucket: number; n: string; sent_back: string }>(
    `SELECT step, bucket, sum(n) AS n, sum(sent_back) AS sent_back FROM (
       SELECT step, bucket, completed AS n, sent_back FROM task_step_months
        WHERE ${ended.months} AND ${slice}
       UNION ALL
       SELECT step, ${TASK_BUCKET_SQL}, 1, (sent_back OR state = 'sent_back')::int FROM tasks
        WHERE state IN ('completed', 'sent_back') AND ${ended.edges} AND ${slice}) ended
      GROUP BY 1, 2`,
    values,
  );
  const openValues: unknown[] = [now];
  const open = await db.query<{ step: string; open: string; overdue: string }>(
    `SELECT step, count(*) AS open,
            count(*) FILTER (WHERE overdue OR due_at < $1::timestamptz) AS overdue
       FROM tasks WHERE state = 'open' AND ${sliceSql(s, openValues)}
      GROUP BY 1`,
    openValues,
  );
  const steps = new Map<string, { bars: HistogramBar[]; completed: number; sentBack: number }>();
  const of = (step: string) => {
    const found = steps.get(step) ?? { bars: [], completed: 0, sentBack: 0 };
    steps.set(step, found);
    return found;
  };
  for (const r of endedRows.rows) {
    const st = of(r.step);
    st.completed += Number(r.n);
    st.sentBack += Number(r.sent_back);
    const bucket = Number(r.bucket);
    if (bucket >= 0) st.bars.push({ bucket, count: Number(r.n) });
  }
  const openOf = new Map(open.rows.map((r) => [r.step, r]));
  for (const r of open.rows) of(r.step);
  return [...steps.keys()].sort().map((step) => {
    const st = steps.get(step)!;
    return {
      step,
      completed: st.completed,
      p50: bucketDays(percentileBucket(st.bars, 0.5)),
      p90: bucketDays(percentileBucket(st.bars, 0.9)),
      sentBack: st.sentBack,
      open: Number(openOf.get(step)?.open ?? 0),
      overdueOpen: Number(openOf.get(step)?.overdue ?? 0),
    };
  });
}

const bucketDays = (bucket: number | null): string | null =>
  bucket === null ? null : daysOfBucket(bucket);

export interface OfficerFigures {
  officer: string;
  open: number;
  doneThisWeek: number;
  doneInRange: number;
  /** Sum and count of the working days of the tasks done in the range. */
  totalDays: string;
  timed: number;
}

/**
 * Per officer: open tasks assigned now, tasks ended since `weekStart` (from tasks) and in the
 * range (whole months from officer_months, the partial edges from tasks).
 */
export async function officerFigures(
  db: Queryable,
  s: Slice,
  range: DateRange & { weekStart: string },
): Promise<OfficerFigures[]> {
  const values: unknown[] = [];
  const slice = sliceSql(s, values);
  const week = instant(values, range.weekStart, s.timeZone);
  const ended = monthsAndEdges(values, s, range, 'ended_at');
  const done = `state IN ('completed', 'sent_back') AND ended_by IS NOT NULL`;
  const { rows } = await db.query<Record<string, string>>(
    `WITH open AS (
       SELECT assignee AS officer, count(*) AS open FROM tasks
        WHERE state = 'open' AND assignee IS NOT NULL AND ${slice} GROUP BY 1
     ), week AS (
       SELECT ended_by AS officer, count(*) AS week FROM tasks
        WHERE ${done} AND ended_at >= ${week} AND ${slice} GROUP BY 1
     ), in_range AS (
       SELECT officer, sum(done) AS in_range, sum(total_days) AS total_days, sum(timed) AS timed
         FROM (SELECT officer, done, total_days, timed FROM officer_months
                WHERE ${ended.months} AND ${slice}
               UNION ALL
               SELECT ended_by, 1, coalesce(working_days, 0), (working_days IS NOT NULL)::int
                 FROM tasks WHERE ${done} AND ${ended.edges} AND ${slice}) ended
        GROUP BY 1
     )
     SELECT officer, coalesce(open.open, 0) AS open, coalesce(week.week, 0) AS week,
            coalesce(in_range.in_range, 0) AS in_range,
            coalesce(in_range.total_days, 0) AS total_days, coalesce(in_range.timed, 0) AS timed
       FROM open FULL JOIN week USING (officer) FULL JOIN in_range USING (officer)
      ORDER BY officer`,
    values,
  );
  return rows.map((r) => ({
    officer: r.officer!,
    open: Number(r.open),
    doneThisWeek: Number(r.week),
    doneInRange: Number(r.in_range),
    totalDays: r.total_days!,
    timed: Number(r.timed),
  }));
}

/** Export: one row per application decided in [from, until). */
export function decidedApplications(s: Slice, from: string, until: string): SqlQuery {
  const values: unknown[] = [];
  const start = instant(values, from, s.timeZone);
  const end = instant(values, until, s.timeZone);
  values.push(s.timeZone);
  const tz = `$${values.length}`;
  return {
    text: `SELECT application_id::text, branch_id, product_code, coalesce(amount::text, '') AS amount,
                  coalesce(to_char(submitted_at AT TIME ZONE ${tz}, 'YYYY-MM-DD'), '') AS submitted,
                  to_char(decided_at AT TIME ZONE ${tz}, 'YYYY-MM-DD') AS decided, decision,
                  coalesce(round(decision_working_days, 2)::text, '') AS working_days,
                  send_backs::text, coalesce(approved_amount::text, '') AS approved_amount
             FROM applications
            WHERE decided_at >= ${start} AND decided_at < ${end}
              AND decision IN ('approved', 'rejected') AND ${sliceSql(s, values)}
            ORDER BY decided_at, application_id`,
    values,
  };
}

export interface CountAmount {
  key: string;
  count: number;
  amount: string;
}

type PipelineMeasure = 'status' | 'funnel' | 'pre_assessment' | 'approval';

/** The instant each measure of application_months counts an application by. */
const MEASURE_INSTANT: Record<PipelineMeasure, string> = {
  status: 'created_at',
  funnel: 'submitted_at',
  pre_assessment: 'created_at',
  approval: 'decided_at',
};

/**
 * One measure of the pipeline over a range, by key: the whole months from application_months,
 * the partial edges from the applications (through the same application_contributions).
 */
async function pipelineMeasure(
  db: Queryable,
  s: Slice,
  range: DateRange,
  measure: PipelineMeasure,
): Promise<CountAmount[]> {
  const values: unknown[] = [measure];
  const split = monthsAndEdges(values, s, range, `a.${MEASURE_INSTANT[measure]}`);
  const { rows } = await db.query<{ key: string; n: string; amount: string }>(
    `SELECT key, sum(n) AS n, sum(amount) AS amount FROM (
       SELECT key, applications AS n, amount FROM application_months
        WHERE measure = $1 AND ${split.months} AND ${sliceSql(s, values)}
       UNION ALL
       SELECT c.key, 1, c.amount
         FROM applications a CROSS JOIN LATERAL application_contributions(a) c
        WHERE c.measure = $1 AND ${split.edges} AND ${sliceSql(s, values, { alias: 'a' })}) counted
      GROUP BY 1`,
    values,
  );
  return rows.map(countAmount);
}

/** Applications created in the range by their status now. */
export const applicationsByStatus = (db: Queryable, s: Slice, range: DateRange) =>
  pipelineMeasure(db, s, range, 'status');

/** Submitted applications waiting in the approval chain, by their open step. */
export async function applicationsByStep(db: Queryable, s: Slice): Promise<CountAmount[]> {
  const values: unknown[] = [];
  const { rows } = await db.query<{ key: string; n: string; amount: string }>(
    `SELECT coalesce(current_step, '') AS key, count(*) AS n, coalesce(sum(amount), 0) AS amount
       FROM applications
      WHERE status = 'submitted' AND ${sliceSql(s, values)}
      GROUP BY 1 ORDER BY 1`,
    values,
  );
  return rows.map(countAmount);
}

const countAmount = (r: { key: string; n: string; amount: string }): CountAmount => ({
  key: r.key,
  count: Number(r.n),
  amount: r.amount,
});

export interface Funnel {
  submitted: CountAmount;
  approved: CountAmount;
  contracted: CountAmount;
  disbursed: CountAmount;
}

/** Applications submitted in the range: how many got approved, contracted and disbursed. */
export async function funnel(db: Queryable, s: Slice, range: DateRange): Promise<Funnel> {
  const stages = new Map(
    (await pipelineMeasure(db, s, range, 'funnel')).map((r) => [r.key, r] as const),
  );
  const stage = (key: string): CountAmount => stages.get(key) ?? { key, count: 0, amount: '0' };
  return {
    submitted: stage('submitted'),
    approved: stage('approved'),
    contracted: stage('contracted'),
    disbursed: stage('disbursed'),
  };
}

export interface DeclineReason extends CountAmount {
  source: 'pre_assessment' | 'approval';
}

/**
 * Why applications created (pre-assessment) or decided (approval) in the range were turned down:
 * each knockout rule code, each step whose reject ended the process.
 */
export async function declineReasons(
  db: Queryable,
  s: Slice,
  range: DateRange,
): Promise<DeclineReason[]> {
  const [pre, approval] = await Promise.all([
    pipelineMeasure(db, s, range, 'pre_assessment'),
    pipelineMeasure(db, s, range, 'approval'),
  ]);
  const bySize = (a: CountAmount, b: CountAmount) =>
    b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  return [
    ...pre.sort(bySize).map((r) => ({ ...r, source: 'pre_assessment' as const })),
    ...approval.sort(bySize).map((r) => ({ ...r, source: 'approval' as const })),
  ];
}

/** The last closed business date, or null before the first end of day. */
export async function lastBusinessDate(db: Queryable): Promise<string | null> {
  const { rows } = await db.query<{ d: string | null }>(
    'SELECT max(business_date) AS d FROM business_days',
  );
  return rows[0]?.d ?? null;
}

export async function isClosedBusinessDate(db: Queryable, date: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM business_days WHERE business_date = $1', [
    date,
  ]);
  return (rowCount ?? 0) > 0;
}

/** When the read models last applied an event (RFC 3339), or ''. */
export async function dataAsOf(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ at: Date | null }>(
    'SELECT last_event_at AS at FROM read_model_state',
  );
  return rows[0]?.at ? rows[0].at.toISOString() : '';
}

export interface TierCell {
  branchId: string;
  branchName: string;
  classification: string;
  loans: number;
  principal: string;
}

/** Outstanding principal per branch and tier at a business date (portfolio_days). */
export async function tiersByBranch(db: Queryable, s: Slice, asOf: string): Promise<TierCell[]> {
  const values: unknown[] = [asOf];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT p.branch_id, coalesce(b.name, '') AS branch_name, p.classification,
            sum(p.loans) AS loans, sum(p.outstanding_principal) AS principal
       FROM portfolio_days p LEFT JOIN branches b ON b.code = p.branch_id
      WHERE p.business_date = $1 AND ${sliceSql(s, values, { alias: 'p' })}
      GROUP BY 1, 2, 3
      ORDER BY 1`,
    values,
  );
  return rows.map((r) => ({
    branchId: r.branch_id!,
    branchName: r.branch_name!,
    classification: r.classification!,
    loans: Number(r.loans),
    principal: r.principal!,
  }));
}

export interface BucketFigures {
  bucket: number;
  loans: number;
  principal: string;
  overduePrincipal: string;
}

/** Overdue loans at a business date by days-past-due bucket (1..6). */
export async function overdueBuckets(
  db: Queryable,
  s: Slice,
  asOf: string,
): Promise<BucketFigures[]> {
  const values: unknown[] = [asOf];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT dpd_bucket, sum(loans) AS loans, sum(outstanding_principal) AS principal,
            sum(overdue_principal) AS overdue_principal
       FROM portfolio_days
      WHERE business_date = $1 AND dpd_bucket > 0 AND ${sliceSql(s, values)}
      GROUP BY 1`,
    values,
  );
  return rows.map((r) => ({
    bucket: Number(r.dpd_bucket),
    loans: Number(r.loans),
    principal: r.principal!,
    overduePrincipal: r.overdue_principal!,
  }));
}

export interface MigrationCell {
  from: string;
  to: string;
  loans: number;
}

/** Loans by tier at the end of the previous month and at the end of `month`. */
export async function tierMigrations(
  db: Queryable,
  s: Slice,
  month: string,
): Promise<MigrationCell[]> {
  const values: unknown[] = [month];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT from_classification AS "from", to_classification AS "to", sum(loans) AS loans
       FROM tier_migrations
      WHERE month = $1::date AND ${sliceSql(s, values)}
      GROUP BY 1, 2`,
    values,
  );
  return rows.map((r) => ({ from: r.from!, to: r.to!, loans: Number(r.loans) }));
}

export interface MovementMonth {
  month: string;
  kind: string;
  movements: number;
  amount: string;
  principal: string;
  interest: string;
}

/** Money movements per month and kind, months first to last inclusive. */
export async function movementMonths(
  db: Queryable,
  s: Slice,
  first: string,
  last: string,
): Promise<MovementMonth[]> {
  const values: unknown[] = [first, last];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT to_char(month, 'YYYY-MM') AS month, kind, sum(movements) AS movements,
            sum(amount) AS amount, sum(principal) AS principal, sum(interest) AS interest
       FROM movement_months
      WHERE month BETWEEN $1::date AND $2::date AND ${sliceSql(s, values)}
      GROUP BY 1, 2`,
    values,
  );
  return rows.map((r) => ({
    month: r.month!,
    kind: r.kind!,
    movements: Number(r.movements),
    amount: r.amount!,
    principal: r.principal!,
    interest: r.interest!,
  }));
}

/** Interest income booked per month (every income account), months first to last inclusive. */
export async function incomeMonths(
  db: Queryable,
  s: Slice,
  first: string,
  last: string,
): Promise<Map<string, string>> {
  const values: unknown[] = [first, last];
  const { rows } = await db.query<{ month: string; amount: string }>(
    `SELECT to_char(month, 'YYYY-MM') AS month, sum(amount) AS amount
       FROM income_months
      WHERE month BETWEEN $1::date AND $2::date AND ${sliceSql(s, values, { product: false })}
      GROUP BY 1`,
    values,
  );
  return new Map(rows.map((r) => [r.month, r.amount]));
}

/** Export: every loan of loan_days at a business date. */
export function loansAt(s: Slice, asOf: string): SqlQuery {
  const values: unknown[] = [asOf];
  return {
    text: `SELECT coalesce(loan_number, loan_id::text) AS loan_number, branch_id, product_code,
                  classification, days_past_due::text, outstanding_principal::text,
                  overdue_principal::text, accrued_interest::text, penalty_interest::text,
                  compound_interest::text, coalesce(annual_rate_percent::text, '') AS rate,
                  coalesce(maturity_date::text, '') AS maturity_date
             FROM loan_days
            WHERE business_date = $1 AND ${sliceSql(s, values)}
            ORDER BY loan_id`,
    values,
  };
}

export interface CollectionFigures {
  branchId: string;
  branchName: string;
  open: number;
  closed: number;
  promisesMade: number;
  promisesKept: number;
  promisesBroken: number;
  promisedAmount: string;
}

/**
 * Per branch: collection cases open now and closed in [from, to]; payment promises falling due
 * in [from, to] (made, kept, broken).
 */
export async function collectionFigures(
  db: Queryable,
  s: Slice,
  from: string,
  to: string,
): Promise<CollectionFigures[]> {
  const values: unknown[] = [from, to];
  const slice = sliceSql(s, values, { product: false });
  const { rows } = await db.query<Record<string, string>>(
    `WITH cases AS (
       SELECT branch_id, count(*) FILTER (WHERE status = 'open') AS open,
              count(*) FILTER (WHERE status = 'closed' AND closed_on BETWEEN $1::date AND $2::date) AS closed
         FROM collection_cases WHERE ${slice} GROUP BY 1
     ), promises AS (
       SELECT branch_id, count(*) AS made, count(*) FILTER (WHERE status = 'kept') AS kept,
              count(*) FILTER (WHERE status = 'broken') AS broken, sum(amount) AS amount
         FROM payment_promises
        WHERE promised_date BETWEEN $1::date AND $2::date AND ${slice} GROUP BY 1
     )
     SELECT branch_id, coalesce(b.name, '') AS branch_name, coalesce(c.open, 0) AS open,
            coalesce(c.closed, 0) AS closed, coalesce(p.made, 0) AS made,
            coalesce(p.kept, 0) AS kept, coalesce(p.broken, 0) AS broken,
            coalesce(p.amount, 0) AS amount
       FROM cases c FULL JOIN promises p USING (branch_id)
       LEFT JOIN branches b ON b.code = branch_id
      ORDER BY branch_id`,
    values,
  );
  return rows.map((r) => ({
    branchId: r.branch_id!,
    branchName: r.branch_name!,
    open: Number(r.open),
    closed: Number(r.closed),
    promisesMade: Number(r.made),
    promisesKept: Number(r.kept),
    promisesBroken: Number(r.broken),
    promisedAmount: r.amount!,
  }));
}

export interface StatusFigures {
  status: string;
  count: number;
  amount: string;
  proceeds: string;
}

/** Litigation cases by stage (judgement amounts). */
export async function litigationByStage(db: Queryable, s: Slice): Promise<StatusFigures[]> {
  const values: unknown[] = [];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT status, count(*) AS n, coalesce(sum(judgement_amount), 0) AS amount
       FROM litigations WHERE ${sliceSql(s, values, { product: false })}
      GROUP BY 1 ORDER BY 1`,
    values,
  );
  return rows.map((r) => ({
    status: r.status!,
    count: Number(r.n),
    amount: r.amount!,
    proceeds: '0',
  }));
}

/** Repossessed assets by status (booked values, disposal proceeds). */
export async function assetsByStatus(db: Queryable, s: Slice): Promise<StatusFigures[]> {
  const values: unknown[] = [];
  const { rows } = await db.query<Record<string, string>>(
    `SELECT status, count(*) AS n, coalesce(sum(booked_value), 0) AS amount,
            coalesce(sum(proceeds), 0) AS proceeds
       FROM repossessed_assets WHERE ${sliceSql(s, values, { product: false })}
      GROUP BY 1 ORDER BY 1`,
    values,
  );
  return rows.map((r) => ({
    status: r.status!,
    count: Number(r.n),
    amount: r.amount!,
    proceeds: r.proceeds!,
  }));
}

/** The codes of `branch` and every branch under it (the branch tree of the read models). */
export async function subtreeOf(db: Queryable, branch: string): Promise<string[]> {
  const { rows } = await db.query<{ code: string }>(
    `WITH RECURSIVE tree(code) AS (
       SELECT $1::text
       UNION
       SELECT b.code FROM branches b JOIN tree t ON b.parent_code = t.code
     )
     SELECT code FROM tree ORDER BY code`,
    [branch],
  );
  return rows.map((r) => r.code);
}

/**
 * Reads a query's rows in batches through a cursor (bounded memory), cells as strings ('' for
 * NULL), until done or `cancelled`; the cursor is closed either way.
 */
export async function* readInBatches(
  pool: Pool,
  query: SqlQuery,
  batch: number,
  cancelled: AbortSignal,
): AsyncGenerator<string[][]> {
  const client = await pool.connect();
  const cursor = client.query(
    new Cursor<unknown[]>(query.text, query.values, { rowMode: 'array' }),
  );
  try {
    while (!cancelled.aborted) {
      const rows = await cursor.read(batch);
      if (rows.length === 0) return;
      yield rows.map((r) => r.map((c) => (c === null ? '' : String(c))));
    }
  } finally {
    // Closing the cursor ends the portal, so the connection goes back to the pool clean.
    await cursor.close().catch(() => undefined);
    client.release();
  }
}
