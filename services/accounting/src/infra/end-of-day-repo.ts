// The end-of-day batch's reads and writes: set-based, a chunk of loans per statement, because
// the batch runs over every active loan of the book each night (1M loans within the window).
import type { PoolClient, Queryable } from '@loanflow/platform';
import type { DayResult, NextInstallment } from '../domain/loan/end-of-day';
import type { LoanState } from '../domain/loan/state';
import { formatMoney, formatRate, type Cents, type Rate } from '../domain/money';
import type { DayNumber } from '../domain/schedule/calendar';
import { appendEntryPosted, perAccountAndBranch, type PostedLine } from './ledger-events';
import {
  cents,
  LOANS_WITH_ACCRUALS,
  rate,
  splitValues,
  STATE_COLUMNS,
  stateFromRow,
  stateValues,
  toDay,
  toIso,
  type StateRow,
} from './loan-repo';

/** With the schema's hash: one batch per book, books of other schemas run freely. */
const EOD_LOCK = 0x10a4f10e;

/** Takes the book's end-of-day lock on `client` (a session lock); false when another batch holds it. */
export async function tryEndOfDayLock(client: PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(
    'SELECT pg_try_advisory_lock($1, hashtext(current_schema())) AS ok',
    [EOD_LOCK],
  );
  return rows[0]!.ok;
}

export async function releaseEndOfDayLock(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [EOD_LOCK]);
}

/** A business date's row: its totals once closed. */
export interface DayRecord {
  businessDate: string;
  status: string;
  loansAccrued: number;
  normalInterest: string;
  penaltyInterest: string;
  compoundInterest: string;
  closedBy: string;
  aheadOfCalendar: boolean;
  simulationId: string;
}

export async function dayRecord(db: Queryable, day: DayNumber): Promise<DayRecord | undefined> {
  const { rows } = await db.query<Record<string, string | number | boolean | null>>(
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

export async function markClosing(
  tx: Queryable,
  day: DayNumber,
  closedBy: string,
  simulationId: string | null,
): Promise<void> {
  await tx.query(
    `UPDATE business_days SET status = 'closing', closing_started_at = now(), closed_by = $2,
            ahead_of_calendar = $3, simulation_id = $4
      WHERE business_date = $1`,
    [toIso(day), closedBy, simulationId !== null, simulationId],
  );
}

/** The first loan id of each chunk of `chunkSize` among the active loans accrued through `through`. */
export async function chunkBounds(
  db: Queryable,
  through: DayNumber,
  chunkSize: number,
): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM ${LOANS_WITH_ACCRUALS}
       WHERE status = 'active' AND accrued_through = $1) t WHERE (n - 1) % $2 = 0 ORDER BY id`,
    [toIso(through), chunkSize],
  );
  return rows.map((r) => r.id);
}

/** How many active loans are accrued through a date before `through` (left behind). */
export async function loansBehind(db: Queryable, through: DayNumber): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${LOANS_WITH_ACCRUALS} WHERE status = 'active' AND accrued_through < $1`,
    [toIso(through)],
  );
  return Number(rows[0]!.n);
}

/** A loan of a chunk: its state and what the batch needs besides. */
export interface ChunkLoan {
  state: LoanState;
  loanNumber: string;
  branchId: string;
  lprTerm: string | null;
  spreadBp: number | null;
  repricing: 'january_first' | 'anniversary' | null;
  openedOn: DayNumber;
  nextRepricingDate: DayNumber | null;
}

/** The loans of [from, to) still accrued through `through` (the day before the one closing). */
export async function chunkLoans(
  tx: Queryable,
  from: string,
  to: string | undefined,
  through: DayNumber,
): Promise<ChunkLoan[]> {
  const { rows } = await tx.query<
    StateRow & {
      lpr_term: string | null;
      spread_bp: number | null;
      repricing: 'january_first' | 'anniversary' | null;
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
    [from, to ?? null, toIso(through)],
  );
  return rows.map((r) => ({
    state: stateFromRow(r),
    loanNumber: r.loan_number,
    branchId: r.branch_id,
    lprTerm: r.lpr_term,
    spreadBp: r.spread_bp,
    repricing: r.repricing,
    openedOn: toDay(r.opened_on),
    nextRepricingDate: r.next_repricing_date === null ? null : toDay(r.next_repricing_date),
  }));
}

