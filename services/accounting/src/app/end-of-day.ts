// 日终: the end-of-day batch for one business date. Loans are taken in chunks by id; each chunk is
// one transaction that moves its loans from "accrued through yesterday" to "accrued through
// today", so a crash anywhere loses at most the chunk in flight and a rerun picks up exactly the
// loans not yet done. A date is closed once, in order, and the next one opens with it.
import {
  appendManyToOutbox,
  appendToOutbox,
  conflict,
  failedPrecondition,
  invalidArgument,
  requireRole,
  uuidv7,
  withTransaction,
  type Logger,
  type NewEvent,
  type Pool,
  type Principal,
  type Queryable,
} from '@loanflow/platform';
import type { accountingV1 as pb } from '@loanflow/proto';
import { closeBookDay } from '../domain/loan/book';
import type { ClassificationPolicy } from '../domain/loan/classification';
import { closeDay, type DayResult, type NextInstallment } from '../domain/loan/end-of-day';
import { LOAN_ACCOUNTS, journalLines, type Posting } from '../domain/loan/ledger';
import type { ClosedSegment, LoanState } from '../domain/loan/state';
import { formatMoney, formatRate, formatRatePercent, type Cents, type Rate } from '../domain/money';
import type { DayNumber } from '../domain/schedule/calendar';
import {
  cents,
  insertSegments,
  LOANS_WITH_ACCRUALS,
  rate,
  splitValues,
  STATE_COLUMNS,
  stateFromRow,
  stateValues,
  toDay,
  toIso,
  writeInstallments,
  type StateRow,
} from '../infra/loan-repo';
import { simulationCovering, type BankCalendar } from './business-day';
import { Fields } from './input';
import { loadBook, nextRepricingDate, SOURCE } from './loans';

export interface EndOfDayOptions {
  policy: ClassificationPolicy;
  /** Loans per chunk transaction. */
  chunkSize: number;
  /** Chunks in flight at once (each on its own connection). */
  parallelism: number;
  log: Logger;
  /** Today's calendar date: no business date after it closes without a simulation. */
  calendar: BankCalendar;
}

/** With the schema's hash: one batch per book, books of other schemas run freely. */
const EOD_LOCK = 0x10a4f10e;

interface Totals {
  loans: number;
  normal: Cents;
  penalty: Cents;
  compound: Cents;
}

export async function runEndOfDay(
  pool: Pool,
  p: Principal,
  req: pb.RunEndOfDayRequest,
  opts: EndOfDayOptions,
): Promise<pb.RunEndOfDayResponse> {
  requireRole(p, ['admin'], 'running the end of day');
  const f = new Fields();
  const day = f.date('businessDate', req.businessDate);
  f.done();
  return closeBusinessDate(pool, day!, opts, p.userId);
}

/**
 * Closes `day` (which must be the open business date, or already closed: then nothing happens).
 * A date later than today's calendar date closes only under a recorded simulation.
 */
export async function closeBusinessDate(
  pool: Pool,
  day: DayNumber,
  opts: EndOfDayOptions,
  closedBy = 'system',
): Promise<pb.RunEndOfDayResponse> {
  const lockClient = await pool.connect();
  try {
    const { rows: locked } = await lockClient.query<{ ok: boolean }>(
      'SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS ok',
      [EOD_LOCK],
    );
    if (!locked[0]!.ok) throw conflict('the end of day is already running');
    try {
      const claim = await claimDay(pool, day, opts.calendar, closedBy);
      if (claim.alreadyClosed) return claim.response;
      const started = Date.now();
      await accrueAll(pool, day, opts);
      const response = await finishDay(pool, day);
      opts.log.info(
        { businessDate: toIso(day), loans: response.day?.loansAccrued, ms: Date.now() - started },
        'end of day closed',
      );
      return response;
    } finally {
      await lockClient.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [
        EOD_LOCK,
      ]);
    }
  } finally {
    lockClient.release();
  }
}

async function dayTotals(tx: Queryable, day: DayNumber): Promise<pb.DayTotals | undefined> {
  const { rows } = await tx.query<Record<string, string | number | boolean | null>>(
    'SELECT * FROM business_days WHERE business_date = $1',
    [toIso(day)],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    businessDate: r.business_date as string,
    status: r.status as string,
    loansAccrued: (r.loans_accrued as number | null) ?? 0,
    normalInterest: (r.normal_interest as string | null) ?? '0.00',
    penaltyInterest: (r.penalty_interest as string | null) ?? '0.00',
    compoundInterest: (r.compound_interest as string | null) ?? '0.00',
    closedBy: (r.closed_by as string | null) ?? '',
    aheadOfCalendar: r.ahead_of_calendar === true,
    simulationId: (r.simulation_id as string | null) ?? '',
  };
}

