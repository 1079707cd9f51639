// Loans, installments, segments and journal entries in PostgreSQL: plain objects in and out.
import type { Queryable } from '@loanflow/platform';
import { formatIsoDate, parseIsoDate, type DayNumber } from '../domain/schedule/calendar';
import {
  formatMoney,
  formatRate,
  parseMoney,
  parseRate,
  type Cents,
  type Rate,
} from '../domain/money';
import { journalLines, LOAN_ACCOUNTS, type Posting, type PostingKind } from '../domain/loan/ledger';
import type { InstallmentRow } from '../domain/loan/repayment';
import type { Classification, ClosedSegment, LoanState, LoanStatus } from '../domain/loan/state';
import { appendEntryPosted } from './ledger-events';

export const toDay = (iso: string): DayNumber => parseIsoDate(iso)!;
export const toIso = (d: DayNumber): string => formatIsoDate(d);
export const cents = (v: string): Cents => parseMoney(v)!;
export const rate = (v: string): Rate => parseRate(v)!;
const isoOrNull = (d: DayNumber | null) => (d === null ? null : toIso(d));
const dayOrNull = (v: string | null) => (v === null ? null : toDay(v));

/** The columns of the loan row that make up its state (the batch reads exactly these). */
export const STATE_COLUMNS = `id, status, principal, accrued_interest, due_principal, due_interest, due_since,
  overdue_principal, overdue_interest, penalty_interest, compound_interest, credit_balance,
  oldest_unpaid_due, days_past_due, next_period, next_due_date, next_principal, period_start,
  n_switch_on, n_switch_denominator,
  n_start, n_base, n_rate, n_denominator, n_accrued, p_start, p_base, p_rate, p_denominator, p_accrued,
  c_start, c_base, c_rate, c_denominator, c_accrued, accrued_through, annual_rate,
  penalty_markup_percent, grace_days, basis_kind, basis_year_days, basis_repay_every,
  interest_on_original, classification`;

export type StateRow = Record<string, string | number | null>;

/** Loans with their nightly accruals (the two tables of a loan's state). */
export const LOANS_WITH_ACCRUALS = 'loans JOIN loan_accruals ON loan_accruals.loan_id = loans.id';

/** The state columns that live in loan_accruals, the table the end of day updates every night. */
export const ACCRUAL_COLUMNS: readonly string[] = [
  'accrued_through',
  'accrued_interest',
  'penalty_interest',
  'compound_interest',
  'n_accrued',
  'p_accrued',
  'c_accrued',
];

/** The state values split by table. */
export function splitValues(values: Record<string, string | number | null>) {
  const loan: Record<string, string | number | null> = {};
  const accruals: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(values))
    (ACCRUAL_COLUMNS.includes(k) ? accruals : loan)[k] = v;
  return { loan, accruals };
}

export function stateFromRow(r: StateRow): LoanState {
  const s = (k: string) => r[k] as string;
  const seg = (p: string) => ({
    start: toDay(s(`${p}_start`)),
    base: cents(s(`${p}_base`)),
    rate: rate(s(`${p}_rate`)),
    denominator: Number(r[`${p}_denominator`]),
    accrued: cents(s(`${p}_accrued`)),
  });
  return {
    id: s('id'),
    status: s('status') as LoanStatus,
    principal: cents(s('principal')),
    accruedInterest: cents(s('accrued_interest')),
    duePrincipal: cents(s('due_principal')),
    dueInterest: cents(s('due_interest')),
    dueSince: dayOrNull(r.due_since as string | null),
    overduePrincipal: cents(s('overdue_principal')),
    overdueInterest: cents(s('overdue_interest')),
    penaltyInterest: cents(s('penalty_interest')),
    compoundInterest: cents(s('compound_interest')),
    creditBalance: cents(s('credit_balance')),
    oldestUnpaidDue: dayOrNull(r.oldest_unpaid_due as string | null),
    daysPastDue: Number(r.days_past_due),
    nextPeriod: r.next_period === null ? null : Number(r.next_period),
    nextDueDate: dayOrNull(r.next_due_date as string | null),
    nextPrincipal: r.next_principal === null ? null : cents(s('next_principal')),
    periodStart: toDay(s('period_start')),
    normalSwitch:
      r.n_switch_on === null
        ? null
        : { day: toDay(s('n_switch_on')), denominator: Number(r.n_switch_denominator) },
    normal: seg('n'),
    penalty: seg('p'),
    compound: seg('c'),
    accruedThrough: toDay(s('accrued_through')),
    annualRate: rate(s('annual_rate')),
    penaltyMarkupPercent: rate(s('penalty_markup_percent')),
    graceDays: Number(r.grace_days),
    basis:
      s('basis_kind') === 'daily'
        ? { kind: 'daily', yearDays: Number(r.basis_year_days) }
        : {
            kind: 'monthly_period',
            repayEvery: Number(r.basis_repay_every),
            yearDays: Number(r.basis_year_days),
          },
    interestOnOriginal: r.interest_on_original === null ? null : cents(s('interest_on_original')),
    classification: s('classification') as Classification,
  };
}