/**
 * Most loans on most nights only accrue normal interest: nothing is billed, nothing is due or
 * overdue, no rate changes. Those are accrued here in one statement, with their journal lines
 * (the income per branch), without leaving the database; every other loan goes through
 * `closeDay`. The arithmetic is `segmentInterest` of the domain in exact integers (fen, rate ×
 * 10^10, half-up by integer division), so both paths agree to the fen (a test runs loans both ways).
 */
export async function accrueQuietLoans(
  tx: Queryable,
  day: DayNumber,
  from: string,
  to: string | undefined,
): Promise<QuietAccrual> {
  const { rows: ids } = await tx.query<{ id: string }>(`SELECT nextval('journal_entry_ids') AS id`);
  const entryId = ids[0]!.id;
  const { rows } = await tx.query<{ loan_id: string; branch_id: string; delta: string }>(
    `WITH quiet AS (
       SELECT l.id, l.branch_id,
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
       RETURNING a.loan_id, q.branch_id, q.through - q.n_accrued AS delta
     ), lines AS (
       INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit, branch_id)
       SELECT $4, '113201', loan_id, delta, 0, branch_id FROM accrued WHERE delta > 0
     ), income AS (
       INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit, branch_id)
       SELECT $4, '601101', NULL, 0, sum(delta), branch_id FROM accrued WHERE delta > 0 GROUP BY branch_id
     )
     SELECT loan_id, branch_id, delta::numeric(20, 2)::text AS delta FROM accrued`,
    [from, to ?? null, toIso(day), entryId],
  );
  const accrued = new Map<string, Cents>();
  const perBranch = new Map<string, Cents>();
  let normal = 0n;
  for (const r of rows) {
    const delta = cents(r.delta);
    accrued.set(r.loan_id, delta);
    if (delta <= 0n) continue;
    normal += delta;
    perBranch.set(r.branch_id, (perBranch.get(r.branch_id) ?? 0n) + delta);
  }
  if (normal > 0n) {
    const description = `End of day ${toIso(day)}: accrual of ${rows.length} loans without other movements from ${from}`;
    await tx.query(
      `INSERT INTO journal_entries (id, business_date, kind, description) VALUES ($1, $2, 'end_of_day', $3)`,
      [entryId, toIso(day), description],
    );
    const lines: PostedLine[] = [];
    for (const [branchId, sum] of perBranch) {
      lines.push({ account: '113201', branchId, loanId: null, debit: sum, credit: 0n });
      lines.push({ account: '601101', branchId, loanId: null, debit: 0n, credit: sum });
    }
    await appendEntryPosted(tx, {
      entryId,
      businessDate: toIso(day),
      kind: 'end_of_day',
      description,
      lines,
    });
  }
  return { loans: rows.length, normal, accrued };
}

/** The loans the quiet path accrued tonight, with what each accrued (normal interest only). */
export interface QuietAccrual {
  loans: number;
  normal: Cents;
  accrued: Map<string, Cents>;
}

