import type { ScheduleTerms } from '../schedule';
import type { DayNumber } from '../schedule/calendar';
import type { Cents, Rate } from '../money';
import type { ClassificationPolicy } from './classification';
import { closeDay, type DayResult } from './end-of-day';
import { ACCOUNTS, posting, type Posting } from './ledger';
import { reamortize, type PrepaymentOption, type ScheduledInstallment } from './opening';
import {
  applyRepayment,
  settleInstallments,
  type Allocation,
  type Bucket,
  type InstallmentRow,
  type RepaymentKind,
  type RepaymentSource,
} from './repayment';
import { resegment, segmentTargets, type ClosedSegment, type LoanState } from './state';

/** A loan with its whole schedule in memory: what commands and the replay work on. */
export interface LoanBook {
  terms: ScheduleTerms;
  state: LoanState;
  installments: InstallmentRow[];
}

export interface Dated<T> {
  day: DayNumber;
  value: T;
}

export interface BookChange {
  book: LoanBook;
  postings: Posting[];
  closedSegments: ClosedSegment[];
  /** Installment rows that changed (by period), to write back. */
  changedInstallments: InstallmentRow[];
  /** Unbilled installments were replaced by a new schedule (re-amortized). */
  rescheduled: boolean;
}

const byPeriod = (rows: readonly InstallmentRow[]) => [...rows].sort((a, b) => a.period - b.period);

/** The installment after `period`, as the end of day wants it. */
export function installmentAfter(rows: readonly InstallmentRow[], period: number) {
  const next = byPeriod(rows).find((r) => r.period > period && r.status === 'scheduled');
  return next ? { period: next.period, dueDate: next.dueDate, principal: next.principal } : null;
}

/** End of day for a loan held in memory; installments follow billing and overdue as in the batch. */
export function closeBookDay(
  book: LoanBook,
  day: DayNumber,
  policy: ClassificationPolicy,
  rateChange?: Rate,
): { change: BookChange; result: DayResult } {
  const result = closeDay(book.state, day, {
    installmentAfter: (period) => installmentAfter(book.installments, period),
    rateChange,
    policy,
  });
  const changed = new Map<number, InstallmentRow>();
  const rows = book.installments.map((r) => ({ ...r }));
  if (result.wentOverdue) {
    for (const r of rows) {
      if (r.status !== 'due') continue;
      r.status = 'overdue';
      changed.set(r.period, r);
    }
  }
  if (result.billed) changed.set(result.billed.period, applyBilling(rows, result.billed, day + 1));
  let state = result.state;
  let rescheduled = false;
  let installments = rows;
  if (result.repriced && state.principal > 0n && state.nextPeriod !== null) {
    const re = rescheduleRemaining({ ...book, state, installments }, 'lower_installment');
    installments = re.installments;
    state = re.state;
    rescheduled = true;
  }
  return {
    change: {
      book: { terms: book.terms, state, installments },
      postings: result.postings,
      closedSegments: result.closedSegments,
      changedInstallments: [...changed.values()],
      rescheduled,
    },
    result,
  };
}

/** Marks an installment billed (and what a credit paid of it); returns the changed row. */
export function applyBilling(
  rows: InstallmentRow[],
  billed: NonNullable<DayResult['billed']>,
  dueDate: DayNumber,
): InstallmentRow {
  const row = rows.find((r) => r.period === billed.period)!;
  // Interest a prepayment paid of this period before its bill is part of the period's interest.
  const prepaid = row.interestPaid;
  row.principal = billed.principal;
  row.billedInterest = prepaid + billed.interest;
  row.principalPaid = billed.paidPrincipal;
  row.interestPaid = prepaid + billed.paidInterest;
  const paid = billed.paidPrincipal === billed.principal && billed.paidInterest === billed.interest;
  row.status = paid ? 'paid' : 'due';
  row.paidOn = paid ? dueDate : null;
  return row;
}

/** Re-amortizes the installments not yet billed over the state's principal and rate. */
function rescheduleRemaining(
  book: LoanBook,
  option: PrepaymentOption,
  keep?: Cents,
): { state: LoanState; installments: InstallmentRow[] } {
  const unbilled = byPeriod(book.installments).filter((r) => r.status === 'scheduled');
  const remaining: ScheduledInstallment[] = unbilled.map((r) => ({
    period: r.period,
    dueDate: r.dueDate,
    principal: r.principal,
    interest: 0n,
  }));
  const fresh = reamortize({
    terms: book.terms,
    principal: book.state.principal,
    annualRate: book.state.annualRate,
    periodStart: book.state.periodStart,
    remaining,
    option,
    keep,
  });
  const kept = new Map(fresh.map((f) => [f.period, f]));
  const installments = book.installments
    .filter((r) => r.status !== 'scheduled' || kept.has(r.period))
    .map((r) => {
      if (r.status !== 'scheduled') return r;
      const f = kept.get(r.period)!;
      return { ...r, principal: f.principal, scheduledInterest: f.interest };
    });
  const next = fresh[0];
  const state = {
    ...book.state,
    nextPeriod: next?.period ?? null,
    nextDueDate: next?.dueDate ?? null,
    nextPrincipal: next?.principal ?? null,
  };
  return { state, installments };
}

