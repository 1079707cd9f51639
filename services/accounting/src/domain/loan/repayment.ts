import type { DayNumber } from '../schedule/calendar';
import { formatMoney, minCents, type Cents } from '../money';
import { ACCOUNTS, type AccountCode, type Posting } from './ledger';
import {
  resegment,
  segmentTargets,
  totalOwedNow,
  type ClosedSegment,
  type LoanState,
} from './state';

/** What a repayment can pay, in the words of the allocation order. */
export type Bucket =
  | 'compound'
  | 'penalty'
  | 'overdue_interest'
  | 'overdue_principal'
  | 'due_interest'
  | 'due_principal';

export const BUCKETS: readonly Bucket[] = [
  'compound',
  'penalty',
  'overdue_interest',
  'overdue_principal',
  'due_interest',
  'due_principal',
];

/** 先复利、再罚息、后利息、再本金: the usual order, overdue before current. */
export const DEFAULT_ALLOCATION_ORDER: readonly Bucket[] = BUCKETS;

export function validateAllocationOrder(order: readonly string[]): string | undefined {
  const seen = new Set(order);
  if (order.length !== BUCKETS.length || seen.size !== BUCKETS.length) {
    return `must name each of ${BUCKETS.join(', ')} once`;
  }
  const unknown = order.find((b) => !BUCKETS.includes(b as Bucket));
  return unknown ? `"${unknown}" is not one of ${BUCKETS.join(', ')}` : undefined;
}

export type RepaymentKind = 'regular' | 'prepayment' | 'payoff';

/** Cash through the settlement account, or the value of an asset taken in settlement (抵债资产). */
export type RepaymentSource = 'cash' | 'repossessed_asset';

export interface Allocation {
  compound: Cents;
  penalty: Cents;
  overdueInterest: Cents;
  overduePrincipal: Cents;
  dueInterest: Cents;
  duePrincipal: Cents;
  /** Interest of the current period accrued to date, paid on payoff (and prepayment, by default). */
  accruedInterest: Cents;
  /** Principal not yet billed (prepayment, payoff). */
  principal: Cents;
  /** Held as a credit balance (overpayment). */
  credit: Cents;
  /** Taken from the credit balance the loan already had (payoff). */
  fromCredit: Cents;
}

const BUCKET_FIELD = {
  compound: ['compound', 'compoundInterest', ACCOUNTS.compoundReceivable],
  penalty: ['penalty', 'penaltyInterest', ACCOUNTS.penaltyReceivable],
  overdue_interest: ['overdueInterest', 'overdueInterest', ACCOUNTS.billedInterest],
  overdue_principal: ['overduePrincipal', 'overduePrincipal', ACCOUNTS.overduePrincipal],
  due_interest: ['dueInterest', 'dueInterest', ACCOUNTS.billedInterest],
  due_principal: ['duePrincipal', 'duePrincipal', ACCOUNTS.principal],
} as const;

export type RepaymentOutcome =
  | {
      ok: true;
      state: LoanState;
      allocation: Allocation;
      postings: Posting[];
      closedSegments: ClosedSegment[];
      /** The loan owes nothing any more. */
      settled: boolean;
    }
  | { ok: false; field: string; reason: string };

/** What paying the loan off on `day` costs: everything owed, the period's interest to date, the principal. */
export const payoffAmount = (s: LoanState): Cents =>
  totalOwedNow(s) + s.accruedInterest + s.principal - s.creditBalance;

/**
 * Posts a repayment with value date `day` (the open business date; the loan is accrued through
 * the day before). Regular: pays the buckets in `order`, holds the rest as a credit. Prepayment:
 * must clear what is owed now and — where the product says so (`interestFirst`, the default, as
 * mainland banks do: 提前还款先结清当期应计利息) — the interest accrued to the day; the rest
 * repays principal not yet billed (the caller re-amortizes). Payoff: must be exactly the payoff
 * amount; the loan closes.
 * Segments change from `day`, so the day itself bears interest only on what is left.
 */