async function claimDay(
  pool: Pool,
  day: DayNumber,
  calendar: BankCalendar,
  closedBy: string,
): Promise<{ alreadyClosed: true; response: pb.RunEndOfDayResponse } | { alreadyClosed: false }> {
  return withTransaction(pool, async (tx) => {
    const { rows } = await tx.query<{ business_date: string; status: string }>(
      `SELECT business_date, status FROM business_days WHERE status <> 'closed' FOR UPDATE`,
    );
    const open = rows[0];
    if (!open) throw failedPrecondition('no business date is open');
    const openDay = toDay(open.business_date);
    if (day < openDay) {
      const totals = await dayTotals(tx, day);
      if (!totals)
        throw invalidArgument([
          { field: 'businessDate', reason: `is before the first business date of this book` },
        ]);
      return {
        alreadyClosed: true as const,
        response: { day: totals, alreadyClosed: true, nextBusinessDate: open.business_date },
      };
    }
    if (day > openDay) {
      throw invalidArgument([
        {
          field: 'businessDate',
          reason: `the open business date is ${open.business_date}; days close in order, none is skipped`,
        },
      ]);
    }
    if (open.status === 'open') {
      // The business date never runs ahead of the calendar, unless a simulation says so.
      const today = calendar.today();
      let simulation: string | null = null;
      if (open.business_date > today) {
        const covering = await simulationCovering(tx, day);
        if (!covering) {
          throw failedPrecondition(
            `business date ${open.business_date} is later than today's date ${today} (${calendar.timeZone}); ` +
              'it closes when the calendar reaches it, or under a simulation an administrator records (POST /api/v1/business-days:simulate)',
          );
        }
        simulation = covering.id;
      }
      await tx.query(
        `UPDATE business_days SET status = 'closing', closing_started_at = now(), closed_by = $2,
                ahead_of_calendar = $3, simulation_id = $4
          WHERE business_date = $1`,
        [open.business_date, closedBy, simulation !== null, simulation],
      );
    }
    return { alreadyClosed: false as const };
  });
}