/** The installment after the one billed tonight, for the loans that bill. */
export async function followingInstallments(
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

/** An installment a borrower is reminded of: what falls due `daysBefore` days after tonight. */
export interface DueSoonNotice {
  loanId: string;
  loanNumber: string;
  customerId: string;
  applicationId: string | null;
  branchId: string;
  period: number;
  dueDate: DayNumber;
  /** Principal and interest of the installment still unpaid, less the credit the loan holds. */
  amountDue: Cents;
}

/**
 * Records the notices of the loans of [from, to) still accrued through the day before `day`
 * whose unpaid installments fall due `daysBefore` days after `day`, and returns those recorded
 * now. The accrual guard already keeps a rerun chunk from taking a loan twice; the notices' key
 * makes "once per installment and notice" a rule of the table rather than of the batch's path.
 */
export async function recordDueSoonNotices(
  tx: Queryable,
  day: DayNumber,
  daysBefore: number,
  from: string,
  to: string | undefined,
): Promise<DueSoonNotice[]> {
  const { rows } = await tx.query<{
    loan_id: string;
    loan_number: string;
    customer_id: string;
    application_id: string | null;
    branch_id: string;
    period: number;
    due_date: string;
    amount_due: string;
  }>(
    `WITH due AS (
       SELECT i.loan_id, l.loan_number, l.customer_id, l.application_id, l.branch_id, i.period,
              i.due_date,
              (i.principal - i.principal_paid)
                + (COALESCE(i.billed_interest, i.scheduled_interest) - i.interest_paid)
                - l.credit_balance AS amount_due
         FROM installments i
         JOIN loans l ON l.id = i.loan_id
         JOIN loan_accruals a ON a.loan_id = i.loan_id
        WHERE i.due_date = $3::date + $4::int
          AND i.loan_id >= $1 AND ($2::uuid IS NULL OR i.loan_id < $2)
          AND i.status <> 'paid' AND l.status = 'active' AND a.accrued_through = $3::date - 1
     ), noticed AS (
       INSERT INTO installment_notices (loan_id, period, days_before, business_date)
       SELECT loan_id, period, $4, $3 FROM due WHERE amount_due > 0
       ON CONFLICT DO NOTHING
       RETURNING loan_id, period
     )
     SELECT due.* FROM due JOIN noticed USING (loan_id, period) ORDER BY loan_id, period`,
    [from, to ?? null, toIso(day), daysBefore],
  );
  return rows.map((r) => ({
    loanId: r.loan_id,
    loanNumber: r.loan_number,
    customerId: r.customer_id,
    applicationId: r.application_id,
    branchId: r.branch_id,
    period: r.period,
    dueDate: toDay(r.due_date),
    amountDue: cents(r.amount_due),
  }));
}

/** Agreed rate changes of `loanIds` taking effect on `effective`: marked applied, new rates out. */
export async function applyAgreedRateChanges(
  tx: Queryable,
  loanIds: readonly string[],
  effective: DayNumber,
): Promise<Map<string, Rate>> {
  const { rows } = await tx.query<{ loan_id: string; new_rate: string }>(
    `UPDATE rate_changes SET applied = true, old_rate = l.annual_rate
       FROM loans l
      WHERE rate_changes.loan_id = l.id AND rate_changes.loan_id = ANY($1::uuid[])
        AND effective_date = $2 AND source = 'agreement' AND NOT applied
      RETURNING rate_changes.loan_id, new_rate`,
    [loanIds, toIso(effective)],
  );
  return new Map(rows.map((r) => [r.loan_id, rate(r.new_rate)]));
}

export async function setNextRepricingDate(
  tx: Queryable,
  loanId: string,
  next: DayNumber,
): Promise<void> {
  await tx.query('UPDATE loans SET next_repricing_date = $2 WHERE id = $1', [loanId, toIso(next)]);
}

/** An LPR repricing applied by the batch, recorded beside the agreed changes. */
export async function insertLprRateChange(
  tx: Queryable,
  c: {
    id: string;
    loanId: string;
    effective: DayNumber;
    oldRate: Rate;
    newRate: Rate;
    reference: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO rate_changes (id, loan_id, effective_date, old_rate, new_rate, source, reference, recorded_by, applied)
     VALUES ($1, $2, $3, $4, $5, 'lpr', $6, 'end-of-day', true)`,
    [c.id, c.loanId, toIso(c.effective), formatRate(c.oldRate), formatRate(c.newRate), c.reference],
  );
}

/** Loans whose only change is tonight's accrual: the few columns that moved. */
export async function writePlain(
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
export async function writeFull(tx: Queryable, states: readonly LoanState[]): Promise<void> {
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

export type Billed = { loanId: string; billed: NonNullable<DayResult['billed']> };

/** Tonight's bills on the installments falling due on `dueDate`. */
export async function writeBilling(
  tx: Queryable,
  billed: readonly Billed[],
  dueDate: DayNumber,
): Promise<void> {
  if (billed.length === 0) return;
  const paid = (b: Billed) =>
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

/** The due installments of loans that went overdue tonight. */
export async function markInstallmentsOverdue(
  tx: Queryable,
  loanIds: readonly string[],
): Promise<void> {
  if (loanIds.length === 0) return;
  await tx.query(
    `UPDATE installments SET status = 'overdue' WHERE loan_id = ANY($1::uuid[]) AND status = 'due'`,
    [loanIds],
  );
}

/** A line of the night's journal entry: on a loan account (with the loan) or a bank account. */
export interface EntryLine {
  account: string;
  loanId: string | null;
  branchId: string;
  debit: Cents;
  credit: Cents;
}

/**
 * One balanced end-of-day entry of a chunk (nothing when there are no lines), announced with its
 * lines summed per account and branch.
 */
export async function writeEntry(
  tx: Queryable,
  day: DayNumber,
  lines: readonly EntryLine[],
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
    `INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit, branch_id)
     SELECT $1, * FROM unnest($2::text[], $3::uuid[], $4::numeric[], $5::numeric[], $6::text[])`,
    [
      rows[0]!.id,
      lines.map((l) => l.account),
      lines.map((l) => l.loanId),
      lines.map((l) => formatMoney(l.debit)),
      lines.map((l) => formatMoney(l.credit)),
      lines.map((l) => l.branchId),
    ],
  );
  await appendEntryPosted(tx, {
    entryId: rows[0]!.id,
    businessDate: toIso(day),
    kind: 'end_of_day',
    description,
    lines: perAccountAndBranch(lines),
  });
}

/** Classification changes by days past due, approved by the batch itself. */
export async function recordClassifications(
  tx: Queryable,
  day: DayNumber,
  changes: readonly { id: string; loanId: string; from: string; to: string }[],
): Promise<void> {
  if (changes.length === 0) return;
  await tx.query(
    `INSERT INTO classification_changes (id, loan_id, from_class, to_class, cause, status, requested_by, decided_by, decided_at, business_date)
     SELECT u.id, u.loan_id, u.f, u.t, 'days_past_due', 'approved', 'end-of-day', 'end-of-day', now(), $5::date
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) AS u(id, loan_id, f, t)`,
    [
      changes.map((c) => c.id),
      changes.map((c) => c.loanId),
      changes.map((c) => c.from),
      changes.map((c) => c.to),
      toIso(day),
    ],
  );
  await tx.query(`UPDATE loans SET classified_on = $2 WHERE id = ANY($1::uuid[])`, [
    changes.map((c) => c.loanId),
    toIso(day),
  ]);
}

export interface ChunkTotals {
  loans: number;
  normal: Cents;
  penalty: Cents;
  compound: Cents;
}

/** What a committed chunk accrued (the day's totals are the sum over its chunks). */
export async function recordChunk(
  tx: Queryable,
  day: DayNumber,
  firstLoanId: string,
  t: ChunkTotals,
): Promise<void> {
  await tx.query(
    `INSERT INTO end_of_day_chunks (business_date, first_loan_id, loans, normal_interest, penalty_interest, compound_interest)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [
      toIso(day),
      firstLoanId,
      t.loans,
      formatMoney(t.normal),
      formatMoney(t.penalty),
      formatMoney(t.compound),
    ],
  );
}