export function applyRepayment(
  s0: LoanState,
  day: DayNumber,
  amount: Cents,
  kind: RepaymentKind,
  order: readonly Bucket[] = DEFAULT_ALLOCATION_ORDER,
  /** Where the money comes from: the settlement account, or a repossessed asset (以物抵债). */
  funding: RepaymentSource = 'cash',
  /** A prepayment settles the interest accrued to the day before it repays principal. */
  interestFirst = true,
): RepaymentOutcome {
  if (s0.status !== 'active')
    return { ok: false, field: 'loanId', reason: `the loan is ${s0.status}` };
  if (s0.accruedThrough !== day - 1) {
    return { ok: false, field: 'valueDate', reason: 'must be the open business date' };
  }
  if (amount <= 0n) return { ok: false, field: 'amount', reason: 'must be greater than zero' };
  const owed = totalOwedNow(s0);
  if (kind === 'payoff') {
    const due = payoffAmount(s0);
    if (amount !== due) {
      return {
        ok: false,
        field: 'amount',
        reason: `must be the payoff amount ${formatMoney(due)}`,
      };
    }
  }
  if (kind === 'prepayment') {
    const before = owed + (interestFirst ? s0.accruedInterest : 0n);
    if (amount <= before) {
      return {
        ok: false,
        field: 'amount',
        reason: interestFirst
          ? `must exceed what is owed now with the interest accrued to date (${formatMoney(before)}); the rest repays principal`
          : `must exceed what is owed now (${formatMoney(owed)}); the rest repays principal`,
      };
    }
    if (amount - before >= s0.principal) {
      return {
        ok: false,
        field: 'amount',
        reason: `repays all principal; pay the loan off instead (payoff amount ${formatMoney(payoffAmount(s0))})`,
      };
    }
  }

  const s: LoanState = { ...s0 };
  const allocation: Allocation = {
    compound: 0n,
    penalty: 0n,
    overdueInterest: 0n,
    overduePrincipal: 0n,
    dueInterest: 0n,
    duePrincipal: 0n,
    accruedInterest: 0n,
    principal: 0n,
    credit: 0n,
    fromCredit: 0n,
  };
  // Funds in the order they are used: on payoff the credit the loan holds goes first.
  const sources: { account: AccountCode; left: Cents }[] = [];
  if (kind === 'payoff' && s.creditBalance > 0n) {
    sources.push({ account: ACCOUNTS.advanceReceipts, left: s.creditBalance });
    allocation.fromCredit = s.creditBalance;
    s.creditBalance = 0n;
  }
  const fundedBy =
    funding === 'repossessed_asset' ? ACCOUNTS.repossessedAssets : ACCOUNTS.settlement;
  sources.push({ account: fundedBy, left: amount });
  const postings: Posting[] = [];
  const take = (want: Cents, credit: AccountCode): Cents => {
    let taken = 0n;
    for (const src of sources) {
      const part = minCents(src.left, want - taken);
      if (part <= 0n) continue;
      src.left -= part;
      taken += part;
      postings.push({
        kind:
          src.account === ACCOUNTS.advanceReceipts
            ? 'advance_applied'
            : src.account === ACCOUNTS.repossessedAssets
              ? 'repossession'
              : 'repayment',
        debit: src.account,
        credit,
        amount: part,
      });
    }
    return taken;
  };

  for (const bucket of order) {
    const [allocKey, stateKey, account] = BUCKET_FIELD[bucket];
    const paid = take(s[stateKey], account);
    allocation[allocKey] += paid;
    s[stateKey] -= paid;
  }
  if (kind === 'payoff' || (kind === 'prepayment' && interestFirst)) {
    allocation.accruedInterest = take(s.accruedInterest, ACCOUNTS.accruedInterest);
    s.accruedInterest -= allocation.accruedInterest;
  }
  if (kind === 'payoff' || kind === 'prepayment') {
    allocation.principal = take(s.principal, ACCOUNTS.principal);
    s.principal -= allocation.principal;
    // A flat loan bears its flat interest on what is left after a prepayment, as its new
    // schedule shows.
    if (s.interestOnOriginal !== null) s.interestOnOriginal = s.principal;
  }
  const rest = sources.reduce((sum, src) => sum + src.left, 0n);
  if (rest > 0n) {
    allocation.credit = take(rest, ACCOUNTS.advanceReceipts);
    s.creditBalance += allocation.credit;
  }

  if (s.dueInterest + s.duePrincipal === 0n) s.dueSince = null;
  const settled = totalOwedNow(s) === 0n && s.principal === 0n && s.accruedInterest === 0n;
  if (settled) {
    s.status = 'closed';
    s.nextPeriod = null;
    s.nextDueDate = null;
    s.nextPrincipal = null;
    s.daysPastDue = 0;
    s.oldestUnpaidDue = null;
  }
  const { state, closed } = resegment(s, day, segmentTargets(s, s.normal.denominator));
  return { ok: true, state, allocation, postings, closedSegments: closed, settled };
}

/** An installment as the repayment logic sees it. */
export interface InstallmentRow {
  period: number;
  dueDate: DayNumber;
  principal: Cents;
  scheduledInterest: Cents;
  billedInterest: Cents | null;
  principalPaid: Cents;
  interestPaid: Cents;
  status: 'scheduled' | 'due' | 'overdue' | 'paid';
  paidOn: DayNumber | null;
}

/**
 * Spreads the billed interest and principal a repayment paid over the billed installments,
 * oldest first, and returns the rows that changed with the oldest one still unpaid.
 */
export function settleInstallments(
  rows: readonly InstallmentRow[],
  interest: Cents,
  principal: Cents,
  day: DayNumber,
  only?: 'due' | 'overdue',
): { changed: InstallmentRow[]; oldestUnpaidDue: DayNumber | null } {
  const changed: InstallmentRow[] = [];
  let oldestUnpaidDue: DayNumber | null = null;
  for (const row of [...rows].sort((a, b) => a.period - b.period)) {
    if (row.status !== 'due' && row.status !== 'overdue') continue;
    if (only !== undefined && row.status !== only) {
      oldestUnpaidDue ??= row.dueDate;
      continue;
    }
    const r = { ...row };
    const i = minCents(interest, (r.billedInterest ?? 0n) - r.interestPaid);
    const p = minCents(principal, r.principal - r.principalPaid);
    interest -= i;
    principal -= p;
    r.interestPaid += i;
    r.principalPaid += p;
    if (r.interestPaid === (r.billedInterest ?? 0n) && r.principalPaid === r.principal) {
      r.status = 'paid';
      r.paidOn = day;
    } else if (oldestUnpaidDue === null) {
      oldestUnpaidDue = r.dueDate;
    }
    if (i > 0n || p > 0n || r.status !== row.status) changed.push(r);
  }
  return { changed, oldestUnpaidDue };
}