/** Column → value for every state column but id, in STATE_COLUMNS order. */
export function stateValues(st: LoanState): Record<string, string | number | null> {
  const seg = (p: string, g: LoanState['normal']) => ({
    [`${p}_start`]: toIso(g.start),
    [`${p}_base`]: formatMoney(g.base),
    [`${p}_rate`]: formatRate(g.rate),
    [`${p}_denominator`]: g.denominator,
    [`${p}_accrued`]: formatMoney(g.accrued),
  });
  return {
    status: st.status,
    principal: formatMoney(st.principal),
    accrued_interest: formatMoney(st.accruedInterest),
    due_principal: formatMoney(st.duePrincipal),
    due_interest: formatMoney(st.dueInterest),
    due_since: isoOrNull(st.dueSince),
    overdue_principal: formatMoney(st.overduePrincipal),
    overdue_interest: formatMoney(st.overdueInterest),
    penalty_interest: formatMoney(st.penaltyInterest),
    compound_interest: formatMoney(st.compoundInterest),
    credit_balance: formatMoney(st.creditBalance),
    oldest_unpaid_due: isoOrNull(st.oldestUnpaidDue),
    days_past_due: st.daysPastDue,
    next_period: st.nextPeriod,
    next_due_date: isoOrNull(st.nextDueDate),
    next_principal: st.nextPrincipal === null ? null : formatMoney(st.nextPrincipal),
    period_start: toIso(st.periodStart),
    n_switch_on: st.normalSwitch === null ? null : toIso(st.normalSwitch.day),
    n_switch_denominator: st.normalSwitch === null ? null : st.normalSwitch.denominator,
    ...seg('n', st.normal),
    ...seg('p', st.penalty),
    ...seg('c', st.compound),
    accrued_through: toIso(st.accruedThrough),
    annual_rate: formatRate(st.annualRate),
    penalty_markup_percent: formatRate(st.penaltyMarkupPercent),
    grace_days: st.graceDays,
    basis_kind: st.basis.kind,
    basis_year_days: st.basis.yearDays,
    basis_repay_every: st.basis.kind === 'monthly_period' ? st.basis.repayEvery : 1,
    interest_on_original:
      st.interestOnOriginal === null ? null : formatMoney(st.interestOnOriginal),
    classification: st.classification,
  };
}

export async function saveState(tx: Queryable, st: LoanState): Promise<void> {
  const { loan, accruals } = splitValues(stateValues(st));
  const cols = Object.keys(loan);
  await tx.query(
    `UPDATE loans SET ${cols.map((c, i) => `${c} = $${i + 2}`).join(', ')},
       version = version + 1, updated_at = now(),
       closed_on = CASE WHEN $${cols.length + 2}::text = 'closed' THEN COALESCE(closed_on, $${cols.length + 3}::date) ELSE closed_on END
     WHERE id = $1`,
    [st.id, ...Object.values(loan), st.status, toIso(st.accruedThrough + 1)],
  );
  const acols = Object.keys(accruals);
  await tx.query(
    `UPDATE loan_accruals SET ${acols.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE loan_id = $1`,
    [st.id, ...Object.values(accruals)],
  );
}