/** Closes `day` with the sum of its chunks and opens the next date. */
export async function closeDayAndOpenNext(tx: Queryable, day: DayNumber): Promise<void> {
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
}

/** A loan's balances after tonight, as loans.day-closed carries them (amounts in yuan). */
export interface LoanDayRow {
  loan_id: string;
  loan_number: string;
  branch_id: string;
  product_code: string;
  customer_id: string;
  classification: string;
  days_past_due: number;
  annual_rate: string;
  outstanding_principal: string;
  overdue_principal: string;
  due_interest: string;
  overdue_interest: string;
  accrued_interest: string;
  penalty_interest: string;
  compound_interest: string;
  next_due_date: string | null;
  maturity_date: string;
}

/**
 * The balances of `loanIds` (the loans a chunk accrued through `day`), read back in one statement
 * after the chunk's writes, in id order. (Joined from the id list: `id = ANY(...)` beside the
 * chunk's range made the planner filter every row against the whole list.)
 */
export async function loanDays(
  tx: Queryable,
  day: DayNumber,
  loanIds: readonly string[],
): Promise<LoanDayRow[]> {
  if (loanIds.length === 0) return [];
  const { rows } = await tx.query<LoanDayRow>(
    `SELECT l.id AS loan_id, l.loan_number, l.branch_id, l.product_code, l.customer_id,
            l.classification, l.days_past_due, l.annual_rate::text AS annual_rate,
            (l.principal + l.due_principal + l.overdue_principal)::numeric(20, 2)::text AS outstanding_principal,
            l.overdue_principal::numeric(20, 2)::text AS overdue_principal,
            l.due_interest::numeric(20, 2)::text AS due_interest,
            l.overdue_interest::numeric(20, 2)::text AS overdue_interest,
            a.accrued_interest::numeric(20, 2)::text AS accrued_interest,
            a.penalty_interest::numeric(20, 2)::text AS penalty_interest,
            a.compound_interest::numeric(20, 2)::text AS compound_interest,
            l.next_due_date, l.maturity_date
       FROM unnest($1::uuid[]) AS x(id)
       -- One index lookup per loan of the chunk (OFFSET 0 keeps the planner from flattening
       -- these): the statistics of the night's start say no loan is accrued through today yet,
       -- and with a join on accrued_through the planner scanned every accrual of the book for
       -- each chunk (9 s per chunk of 2,000 in a book of 100,000).
       CROSS JOIN LATERAL (SELECT * FROM loans WHERE id = x.id OFFSET 0) l
       CROSS JOIN LATERAL (SELECT * FROM loan_accruals WHERE loan_id = x.id OFFSET 0) a
      WHERE a.accrued_through = $2
      ORDER BY l.id`,
    [loanIds, toIso(day)],
  );
  return rows;
}

