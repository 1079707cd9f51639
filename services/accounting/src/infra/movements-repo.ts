// The money movements of a loan besides its journal: disbursements (tranches), repayments,
// credit refunds, write-offs and recoveries.
import type { Queryable } from '@loanflow/platform';
import type { PrepaymentOption } from '../domain/loan/opening';
import type { Allocation, RepaymentKind, RepaymentSource } from '../domain/loan/repayment';
import { formatMoney, type Cents } from '../domain/money';
import type { DayNumber } from '../domain/schedule/calendar';
import { cents, toDay, toIso } from './loan-repo';

/** How a tranche is paid out: to a named counterparty (受托支付) or to the borrower (自主支付). */
export interface Payee {
  method: 'entrusted' | 'self' | undefined;
  name: string | undefined;
  account: string | undefined;
  bank: string | undefined;
}

export async function insertDisbursement(
  tx: Queryable,
  d: {
    id: string;
    loanId: string;
    tranche: number;
    amount: Cents;
    valueDate: DayNumber;
    payee: Payee;
    disbursedBy: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO disbursements (id, loan_id, tranche, amount, value_date, payment_method,
       counterparty_name, counterparty_account, counterparty_bank, disbursed_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      d.id,
      d.loanId,
      d.tranche,
      formatMoney(d.amount),
      toIso(d.valueDate),
      d.payee.method,
      d.payee.name ?? null,
      d.payee.account ?? null,
      d.payee.bank ?? null,
      d.disbursedBy,
    ],
  );
}

/** The number of the loan's next tranche. */
export async function nextTranche(tx: Queryable, loanId: string): Promise<number> {
  const { rows } = await tx.query<{ n: number }>(
    'SELECT max(tranche) + 1 AS n FROM disbursements WHERE loan_id = $1',
    [loanId],
  );
  return rows[0]!.n;
}

/** Tranches after the first, for a replay. */
export async function laterTranches(
  tx: Queryable,
  loanId: string,
): Promise<{ id: string; valueDate: DayNumber; amount: Cents; createdAt: Date }[]> {
  const { rows } = await tx.query<{
    id: string;
    value_date: string;
    amount: string;
    created_at: Date;
  }>(
    'SELECT id, value_date, amount, created_at FROM disbursements WHERE loan_id = $1 AND tranche > 1',
    [loanId],
  );
  return rows.map((r) => ({
    id: r.id,
    valueDate: toDay(r.value_date),
    amount: cents(r.amount),
    createdAt: r.created_at,
  }));
}

/** A repossessed asset registered on the loan: its valuation and what it settled already. */
export async function assetSettlement(
  tx: Queryable,
  loanId: string,
  assetId: string,
): Promise<{ valuation: Cents; settled: Cents } | undefined> {
  const { rows } = await tx.query<{ valuation: string; settled: string }>(
    `SELECT a.valuation_amount::text AS valuation,
            COALESCE((SELECT sum(r.amount) FROM repayments r
                       WHERE r.loan_id = a.loan_id AND r.source = 'repossessed_asset'
                         AND r.status = 'posted' AND lower(r.reference) = a.id::text), 0)::text AS settled
       FROM repossessed_assets a
      WHERE a.loan_id = $1 AND a.id::text = lower($2)`,
    [loanId, assetId],
  );
  const r = rows[0];
  return r && { valuation: cents(r.valuation), settled: cents(r.settled) };
}

/** The allocation of a repayment as stored and shown: every bucket as a decimal string. */
export type AllocationRecord = Record<keyof Allocation, string>;

export const allocationRecord = (a: Allocation): AllocationRecord => ({
  compound: formatMoney(a.compound),
  penalty: formatMoney(a.penalty),
  overdueInterest: formatMoney(a.overdueInterest),
  overduePrincipal: formatMoney(a.overduePrincipal),
  dueInterest: formatMoney(a.dueInterest),
  duePrincipal: formatMoney(a.duePrincipal),
  accruedInterest: formatMoney(a.accruedInterest),
  principal: formatMoney(a.principal),
  credit: formatMoney(a.credit),
  fromCredit: formatMoney(a.fromCredit),
});

export interface RepaymentRecord {
  id: string;
  loanId: string;
  valueDate: string;
  amount: string;
  kind: RepaymentKind;
  prepaymentOption: PrepaymentOption | null;
  allocation: AllocationRecord;
  status: 'posted' | 'reversed';
  reference: string | null;
  postedBy: string;
  source: RepaymentSource;
  accruedInterestFirst: boolean;
  createdAt: Date;
}

export async function insertRepayment(
  tx: Queryable,
  r: Omit<RepaymentRecord, 'status' | 'createdAt'>,
): Promise<void> {
  await tx.query(
    `INSERT INTO repayments (id, loan_id, value_date, amount, kind, prepayment_option, allocation, status,
       reference, posted_by, source, accrued_interest_first)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'posted', $8, $9, $10, $11)`,
    [
      r.id,
      r.loanId,
      r.valueDate,
      r.amount,
      r.kind,
      r.prepaymentOption,
      JSON.stringify(r.allocation),
      r.reference,
      r.postedBy,
      r.source,
      r.accruedInterestFirst,
    ],
  );
}