async function accrueAll(pool: Pool, day: DayNumber, opts: EndOfDayOptions): Promise<void> {
  const yesterday = toIso(day - 1);
  // Chunk boundaries over the loans still to do; each worker takes the next range.
  for (;;) {
    const { rows } = await pool.query<{ id: string }>(
      `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ${LOANS_WITH_ACCRUALS}
         WHERE status = 'active' AND accrued_through = $1) t WHERE (n - 1) % $2 = 0 ORDER BY id`,
      [yesterday, opts.chunkSize],
    );
    if (rows.length === 0) break;
    const bounds = rows.map((r) => r.id);
    let next = 0;
    const worker = async () => {
      while (next < bounds.length) {
        const i = next++;
        await accrueChunk(pool, day, bounds[i]!, bounds[i + 1], opts);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.parallelism, bounds.length) }, worker));
  }
  const { rows: stale } = await pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${LOANS_WITH_ACCRUALS} WHERE status = 'active' AND accrued_through < $1`,
    [yesterday],
  );
  if (stale[0]!.n !== '0')
    throw new Error(`${stale[0]!.n} active loans are accrued through before ${yesterday}`);
}

interface ChunkWrites {
  plain: LoanState[];
  full: LoanState[];
  lines: { account: string; loanId: string | null; debit: Cents; credit: Cents }[];
  segments: (ClosedSegment & { loanId: string })[];
  billed: { loanId: string; billed: NonNullable<DayResult['billed']> }[];
  overdueLoans: string[];
  events: NewEvent<unknown>[];
  classifications: { loanId: string; from: string; to: string }[];
}

async function accrueChunk(
  pool: Pool,
  day: DayNumber,
  from: string,
  to: string | undefined,
  opts: EndOfDayOptions,
): Promise<void> {
  await withTransaction(pool, async (tx) => {
    const quiet = await accrueQuietLoans(tx, day, from, to);
    const { rows } = await tx.query<
      StateRow & {
        lpr_term: string | null;
        spread_bp: number | null;
        repricing: string | null;
        opened_on: string;
        next_repricing_date: string | null;
        loan_number: string;
        branch_id: string;
      }
    >(
      `SELECT ${STATE_COLUMNS}, lpr_term, spread_bp, repricing, opened_on, next_repricing_date, loan_number, branch_id
         FROM ${LOANS_WITH_ACCRUALS}
        WHERE id >= $1 AND ($2::uuid IS NULL OR id < $2) AND status = 'active' AND accrued_through = $3
        ORDER BY id`,
      [from, to ?? null, toIso(day - 1)],
    );
    if (rows.length === 0 && quiet.loans === 0) return;
    const tomorrow = day + 1;
    const tomorrowIso = toIso(tomorrow);
    const billing = rows.filter((r) => r.next_due_date === tomorrowIso);
    const following = await followingInstallments(
      tx,
      billing.map((r) => [r.id as string, Number(r.next_period)]),
    );
    const rateChanges = await rateChangesFor(tx, rows, tomorrow);

    const w: ChunkWrites = {
      plain: [],
      full: [],
      lines: [],
      segments: [],
      billed: [],
      overdueLoans: [],
      events: [],
      classifications: [],
    };
    const credits = new Map<string, Cents>();
    const addLines = (loanId: string, postings: readonly Posting[]) => {
      for (const line of journalLines(postings)) {
        if ((LOAN_ACCOUNTS as readonly string[]).includes(line.account))
          w.lines.push({ ...line, loanId });
        else
          credits.set(line.account, (credits.get(line.account) ?? 0n) + line.credit - line.debit);
      }
    };
    const totals: Totals = { loans: quiet.loans, normal: quiet.normal, penalty: 0n, compound: 0n };

    for (const row of rows) {
      const s = stateFromRow(row);
      const change = rateChanges.get(s.id);
      let result: DayResult;
      if (change !== undefined) {
        // A repricing re-amortizes the schedule: this loan goes the whole way in memory.
        const { book } = await loadBook(tx, s.id);
        const closed = closeBookDay(book, day, opts.policy, change);
        result = closed.result;
        result.state = closed.change.book.state;
        await writeInstallments(
          tx,
          s.id,
          closed.change.book.installments.filter(
            (r) =>
              r.status === 'scheduled' ||
              closed.change.changedInstallments.some((c) => c.period === r.period),
          ),
          true,
        );
        w.full.push(result.state);
      } else {
        result = closeDay(s, day, {
          installmentAfter: (period) => following.get(`${s.id}:${period + 1}`) ?? null,
          policy: opts.policy,
        });
        const structural =
          result.billed ||
          result.wentOverdue ||
          result.classified ||
          result.closedSegments.length > 0 ||
          result.state.daysPastDue !== s.daysPastDue ||
          result.state.dueSince !== s.dueSince;
        (structural ? w.full : w.plain).push(result.state);
        if (result.billed) w.billed.push({ loanId: s.id, billed: result.billed });
        if (result.wentOverdue) w.overdueLoans.push(s.id);
      }
      totals.loans++;
      totals.normal += result.accrued.normal;
      totals.penalty += result.accrued.penalty;
      totals.compound += result.accrued.compound;
      addLines(s.id, result.postings);
      for (const g of result.closedSegments) w.segments.push({ ...g, loanId: s.id });
      if (result.becameOverdue) {
        w.events.push({
          type: 'accounting.loan.overdue',
          subjectId: s.id,
          data: {
            loanId: s.id,
            loanNumber: row.loan_number,
            branchId: row.branch_id,
            businessDate: toIso(day),
            overduePrincipal: formatMoney(result.state.overduePrincipal),
            overdueInterest: formatMoney(result.state.overdueInterest),
            oldestUnpaidDue:
              result.state.oldestUnpaidDue === null ? null : toIso(result.state.oldestUnpaidDue),
          },
        });
      }
      if (result.classified) {
        w.classifications.push({
          loanId: s.id,
          from: result.classified.from,
          to: result.classified.to,
        });
        w.events.push({
          type: 'accounting.loan.classified',
          subjectId: s.id,
          data: {
            loanId: s.id,
            loanNumber: row.loan_number,
            branchId: row.branch_id,
            from: result.classified.from,
            to: result.classified.to,
            cause: 'days_past_due',
            daysPastDue: result.state.daysPastDue,
            businessDate: toIso(day),
          },
        });
      }
      if (result.repriced) {
        w.events.push({
          type: 'accounting.loan.repriced',
          subjectId: s.id,
          data: {
            loanId: s.id,
            loanNumber: row.loan_number,
            branchId: row.branch_id,
            fromRatePercent: formatRatePercent(result.repriced.from),
            toRatePercent: formatRatePercent(result.repriced.to),
            effectiveDate: tomorrowIso,
          },
        });
      }
    }

    await writePlain(tx, w.plain, day);
    await writeFull(tx, w.full);
    await insertSegments(tx, w.segments);
    await writeBilling(tx, w.billed, tomorrow);
    if (w.overdueLoans.length > 0) {
      await tx.query(
        `UPDATE installments SET status = 'overdue' WHERE loan_id = ANY($1::uuid[]) AND status = 'due'`,
        [w.overdueLoans],
      );
    }
    for (const [account, credit] of credits) {
      if (credit > 0n) w.lines.push({ account, loanId: null, debit: 0n, credit });
      else if (credit < 0n) w.lines.push({ account, loanId: null, debit: -credit, credit: 0n });
    }
    await writeEntry(
      tx,
      day,
      w.lines,
      `End of day ${toIso(day)}: accrual, billing and overdue of ${rows.length} loans from ${from}`,
    );
    if (w.classifications.length > 0) {
      await tx.query(
        `INSERT INTO classification_changes (id, loan_id, from_class, to_class, cause, status, requested_by, decided_by, decided_at, business_date)
         SELECT u.id, u.loan_id, u.f, u.t, 'days_past_due', 'approved', 'end-of-day', 'end-of-day', now(), $5::date
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS u(id, loan_id, f, t)`,
        [
          w.classifications.map(() => uuidv7()),
          w.classifications.map((c) => c.loanId),
          w.classifications.map((c) => c.from),
          w.classifications.map((c) => c.to),
          toIso(day),
        ],
      );
      await tx.query(`UPDATE loans SET classified_on = $2 WHERE id = ANY($1::uuid[])`, [
        w.classifications.map((c) => c.loanId),
        toIso(day),
      ]);
    }
    await appendManyToOutbox(tx, SOURCE, w.events);
    await tx.query(
      `INSERT INTO end_of_day_chunks (business_date, first_loan_id, loans, normal_interest, penalty_interest, compound_interest)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        toIso(day),
        from,
        totals.loans,
        formatMoney(totals.normal),
        formatMoney(totals.penalty),
        formatMoney(totals.compound),
      ],
    );
  });
}