export async function loadState(
  tx: Queryable,
  id: string,
  lock: boolean,
): Promise<LoanState | undefined> {
  const { rows } = await tx.query<StateRow>(
    `SELECT ${STATE_COLUMNS} FROM ${LOANS_WITH_ACCRUALS} WHERE loans.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? stateFromRow(rows[0]) : undefined;
}

interface InstallmentDbRow {
  period: number;
  due_date: string;
  principal: string;
  scheduled_interest: string;
  billed_interest: string | null;
  principal_paid: string;
  interest_paid: string;
  status: InstallmentRow['status'];
  paid_on: string | null;
}

export async function loadInstallments(tx: Queryable, loanId: string): Promise<InstallmentRow[]> {
  const { rows } = await tx.query<InstallmentDbRow>(
    `SELECT period, due_date, principal, scheduled_interest, billed_interest, principal_paid,
            interest_paid, status, paid_on
       FROM installments WHERE loan_id = $1 ORDER BY period`,
    [loanId],
  );
  return rows.map((r) => ({
    period: r.period,
    dueDate: toDay(r.due_date),
    principal: cents(r.principal),
    scheduledInterest: cents(r.scheduled_interest),
    billedInterest: r.billed_interest === null ? null : cents(r.billed_interest),
    principalPaid: cents(r.principal_paid),
    interestPaid: cents(r.interest_paid),
    status: r.status,
    paidOn: dayOrNull(r.paid_on),
  }));
}

/** Upserts rows; with `replaceScheduled`, unbilled rows not in `rows` are deleted first. */
export async function writeInstallments(
  tx: Queryable,
  loanId: string,
  rows: readonly InstallmentRow[],
  replaceScheduled: boolean,
): Promise<void> {
  if (replaceScheduled) {
    await tx.query(
      `DELETE FROM installments WHERE loan_id = $1 AND status = 'scheduled' AND NOT (period = ANY($2::int[]))`,
      [loanId, rows.filter((r) => r.status === 'scheduled').map((r) => r.period)],
    );
  }
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO installments (loan_id, period, due_date, principal, scheduled_interest, billed_interest,
                               principal_paid, interest_paid, status, paid_on)
     SELECT $1, * FROM unnest($2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[],
                              $7::numeric[], $8::numeric[], $9::text[], $10::date[])
     ON CONFLICT (loan_id, period) DO UPDATE SET
       due_date = EXCLUDED.due_date, principal = EXCLUDED.principal,
       scheduled_interest = EXCLUDED.scheduled_interest, billed_interest = EXCLUDED.billed_interest,
       principal_paid = EXCLUDED.principal_paid, interest_paid = EXCLUDED.interest_paid,
       status = EXCLUDED.status, paid_on = EXCLUDED.paid_on`,
    [
      loanId,
      rows.map((r) => r.period),
      rows.map((r) => toIso(r.dueDate)),
      rows.map((r) => formatMoney(r.principal)),
      rows.map((r) => formatMoney(r.scheduledInterest)),
      rows.map((r) => (r.billedInterest === null ? null : formatMoney(r.billedInterest))),
      rows.map((r) => formatMoney(r.principalPaid)),
      rows.map((r) => formatMoney(r.interestPaid)),
      rows.map((r) => r.status),
      rows.map((r) => isoOrNull(r.paidOn)),
    ],
  );
}

export async function insertSegments(
  tx: Queryable,
  segments: readonly (ClosedSegment & { loanId: string })[],
): Promise<void> {
  if (segments.length === 0) return;
  await tx.query(
    `INSERT INTO interest_segments (loan_id, kind, start_date, end_date, base, rate, denominator, interest)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::date[], $4::date[], $5::numeric[], $6::numeric[], $7::int[], $8::numeric[])`,
    [
      segments.map((g) => g.loanId),
      segments.map((g) => g.kind),
      segments.map((g) => toIso(g.start)),
      segments.map((g) => toIso(g.end)),
      segments.map((g) => formatMoney(g.base)),
      segments.map((g) => formatRate(g.rate)),
      segments.map((g) => g.denominator),
      segments.map((g) => formatMoney(g.interest)),
    ],
  );
}

/**
 * One balanced journal entry for one loan. Lines on loan-level accounts carry the loan id.
 * Returns the entry id, or null when the postings net to nothing.
 */
