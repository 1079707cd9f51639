import { describe, expect, it } from '@jest/globals';
import { repayBook } from './book';
import { ACCOUNTS, type Posting } from './ledger';
import { correctingEntry, netPerAccount, postingsInOrder } from './reversal';
import { expectedLedgerBalances } from './state';
import { day, openBook } from './test-support';

const schedule = {
  principal: '120000.00',
  annualRatePercent: '4.35',
  term: 12,
  termUnit: 'month',
  repaymentMethod: 'equal_installments',
  disbursementDate: '2025-01-15',
  repaymentDay: 15,
};

describe('postingsInOrder', () => {
  it('puts tranches, repayments and refunds in the order they were posted, ids breaking ties', () => {
    const at = (iso: string) => new Date(iso);
    const order = postingsInOrder(
      [{ id: 'b', postedAt: at('2025-02-01T10:00:00Z'), day: day('2025-02-01'), amount: 5n }],
      [
        {
          id: 'c',
          postedAt: at('2025-01-20T09:00:00Z'),
          day: day('2025-01-20'),
          request: { amount: 7n, kind: 'regular' },
        },
      ],
      [
        { id: 'a', postedAt: at('2025-02-01T10:00:00Z'), day: day('2025-02-01'), amount: 3n },
        { id: 'd', postedAt: at('2025-01-10T09:00:00Z'), day: day('2025-01-10'), amount: 1n },
      ],
    );
    expect(order.map((p) => [p.kind, 'amount' in p ? p.amount : p.request.amount])).toEqual([
      ['refund', 1n],
      ['repayment', 7n],
      ['refund', 3n],
      ['tranche', 5n],
    ]);
  });
});

describe('correctingEntry', () => {
  const book = openBook(schedule);
  const repaid = repayBook(book, day('2025-01-15'), { amount: 10_000_00n, kind: 'prepayment' });
  if (!repaid.ok) throw new Error(repaid.reason);
  const current = repaid.change.book.state;
  const booked = new Map(Object.entries(expectedLedgerBalances(current)));

  it('moves the loan accounts back to the replayed balances against the funding account', () => {
    const entry = correctingEntry({
      ledger: booked,
      closedInterest: new Map(),
      current,
      replayed: { state: book.state, postings: [] },
      funding: ACCOUNTS.settlement,
    });
    expect(entry.refunded).toBe(10_000_00n);
    expect(entry.adjustments).toEqual([
      {
        kind: 'adjustment',
        debit: ACCOUNTS.principal,
        credit: ACCOUNTS.settlement,
        amount: 10_000_00n,
      },
    ]);
  });

  it('gives income the difference of the re-accrual, out of what goes back', () => {
    const accrual: Posting = {
      kind: 'accrual_normal',
      debit: ACCOUNTS.accruedInterest,
      credit: ACCOUNTS.interestIncome,
      amount: 50n,
    };
    const entry = correctingEntry({
      ledger: booked,
      closedInterest: new Map([['normal', 30n]]),
      current,
      replayed: { state: book.state, postings: [accrual] },
      funding: ACCOUNTS.repossessedAssets,
    });
    expect(entry.refunded).toBe(10_000_00n - 20n);
    expect(entry.adjustments).toContainEqual({
      kind: 'adjustment',
      debit: ACCOUNTS.repossessedAssets,
      credit: ACCOUNTS.interestIncome,
      amount: 20n,
    });
    expect(netPerAccount(entry.adjustments)).toEqual([
      [ACCOUNTS.principal, 10_000_00n],
      [ACCOUNTS.repossessedAssets, -(10_000_00n - 20n)],
      [ACCOUNTS.interestIncome, -20n],
    ]);
  });
});