/**
 * Most loans on most nights only accrue normal interest: nothing is billed, nothing is due or
 * overdue, no rate changes. Those are accrued here in one statement, with their journal lines,
 * without leaving the database; every other loan goes through `closeDay`. The arithmetic is
 * `segmentInterest` of the domain in exact integers (fen, rate × 10^10, half-up by integer
 * division), so both paths agree to the fen (a test runs loans both ways).
 */
async function accrueQuietLoans(
  tx: Queryable,
  day: DayNumber,
  from: string,
  to: string | undefined,
): Promise<{ loans: number; normal: Cents }> {
  const { rows: ids } = await tx.query<{ id: string }>(`SELECT nextval('journal_entry_ids') AS id`);
  const entryId = ids[0]!.id;
  const { rows } = await tx.query<{ loans: string; normal: string }>(
    `WITH quiet AS (
       SELECT l.id,
              div(2 * (l.n_base * 100) * (l.n_rate * 10000000000) * ($3::date - l.n_start + 1)
                    + l.n_denominator * 1000000000000::numeric,
                  2 * l.n_denominator * 1000000000000::numeric) / 100 AS through,
              a.n_accrued
         FROM loans l JOIN loan_accruals a ON a.loan_id = l.id
        WHERE l.id >= $1 AND ($2::uuid IS NULL OR l.id < $2) AND l.status = 'active'
          AND a.accrued_through = $3::date - 1
          AND l.next_due_date IS DISTINCT FROM $3::date + 1 AND l.due_since IS NULL
          AND l.overdue_principal = 0 AND l.overdue_interest = 0 AND l.days_past_due = 0
          AND l.next_repricing_date IS DISTINCT FROM $3::date + 1
          AND l.n_switch_on IS DISTINCT FROM $3::date + 1
          AND NOT EXISTS (SELECT 1 FROM rate_changes rc
                           WHERE rc.loan_id = l.id AND rc.effective_date = $3::date + 1 AND NOT rc.applied)
     ), accrued AS (
       UPDATE loan_accruals a
          SET n_accrued = q.through, accrued_interest = a.accrued_interest + (q.through - q.n_accrued),
              accrued_through = $3::date
         FROM quiet q
        WHERE a.loan_id = q.id AND a.accrued_through = $3::date - 1
       RETURNING a.loan_id, q.through - q.n_accrued AS delta
     ), lines AS (
       INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit)
       SELECT $4, '113201', loan_id, delta, 0 FROM accrued WHERE delta > 0
     )
     SELECT count(*) AS loans, COALESCE(sum(delta), 0)::numeric(20, 2)::text AS normal FROM accrued`,
    [from, to ?? null, toIso(day), entryId],
  );
  const loans = Number(rows[0]!.loans);
  const normal = cents(rows[0]!.normal);
  if (normal > 0n) {
    await tx.query(
      `INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit) VALUES ($1, '601101', NULL, 0, $2)`,
      [entryId, formatMoney(normal)],
    );
    await tx.query(
      `INSERT INTO journal_entries (id, business_date, kind, description) VALUES ($1, $2, 'end_of_day', $3)`,
      [
        entryId,
        toIso(day),
        `End of day ${toIso(day)}: accrual of ${loans} loans without other movements from ${from}`,
      ],
    );
  }
  return { loans, normal };
}