export async function postLoanEntry(
  tx: Queryable,
  entry: {
    businessDate: DayNumber;
    kind: PostingKind;
    loanId: string;
    reference?: string;
    description: string;
    postings: readonly Posting[];
  },
): Promise<string | null> {
  const lines = journalLines(entry.postings);
  if (lines.length === 0) return null;
  let debit = 0n;
  let credit = 0n;
  for (const l of lines) {
    debit += l.debit;
    credit += l.credit;
  }
  if (debit !== credit)
    throw new Error(`unbalanced entry for loan ${entry.loanId}: ${debit} ≠ ${credit}`);
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO journal_entries (id, business_date, kind, loan_id, reference, description)
     VALUES (nextval('journal_entry_ids'), $1, $2, $3, $4, $5) RETURNING id`,
    [
      toIso(entry.businessDate),
      entry.kind,
      entry.loanId,
      entry.reference ?? null,
      entry.description,
    ],
  );
  const id = rows[0]!.id;
  const lineLoan = (account: string) =>
    (LOAN_ACCOUNTS as readonly string[]).includes(account) ? entry.loanId : null;
  // Every line carries the loan's branch, so that the ledger follows a reader's branch scope.
  const { rows: written } = await tx.query<{ branch_id: string }>(
    `INSERT INTO journal_lines (entry_id, account_code, loan_id, debit, credit, branch_id)
     SELECT $1, a, l, d, c, (SELECT branch_id FROM loans WHERE id = $6)
       FROM unnest($2::text[], $3::uuid[], $4::numeric[], $5::numeric[]) AS t(a, l, d, c)
     RETURNING branch_id`,
    [
      id,
      lines.map((l) => l.account),
      lines.map((l) => lineLoan(l.account)),
      lines.map((l) => formatMoney(l.debit)),
      lines.map((l) => formatMoney(l.credit)),
      entry.loanId,
    ],
  );
  const branchId = written[0]!.branch_id;
  await appendEntryPosted(tx, {
    entryId: id,
    businessDate: toIso(entry.businessDate),
    kind: entry.kind,
    loanId: entry.loanId,
    reference: entry.reference,
    description: entry.description,
    lines: lines.map((l) => ({ ...l, branchId, loanId: lineLoan(l.account) })),
  });
  return id;
}

/** Replaces the loan's whole schedule (a replay rebuilt it). */
export async function replaceInstallments(
  tx: Queryable,
  loanId: string,
  rows: readonly InstallmentRow[],
): Promise<void> {
  await tx.query('DELETE FROM installments WHERE loan_id = $1', [loanId]);
  await writeInstallments(tx, loanId, rows, false);
}

/** Replaces the loan's closed interest segments (a replay rebuilt them). */
export async function replaceSegments(
  tx: Queryable,
  loanId: string,
  segments: readonly ClosedSegment[],
): Promise<void> {
  await tx.query('DELETE FROM interest_segments WHERE loan_id = $1', [loanId]);
  await insertSegments(
    tx,
    segments.map((g) => ({ ...g, loanId })),
  );
}

export async function applicationHasLoan(tx: Queryable, applicationId: string): Promise<boolean> {
  const dup = await tx.query('SELECT 1 FROM loans WHERE application_id = $1', [applicationId]);
  return (dup.rowCount ?? 0) > 0;
}

/** The next loan number of a business date: LN + date + a six-digit sequence. */
export async function nextLoanNumber(tx: Queryable, on: DayNumber): Promise<string> {
  const { rows } = await tx.query<{ n: string }>(`SELECT nextval('loan_numbers') AS n`);
  return `LN${toIso(on).replaceAll('-', '')}${rows[0]!.n.padStart(6, '0')}`;
}

/** A loan account to create: what it is, where it came from, and its opening state. */
export interface NewLoan {
  state: LoanState;
  loanNumber: string;
  applicationId: string | null;
  contractId: string | null;
  contractNumber: string | null;
  importId: string | null;
  customerId: string;
  borrowerName: string;
  branchId: string;
  productCode: string;
  approved: Cents;
  openedOn: DayNumber;
  maturity: DayNumber;
  /** The schedule request the loan was opened with, kept as given. */
  terms: unknown;
  rateType: 'fixed' | 'floating';
  lprTerm: string | null;
  spreadBp: number | null;
  repricing: string | null;
  nextRepricingDate: DayNumber | null;
  allocationOrder: readonly string[];
}

/** Inserts the loan row and its accruals row, column by name. */
export async function insertLoan(tx: Queryable, l: NewLoan): Promise<void> {
  const { loan: stateColumns, accruals } = splitValues(stateValues(l.state));
  const loan: Record<string, unknown> = {
    id: l.state.id,
    loan_number: l.loanNumber,
    application_id: l.applicationId,
    customer_id: l.customerId,
    branch_id: l.branchId,
    product_code: l.productCode,
    approved_amount: formatMoney(l.approved),
    opened_on: toIso(l.openedOn),
    maturity_date: toIso(l.maturity),
    terms: JSON.stringify(l.terms),
    rate_type: l.rateType,
    lpr_term: l.lprTerm,
    spread_bp: l.spreadBp,
    repricing: l.repricing,
    next_repricing_date: isoOrNull(l.nextRepricingDate),
    allocation_order: l.allocationOrder,
    contract_number: l.contractNumber,
    contract_id: l.contractId,
    origin: l.importId ? 'import' : 'contract',
    import_id: l.importId,
    borrower_name: l.borrowerName,
    ...stateColumns,
  };
  await insertRow(tx, 'loans', loan);
  await insertRow(tx, 'loan_accruals', { loan_id: l.state.id, ...accruals });
}

async function insertRow(tx: Queryable, table: string, row: Record<string, unknown>) {
  const columns = Object.keys(row);
  await tx.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    Object.values(row),
  );
}