export interface RepaymentRequest {
  amount: Cents;
  kind: RepaymentKind;
  option?: PrepaymentOption;
  order?: readonly Bucket[];
  source?: RepaymentSource;
  /** A prepayment settles the interest accrued to date first (the product's rule; default on). */
  interestFirst?: boolean;
}

export type BookRepayment =
  | { ok: true; change: BookChange; allocation: Allocation; settled: boolean }
  | { ok: false; field: string; reason: string };

/** Posts a repayment on the open business date `day`, with its effect on the schedule. */
export function repayBook(book: LoanBook, day: DayNumber, req: RepaymentRequest): BookRepayment {
  const outcome = applyRepayment(
    book.state,
    day,
    req.amount,
    req.kind,
    req.order,
    req.source,
    req.interestFirst ?? true,
  );
  if (!outcome.ok) return outcome;
  const a = outcome.allocation;
  // Overdue installments take what the allocation gave to overdue amounts, due ones the rest,
  // whatever the order of the buckets was.
  const overdue = settleInstallments(
    book.installments,
    a.overdueInterest,
    a.overduePrincipal,
    day,
    'overdue',
  );
  const afterOverdue = book.installments.map(
    (r) => overdue.changed.find((c) => c.period === r.period) ?? r,
  );
  const due = settleInstallments(afterOverdue, a.dueInterest, a.duePrincipal, day, 'due');
  const changedRows = new Map([...overdue.changed, ...due.changed].map((r) => [r.period, r]));
  let installments = book.installments.map((r) => changedRows.get(r.period) ?? r);
  const oldestUnpaidDue = installments
    .filter((r) => r.status === 'due' || r.status === 'overdue')
    .reduce<DayNumber | null>((m, r) => (m === null || r.dueDate < m ? r.dueDate : m), null);
  let state: LoanState = {
    ...outcome.state,
    oldestUnpaidDue: outcome.settled ? null : oldestUnpaidDue,
  };
  let rescheduled = false;
  if (outcome.settled) {
    // Payoff: the current period's interest to date is billed and paid with it, the rest of the
    // schedule is repaid today.
    const current = book.state.nextPeriod;
    installments = installments.map((r) => {
      if (r.status !== 'scheduled') return r;
      const interest = r.period === current ? a.accruedInterest : 0n;
      const row: InstallmentRow = {
        ...r,
        // With what a prepayment already paid of the period's interest.
        billedInterest: r.interestPaid + interest,
        interestPaid: r.interestPaid + interest,
        principalPaid: r.principal,
        status: 'paid',
        paidOn: day,
      };
      changedRows.set(r.period, row);
      return row;
    });
  } else if (req.kind === 'prepayment') {
    if (a.accruedInterest > 0n) {
      // The current period's interest to date is paid now; its bill will carry only the rest,
      // and the installment shows both (billed = paid now + billed later).
      installments = installments.map((r) =>
        r.period === book.state.nextPeriod
          ? { ...r, interestPaid: r.interestPaid + a.accruedInterest }
          : r,
      );
    }
    const option = req.option ?? 'lower_installment';
    const next = installments.find((r) => r.period === book.state.nextPeriod);
    // Shortening keeps the level installment of an annuity, or the principal part otherwise.
    const keep =
      book.terms.repaymentMethod === 'equal_installments'
        ? next && next.principal + next.scheduledInterest
        : next?.principal;
    const re = rescheduleRemaining({ ...book, state, installments }, option, keep);
    for (const r of book.installments) if (r.status === 'scheduled') changedRows.delete(r.period);
    installments = re.installments;
    state = re.state;
    rescheduled = true;
  }
  return {
    ok: true,
    allocation: a,
    settled: outcome.settled,
    change: {
      book: { terms: book.terms, state, installments },
      postings: outcome.postings,
      closedSegments: outcome.closedSegments,
      changedInstallments: [...changedRows.values()],
      rescheduled,
    },
  };
}

/** A further tranche paid out on `day`: principal grows, the remaining schedule is re-amortized. */
export function disburseTranche(book: LoanBook, day: DayNumber, amount: Cents): BookChange {
  const s0 = book.state;
  if (s0.accruedThrough !== day - 1)
    throw new Error('a tranche is paid out on the open business date');
  const grown: LoanState = {
    ...s0,
    principal: s0.principal + amount,
    interestOnOriginal: s0.interestOnOriginal === null ? null : s0.interestOnOriginal + amount,
  };
  const { state, closed } = resegment(grown, day, segmentTargets(grown, grown.normal.denominator));
  const re = rescheduleRemaining({ ...book, state }, 'lower_installment');
  return {
    book: { terms: book.terms, state: re.state, installments: re.installments },
    postings: posting('disbursement', ACCOUNTS.principal, ACCOUNTS.settlement, amount),
    closedSegments: closed,
    changedInstallments: [],
    rescheduled: true,
  };
}