/** The installment after the one billed tonight, for the loans that bill. */
async function followingInstallments(
  tx: Queryable,
  loans: [string, number][],
): Promise<Map<string, NextInstallment>> {
  const out = new Map<string, NextInstallment>();
  if (loans.length === 0) return out;
  const { rows } = await tx.query<{
    loan_id: string;
    period: number;
    due_date: string;
    principal: string;
  }>(
    `SELECT i.loan_id, i.period, i.due_date, i.principal
       FROM installments i JOIN unnest($1::uuid[], $2::int[]) AS x(loan_id, period)
         ON i.loan_id = x.loan_id AND i.period = x.period + 1
      WHERE i.status = 'scheduled'`,
    [loans.map((l) => l[0]), loans.map((l) => l[1])],
  );
  for (const r of rows)
    out.set(`${r.loan_id}:${r.period}`, {
      period: r.period,
      dueDate: toDay(r.due_date),
      principal: cents(r.principal),
    });
  return out;
}

/**
 * Rates that change tomorrow: recorded agreements, and LPR repricing of floating loans whose
 * repricing date it is (the LPR in force on that date + the loan's spread). Marks them applied.
 */
async function rateChangesFor(
  tx: Queryable,
  rows: readonly (StateRow & {
    lpr_term: string | null;
    spread_bp: number | null;
    repricing: string | null;
    opened_on: string;
    next_repricing_date: string | null;
  })[],
  tomorrow: DayNumber,
): Promise<Map<string, Rate>> {
  const out = new Map<string, Rate>();
  const ids = rows.map((r) => r.id as string);
  const { rows: agreed } = await tx.query<{ loan_id: string; new_rate: string }>(
    `UPDATE rate_changes SET applied = true, old_rate = l.annual_rate
       FROM loans l
      WHERE rate_changes.loan_id = l.id AND rate_changes.loan_id = ANY($1::uuid[])
        AND effective_date = $2 AND source = 'agreement' AND NOT applied
      RETURNING rate_changes.loan_id, new_rate`,
    [ids, toIso(tomorrow)],
  );
  for (const r of agreed) out.set(r.loan_id, rate(r.new_rate));
  const repricing = rows.filter((r) => r.next_repricing_date === toIso(tomorrow) && r.lpr_term);
  for (const r of repricing) {
    const { rows: lpr } = await tx.query<{ rate: string }>(
      `SELECT rate FROM lpr_rates WHERE term = $1 AND effective_date <= $2 ORDER BY effective_date DESC LIMIT 1`,
      [r.lpr_term, toIso(tomorrow)],
    );
    const next = nextRepricingDate(
      r.repricing as 'january_first' | 'anniversary',
      toDay(r.opened_on),
      tomorrow,
    );
    await tx.query('UPDATE loans SET next_repricing_date = $2 WHERE id = $1', [r.id, toIso(next)]);
    if (!lpr[0]) continue;
    const newRate = rate(lpr[0].rate) + BigInt(r.spread_bp ?? 0) * 10n ** 8n;
    await tx.query(
      `INSERT INTO rate_changes (id, loan_id, effective_date, old_rate, new_rate, source, reference, recorded_by, applied)
       VALUES ($1, $2, $3, $4, $5, 'lpr', $6, 'end-of-day', true)`,
      [
        uuidv7(),
        r.id,
        toIso(tomorrow),
        r.annual_rate,
        formatRate(newRate),
        `LPR ${r.lpr_term} ${lpr[0].rate}`,
      ],
    );
    out.set(r.id as string, newRate);
  }
  return out;
}