// The chunks of a closing date as claimable rows (eod_chunks): the coordinator writes a pass,
// every accounting process claims rows inside the chunk's own transaction.

/**
 * The notification channel of this book's end of day (schema-scoped, so books of other schemas
 * on the same server do not wake each other); the same expression names it for NOTIFY.
 */
const CHANNEL = `left('loanflow_eod_' || current_schema(), 63)`;

export async function endOfDayChannel(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ channel: string }>(`SELECT ${CHANNEL} AS channel`);
  return rows[0]!.channel;
}

/** LISTEN on the channel (its name comes from the schema, whose characters are checked). */
export async function listenForChunks(client: Queryable, channel: string): Promise<void> {
  await client.query(`LISTEN "${channel}"`);
}

export async function unlistenForChunks(client: Queryable, channel: string): Promise<void> {
  await client.query(`UNLISTEN "${channel}"`);
}

/**
 * Starts the next pass of `day` over the loans still accrued through the day before: open rows a
 * crashed run left behind are dropped first (a worker still in one commits before the delete
 * goes on, and then its row is done and stays), then one row per chunk of `chunkSize`, and the
 * other processes are woken when this transaction commits. Returns the pass and its chunks.
 */
export async function openPass(
  tx: Queryable,
  day: DayNumber,
  chunkSize: number,
): Promise<{ pass: number; chunks: number }> {
  await tx.query('DELETE FROM eod_chunks WHERE business_date = $1 AND done_at IS NULL', [
    toIso(day),
  ]);
  const bounds = await chunkBounds(tx, day - 1, chunkSize);
  const { rows } = await tx.query<{ pass: number }>(
    'SELECT COALESCE(max(pass), 0) + 1 AS pass FROM eod_chunks WHERE business_date = $1',
    [toIso(day)],
  );
  const pass = rows[0]!.pass;
  if (bounds.length === 0) return { pass, chunks: 0 };
  await tx.query(
    `INSERT INTO eod_chunks (business_date, pass, first_loan_id, next_first_loan_id)
     SELECT $1, $2, b.first, b.next FROM unnest($3::uuid[], $4::uuid[]) AS b(first, next)`,
    [toIso(day), pass, bounds, [...bounds.slice(1), null]],
  );
  await tx.query(`SELECT pg_notify(${CHANNEL}, 'chunks')`);
  return { pass, chunks: bounds.length };
}