interface RepaymentRow {
  id: string;
  loan_id: string;
  value_date: string;
  amount: string;
  kind: RepaymentKind;
  prepayment_option: PrepaymentOption | null;
  allocation: AllocationRecord;
  status: 'posted' | 'reversed';
  reference: string | null;
  posted_by: string;
  source: RepaymentSource;
  accrued_interest_first: boolean;
  created_at: Date;
}

const repaymentOf = (r: RepaymentRow): RepaymentRecord => ({
  id: r.id,
  loanId: r.loan_id,
  valueDate: r.value_date,
  amount: r.amount,
  kind: r.kind,
  prepaymentOption: r.prepayment_option,
  allocation: r.allocation,
  status: r.status,
  reference: r.reference,
  postedBy: r.posted_by,
  source: r.source,
  accruedInterestFirst: r.accrued_interest_first,
  createdAt: r.created_at,
});

export async function repaymentById(
  tx: Queryable,
  id: string,
): Promise<RepaymentRecord | undefined> {
  const { rows } = await tx.query<RepaymentRow>('SELECT * FROM repayments WHERE id = $1', [id]);
  return rows[0] && repaymentOf(rows[0]);
}

/** A page of a loan's repayments, newest first, after the repayment `before` (a page token). */
export async function repaymentsOfLoan(
  db: Queryable,
  loanId: string,
  limit: number,
  before?: string,
): Promise<RepaymentRecord[]> {
  const { rows } = await db.query<RepaymentRow>(
    `SELECT * FROM repayments WHERE loan_id = $1
       AND ($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM repayments WHERE id = $3))
     ORDER BY created_at DESC, id DESC LIMIT $2`,
    [loanId, limit, before ?? null],
  );
  return rows.map(repaymentOf);
}

/** The loan's posted repayments but one, for a replay without it. */
export async function postedRepaymentsExcept(
  tx: Queryable,
  loanId: string,
  exceptId: string,
): Promise<RepaymentRecord[]> {
  const { rows } = await tx.query<RepaymentRow>(
    `SELECT * FROM repayments WHERE loan_id = $1 AND status = 'posted' AND id <> $2`,
    [loanId, exceptId],
  );
  return rows.map(repaymentOf);
}

export async function markRepaymentReversed(
  tx: Queryable,
  id: string,
  by: string,
  reason: string,
): Promise<void> {
  await tx.query(
    `UPDATE repayments SET status = 'reversed', reversed_at = now(), reversed_by = $2, reversal_reason = $3 WHERE id = $1`,
    [id, by, reason],
  );
}

export async function setRepaymentAllocation(
  tx: Queryable,
  id: string,
  allocation: AllocationRecord,
): Promise<void> {
  await tx.query('UPDATE repayments SET allocation = $2 WHERE id = $1', [
    id,
    JSON.stringify(allocation),
  ]);
}

export async function insertCreditRefund(
  tx: Queryable,
  r: {
    id: string;
    loanId: string;
    businessDate: DayNumber;
    amount: Cents;
    reference: string | undefined;
    by: string;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO credit_refunds (id, loan_id, business_date, amount, reference, refunded_by) VALUES ($1, $2, $3, $4, $5, $6)',
    [r.id, r.loanId, toIso(r.businessDate), formatMoney(r.amount), r.reference ?? null, r.by],
  );
}

export async function creditRefunds(
  tx: Queryable,
  loanId: string,
): Promise<{ id: string; businessDate: DayNumber; amount: Cents; createdAt: Date }[]> {
  const { rows } = await tx.query<{
    id: string;
    business_date: string;
    amount: string;
    created_at: Date;
  }>('SELECT id, business_date, amount, created_at FROM credit_refunds WHERE loan_id = $1', [
    loanId,
  ]);
  return rows.map((r) => ({
    id: r.id,
    businessDate: toDay(r.business_date),
    amount: cents(r.amount),
    createdAt: r.created_at,
  }));
}

export async function insertWriteOff(
  tx: Queryable,
  w: {
    loanId: string;
    businessDate: DayNumber;
    principal: Cents;
    interest: Cents;
    total: Cents;
    reason: string;
    by: string;
  },
): Promise<void> {
  await tx.query(
    `INSERT INTO write_offs (loan_id, business_date, principal, interest, total, reason, written_off_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      w.loanId,
      toIso(w.businessDate),
      formatMoney(w.principal),
      formatMoney(w.interest),
      formatMoney(w.total),
      w.reason,
      w.by,
    ],
  );
}

/** What a written-off loan wrote off, and what has been recovered of it. */
export async function writeOffRecovery(
  tx: Queryable,
  loanId: string,
): Promise<{ total: Cents; recovered: Cents }> {
  const { rows } = await tx.query<{ total: string; recovered: string }>(
    `SELECT w.total, COALESCE((SELECT sum(amount) FROM recoveries r WHERE r.loan_id = w.loan_id), 0) AS recovered
       FROM write_offs w WHERE w.loan_id = $1`,
    [loanId],
  );
  return { total: cents(rows[0]!.total), recovered: cents(rows[0]!.recovered) };
}

export async function insertRecovery(
  tx: Queryable,
  r: {
    id: string;
    loanId: string;
    businessDate: DayNumber;
    amount: Cents;
    reference: string | undefined;
    by: string;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO recoveries (id, loan_id, business_date, amount, reference, recorded_by) VALUES ($1, $2, $3, $4, $5, $6)',
    [r.id, r.loanId, toIso(r.businessDate), formatMoney(r.amount), r.reference ?? null, r.by],
  );
}