/** Loans whose only change is tonight's accrual: the few columns that moved. */
async function writePlain(
  tx: Queryable,
  states: readonly LoanState[],
  day: DayNumber,
): Promise<void> {
  if (states.length === 0) return;
  const updated = await tx.query(
    `UPDATE loan_accruals l SET n_accrued = u.n, p_accrued = u.p, c_accrued = u.c, accrued_interest = u.ai,
            penalty_interest = u.pi, compound_interest = u.ci, accrued_through = $8
       FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[])
         AS u(id, n, p, c, ai, pi, ci)
      WHERE l.loan_id = u.id AND l.accrued_through = $8::date - 1`,
    [
      states.map((s) => s.id),
      states.map((s) => formatMoney(s.normal.accrued)),
      states.map((s) => formatMoney(s.penalty.accrued)),
      states.map((s) => formatMoney(s.compound.accrued)),
      states.map((s) => formatMoney(s.accruedInterest)),
      states.map((s) => formatMoney(s.penaltyInterest)),
      states.map((s) => formatMoney(s.compoundInterest)),
      toIso(day),
    ],
  );
  if (updated.rowCount !== states.length) {
    throw new Error(
      `${states.length - (updated.rowCount ?? 0)} loans changed under the end of day`,
    );
  }
}

const COLUMN_TYPES: Record<string, string> = {
  status: 'text',
  due_since: 'date',
  oldest_unpaid_due: 'date',
  days_past_due: 'int',
  next_period: 'int',
  next_due_date: 'date',
  period_start: 'date',
  n_switch_on: 'date',
  n_switch_denominator: 'int',
  n_start: 'date',
  p_start: 'date',
  c_start: 'date',
  n_denominator: 'int',
  p_denominator: 'int',
  c_denominator: 'int',
  accrued_through: 'date',
  grace_days: 'int',
  basis_kind: 'text',
  basis_year_days: 'int',
  basis_repay_every: 'int',
  classification: 'text',
};

/** Loans with any structural change tonight: every state column, in both tables. */
async function writeFull(tx: Queryable, states: readonly LoanState[]): Promise<void> {
  if (states.length === 0) return;
  const split = states.map((s) => splitValues(stateValues(s)));
  const ids = states.map((s) => s.id);
  // The accruals first, guarded by the date: a loan already done tonight is left alone, and so
  // is its loan row (the update below only takes loans whose accruals moved just now).
  const acols = Object.keys(split[0]!.accruals);
  const { rows } = await tx.query<{ loan_id: string }>(
    `UPDATE loan_accruals l SET ${acols.map((c) => `${c} = u.${c}`).join(', ')}
       FROM unnest($1::uuid[], ${acols.map((c, i) => `$${i + 2}::${COLUMN_TYPES[c] ?? 'numeric'}[]`).join(', ')})
         AS u(id, ${acols.join(', ')})
      WHERE l.loan_id = u.id AND l.accrued_through = u.accrued_through - 1
      RETURNING l.loan_id`,
    [ids, ...acols.map((c) => split.map((v) => v.accruals[c]))],
  );
  if (rows.length !== states.length)
    throw new Error(`${states.length - rows.length} loans changed under the end of day`);
  const cols = Object.keys(split[0]!.loan);
  await tx.query(
    `UPDATE loans l SET ${cols.map((c) => `${c} = u.${c}`).join(', ')}, version = l.version + 1, updated_at = now(),
            closed_on = CASE WHEN u.status = 'closed' THEN COALESCE(l.closed_on, $${cols.length + 2}::date) ELSE l.closed_on END
       FROM unnest($1::uuid[], ${cols.map((c, i) => `$${i + 2}::${COLUMN_TYPES[c] ?? 'numeric'}[]`).join(', ')})
         AS u(id, ${cols.join(', ')})
      WHERE l.id = u.id`,
    [ids, ...cols.map((c) => split.map((v) => v.loan[c])), toIso(states[0]!.accruedThrough + 1)],
  );
}