/** A chunk row this transaction holds: the loans of [from, to) of the closing date. */
export interface ClaimedChunk {
  day: DayNumber;
  pass: number;
  from: string;
  to: string | undefined;
}

/**
 * Takes an open chunk of the date that is closing, locked until this transaction ends (rows other
 * transactions hold are skipped, not waited for); undefined when none is left to take.
 */
export async function claimChunk(tx: Queryable): Promise<ClaimedChunk | undefined> {
  const { rows } = await tx.query<{
    business_date: string;
    pass: number;
    first_loan_id: string;
    next_first_loan_id: string | null;
  }>(
    `SELECT c.business_date, c.pass, c.first_loan_id, c.next_first_loan_id
       FROM eod_chunks c JOIN business_days d ON d.business_date = c.business_date AND d.status = 'closing'
      WHERE c.done_at IS NULL
      ORDER BY c.business_date, c.pass, c.first_loan_id
      LIMIT 1 FOR UPDATE OF c SKIP LOCKED`,
  );
  const r = rows[0];
  return (
    r && {
      day: toDay(r.business_date),
      pass: r.pass,
      from: r.first_loan_id,
      to: r.next_first_loan_id ?? undefined,
    }
  );
}

/** Marks the chunk done by `doneBy` in the chunk's transaction, and wakes the coordinator. */
export async function markChunkDone(
  tx: Queryable,
  c: ClaimedChunk,
  doneBy: string,
  loans: number,
): Promise<void> {
  await tx.query(
    `UPDATE eod_chunks SET done_at = now(), done_by = $4, loans = $5
      WHERE business_date = $1 AND pass = $2 AND first_loan_id = $3`,
    [toIso(c.day), c.pass, c.from, doneBy, loans],
  );
  await tx.query(`SELECT pg_notify(${CHANNEL}, 'done')`);
}

/** Chunks of the pass not done yet (held by a process or waiting for one). */
export async function chunksLeft(db: Queryable, day: DayNumber, pass: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM eod_chunks WHERE business_date = $1 AND pass = $2 AND done_at IS NULL',
    [toIso(day), pass],
  );
  return Number(rows[0]!.n);
}

/** Whether any chunk of a closing date is open (a worker's cheap look before it claims). */
export async function anyOpenChunk(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ open: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM eod_chunks c JOIN business_days d
                       ON d.business_date = c.business_date AND d.status = 'closing'
                    WHERE c.done_at IS NULL) AS open`,
  );
  return rows[0]!.open;
}

/** Drops the open chunk rows of `day` (its coordinator failed); a chunk in hand commits first. */
export async function abandonOpenChunks(db: Queryable, day: DayNumber): Promise<void> {
  await db.query('DELETE FROM eod_chunks WHERE business_date = $1 AND done_at IS NULL', [
    toIso(day),
  ]);
}
