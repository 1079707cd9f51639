import type { Cents } from '../money';

/** The chart of accounts (migration 001 seeds the same codes with their names). */
export const ACCOUNTS = {
  principal: '130101',
  overduePrincipal: '130102',
  accruedInterest: '113201',
  billedInterest: '113202',
  penaltyReceivable: '113203',
  compoundReceivable: '113204',
  lossAllowance: '130401',
  repossessedAssets: '144101',
  settlement: '201101',
  advanceReceipts: '224101',
  interestIncome: '601101',
  penaltyIncome: '601102',
  compoundIncome: '601103',
} as const;
export type AccountCode = (typeof ACCOUNTS)[keyof typeof ACCOUNTS];

/** Accounts whose balance belongs to one loan; each must equal that loan's balance. */
export const LOAN_ACCOUNTS: readonly AccountCode[] = [
  ACCOUNTS.principal,
  ACCOUNTS.overduePrincipal,
  ACCOUNTS.accruedInterest,
  ACCOUNTS.billedInterest,
  ACCOUNTS.penaltyReceivable,
  ACCOUNTS.compoundReceivable,
  ACCOUNTS.advanceReceipts,
];

export type PostingKind =
  | 'disbursement'
  | 'accrual_normal'
  | 'accrual_penalty'
  | 'accrual_compound'
  | 'billing'
  | 'overdue'
  | 'repayment'
  | 'advance_applied'
  | 'write_off'
  | 'recovery'
  | 'repossession'
  | 'adjustment';

/** One debit and one credit of the same amount; entries are built from these, so they balance. */
export interface Posting {
  kind: PostingKind;
  debit: AccountCode;
  credit: AccountCode;
  amount: Cents;
}

export const posting = (
  kind: PostingKind,
  debit: AccountCode,
  credit: AccountCode,
  amount: Cents,
): Posting[] =>
  amount === 0n
    ? []
    : amount > 0n
      ? [{ kind, debit, credit, amount }]
      : [{ kind, debit: credit, credit: debit, amount: -amount }];

export interface JournalLine {
  account: AccountCode;
  debit: Cents;
  credit: Cents;
}

/** The lines of one entry: postings netted per account, each line on one side only. */
export function journalLines(postings: readonly Posting[]): JournalLine[] {
  const net = new Map<AccountCode, Cents>();
  for (const p of postings) {
    net.set(p.debit, (net.get(p.debit) ?? 0n) + p.amount);
    net.set(p.credit, (net.get(p.credit) ?? 0n) - p.amount);
  }
  const lines: JournalLine[] = [];
  for (const [account, amount] of net) {
    if (amount > 0n) lines.push({ account, debit: amount, credit: 0n });
    else if (amount < 0n) lines.push({ account, debit: 0n, credit: -amount });
  }
  return lines;
}