async function writeBilling(
  tx: Queryable,
  billed: ChunkWrites['billed'],
  dueDate: DayNumber,
): Promise<void> {
  if (billed.length === 0) return;
  const paid = (b: (typeof billed)[number]) =>
    b.billed.paidPrincipal === b.billed.principal && b.billed.paidInterest === b.billed.interest;
  await tx.query(
    // Interest a prepayment already paid of the period (interest_paid before the bill) is part
    // of the period's interest: billed = paid then + billed now.
    `UPDATE installments i SET principal = u.principal, billed_interest = i.interest_paid + u.interest,
            principal_paid = u.pp, interest_paid = i.interest_paid + u.ip, status = u.status, paid_on = u.paid_on
       FROM unnest($1::uuid[], $2::int[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::text[], $8::date[])
         AS u(loan_id, period, principal, interest, pp, ip, status, paid_on)
      WHERE i.loan_id = u.loan_id AND i.period = u.period`,
    [
      billed.map((b) => b.loanId),
      billed.map((b) => b.billed.period),
      billed.map((b) => formatMoney(b.billed.principal)),
      billed.map((b) => formatMoney(b.billed.interest)),
      billed.map((b) => formatMoney(b.billed.paidPrincipal)),
      billed.map((b) => formatMoney(b.billed.paidInterest)),
      billed.map((b) => (paid(b) ? 'paid' : 'due')),
      billed.map((b) => (paid(b) ? toIso(dueDate) : null)),
    ],
  );
}

async function writeEntry(
  tx: Queryable,
  day: DayNumber,
  lines: ChunkWrites['lines'],
  description: string,
): Promise<void> {
  if (lines.length === 0) return;
  let balance = 0n;
  for (const l of lines) balance += l.debit - l.credit;
  if (balance !== 0n) throw new Error(`end-of-day entry does not balance by ${balance}`);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO journal_entries (id, business_date, kind, description) VALUES (nextval('journal_entry_ids'), $1, 'end_of_day', $2) RETURNING id`,
    [toIso(day), description],
  );
  await tx.query(
    `INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit)
     SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::numeric[], $5::numeric[])`,
    [
      rows[0]!.id,
      lines.map((l) => l.account),
      lines.map((l) => l.loanId),
      lines.map((l) => formatMoney(l.debit)),
      lines.map((l) => formatMoney(l.credit)),
    ],
  );
}

async function finishDay(pool: Pool, day: DayNumber): Promise<pb.RunEndOfDayResponse> {
  return withTransaction(pool, async (tx) => {
    const iso = toIso(day);
    const { rows } = await tx.query<{
      loans: string;
      normal: string;
      penalty: string;
      compound: string;
    }>(
      `SELECT COALESCE(sum(loans), 0) AS loans, COALESCE(sum(normal_interest), 0)::numeric(20, 2)::text AS normal,
              COALESCE(sum(penalty_interest), 0)::numeric(20, 2)::text AS penalty,
              COALESCE(sum(compound_interest), 0)::numeric(20, 2)::text AS compound
         FROM end_of_day_chunks WHERE business_date = $1`,
      [iso],
    );
    const t = rows[0]!;
    await tx.query(
      `UPDATE business_days SET status = 'closed', closed_at = now(), loans_accrued = $2,
              normal_interest = $3, penalty_interest = $4, compound_interest = $5
        WHERE business_date = $1`,
      [iso, Number(t.loans), t.normal, t.penalty, t.compound],
    );
    await tx.query(`INSERT INTO business_days (business_date, status) VALUES ($1, 'open')`, [
      toIso(day + 1),
    ]);
    const totals = (await dayTotals(tx, day))!;
    await appendToOutbox(tx, SOURCE, {
      type: 'accounting.accrual.completed',
      subjectId: iso,
      data: { ...totals, nextBusinessDate: toIso(day + 1) },
    });
    return { day: totals, alreadyClosed: false, nextBusinessDate: toIso(day + 1) };
  });
}
