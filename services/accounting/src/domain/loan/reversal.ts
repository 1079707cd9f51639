// 冲正: what a reversal posts. The loan is run again without the reversed repayment (replay.ts);
// the correcting entry moves every loan account from what the ledger holds to the replayed
// balances, against the account the money came from, and income takes the re-accrual difference.
import type { Cents } from '../money';
import type { DayNumber } from '../schedule/calendar';
import type { RepaymentRequest } from './book';
import { ACCOUNTS, LOAN_ACCOUNTS, type AccountCode, type Posting } from './ledger';
import type { LoanHistory } from './replay';
import { expectedLedgerBalances, type LoanState, type SegmentKind } from './state';

/** A movement of the loan as recorded, with when it was posted (ids are UUIDv7). */
interface Recorded {
  id: string;
  postedAt: Date;
  day: DayNumber;
}

/**
 * The tranches after the first, the repayments standing and the credit refunds of a loan, in the
 * order they were posted (the order matters within a day).
 */
export function postingsInOrder(
  tranches: readonly (Recorded & { amount: Cents })[],
  repayments: readonly (Recorded & { request: RepaymentRequest })[],
  refunds: readonly (Recorded & { amount: Cents })[],
): LoanHistory['postings'] {
  const all = [
    ...tranches.map((t) => ({
      r: t,
      p: { kind: 'tranche' as const, day: t.day, amount: t.amount },
    })),
    ...repayments.map((x) => ({
      r: x,
      p: { kind: 'repayment' as const, id: x.id, day: x.day, request: x.request },
    })),
    ...refunds.map((x) => ({
      r: x,
      p: { kind: 'refund' as const, id: x.id, day: x.day, amount: x.amount },
    })),
  ];
  all.sort((a, b) => a.r.postedAt.getTime() - b.r.postedAt.getTime() || (a.r.id < b.r.id ? -1 : 1));
  return all.map((x) => x.p);
}

const INCOME: readonly [AccountCode, SegmentKind][] = [
  [ACCOUNTS.interestIncome, 'normal'],
  [ACCOUNTS.penaltyIncome, 'penalty'],
  [ACCOUNTS.compoundIncome, 'compound'],
];

/**
 * The correcting entry of a reversal, and the amount it gives back (which must be the amount
 * reversed). `ledger`: debit minus credit per loan account as booked; `closedInterest`: interest
 * of the closed segments per kind as booked; `current`: the loan's state before the reversal;
 * `replayed`: its state and income postings run again without the repayment.
 */
export function correctingEntry(c: {
  ledger: ReadonlyMap<string, Cents>;
  closedInterest: ReadonlyMap<string, Cents>;
  current: LoanState;
  replayed: { state: LoanState; postings: readonly Posting[] };
  /** Where the money came from: the settlement account, or the repossessed asset. */
  funding: AccountCode;
}): { adjustments: Posting[]; refunded: Cents } {
  const adjustments: Posting[] = [];
  const expected = expectedLedgerBalances(c.replayed.state);
  // Each loan account moves to its replayed balance against the funding account...
  let loanSide = 0n;
  for (const account of LOAN_ACCOUNTS) {
    // The advance-receipts liability is a credit balance.
    const want = account === ACCOUNTS.advanceReceipts ? -expected[account]! : expected[account]!;
    const diff = want - (c.ledger.get(account) ?? 0n);
    loanSide += diff;
    if (diff !== 0n)
      adjustments.push({ kind: 'adjustment', debit: account, credit: c.funding, amount: diff });
  }
  // ...and the income part moves over from the funding account to income.
  const incomeOf = (account: AccountCode) =>
    c.replayed.postings.reduce(
      (s, x) => s + (x.credit === account ? x.amount : 0n) - (x.debit === account ? x.amount : 0n),
      0n,
    );
  const open = c.current.status === 'active';
  const accruedOpen = {
    normal: c.current.normal,
    penalty: c.current.penalty,
    compound: c.current.compound,
  };
  let incomeTotal = 0n;
  for (const [account, kind] of INCOME) {
    const booked = (c.closedInterest.get(kind) ?? 0n) + (open ? accruedOpen[kind].accrued : 0n);
    const diff = incomeOf(account) - booked;
    incomeTotal += diff;
    if (diff !== 0n)
      adjustments.push({ kind: 'adjustment', debit: c.funding, credit: account, amount: diff });
  }
  return { adjustments, refunded: loanSide - incomeTotal };
}

/** An entry's postings net per account (debit positive), accounts that net to nothing left out. */
export function netPerAccount(postings: readonly Posting[]): [string, Cents][] {
  const net = new Map<string, Cents>();
  for (const a of postings) {
    net.set(a.debit, (net.get(a.debit) ?? 0n) + a.amount);
    net.set(a.credit, (net.get(a.credit) ?? 0n) - a.amount);
  }
  return [...net].filter(([, v]) => v !== 0n);
}
