import { describe, expect, it } from '@jest/globals';
import { formatMoney, parseRate } from '../money';
import { closeBookDay, repayBook, type LoanBook } from './book';
import { DEFAULT_CLASSIFICATION_POLICY } from './classification';
import { ACCOUNTS, posting, type Posting } from './ledger';
import { expectedLedgerBalances } from './state';
import { balancesOf, day, openBook } from './test-support';

const POLICY = DEFAULT_CLASSIFICATION_POLICY;

/** 100,000 yuan at 4.35 % for 12 months, equal installments, paid on the 15th. */
const annuity = (extra: Record<string, unknown> = {}) =>
  openBook({
    principal: '100000.00',
    annualRatePercent: '4.35',
    term: 12,
    termUnit: 'month',
    repaymentMethod: 'equal_installments',
    disbursementDate: '2025-01-15',
    repaymentDay: 15,
    ...extra,
  });

/** Runs end of day from the day after the last accrued through `to`, collecting postings. */
function runThrough(book: LoanBook, to: string, postings: Posting[], rateFrom?: [string, string]) {
  let b = book;
  for (let d = b.state.accruedThrough + 1; d <= day(to); d++) {
    const rate = rateFrom && d + 1 === day(rateFrom[0]) ? parseRate(rateFrom[1]) : undefined;
    const { change } = closeBookDay(b, d, POLICY, rate);
    postings.push(...change.postings);
    b = change.book;
  }
  return b;
}

const money = (c: bigint) => formatMoney(c);

function expectReconciled(book: LoanBook, postings: Posting[]) {
  const ledger = balancesOf(postings);
  for (const [account, expected] of Object.entries(expectedLedgerBalances(book.state))) {
    const signed =
      account === ACCOUNTS.advanceReceipts
        ? -(ledger.get(account) ?? 0n)
        : (ledger.get(account) ?? 0n);
    expect(`${account} ${money(signed)}`).toBe(`${account} ${money(expected)}`);
  }
  let total = 0n;
  for (const v of ledger.values()) total += v;
  expect(total).toBe(0n);
}

describe('a loan day by day', () => {
  it('accrues a regular month on the period basis to exactly the scheduled interest and bills it the day before it is due', () => {
    const opened = annuity();
    expect(money(opened.installments[0]!.principal)).toBe('8168.49');
    const postings = posting('disbursement', ACCOUNTS.principal, ACCOUNTS.settlement, 10_000_000n);
    const book = runThrough(opened, '2025-02-14', postings);
    // 100,000 × 4.35 % / 12 = 362.50, spread over 31 days and billed on the evening of the 14th.
    expect(money(book.state.dueInterest)).toBe('362.50');
    expect(money(book.state.duePrincipal)).toBe('8168.49');
    expect(money(book.state.principal)).toBe('91831.51');
    expect(book.state.dueSince).toBe(day('2025-02-15'));
    expect(book.installments[0]!.status).toBe('due');
    expect(book.state.nextDueDate).toBe(day('2025-03-15'));
    // The February period has 28 days; its segment starts on the due date.
    expect(book.state.normal.start).toBe(day('2025-02-15'));
    expect(book.state.normal.denominator).toBe(12 * 28);
    expectReconciled(book, postings);
  });

  it('turns an unpaid installment overdue after the due date, then charges penalty on principal and compound on interest at the contract rate + 50 %', () => {
    const postings: Posting[] = posting(
      'disbursement',
      ACCOUNTS.principal,
      ACCOUNTS.settlement,
      10_000_000n,
    );
    let book = runThrough(annuity(), '2025-02-15', postings);
    expect(money(book.state.overduePrincipal)).toBe('8168.49');
    expect(money(book.state.overdueInterest)).toBe('362.50');
    expect(book.state.daysPastDue).toBe(1);
    expect(book.state.classification).toBe('special_mention');
    expect(book.installments[0]!.status).toBe('overdue');
    book = runThrough(book, '2025-02-25', postings);
    // 8168.49 × 6.525 % × 10 / 360 = 14.8054 → 14.81; 362.50 × 6.525 % × 10 / 360 = 0.6570 → 0.66
    expect(money(book.state.penaltyInterest)).toBe('14.81');
    expect(money(book.state.compoundInterest)).toBe('0.66');
    expect(book.state.daysPastDue).toBe(11);
    expectReconciled(book, postings);
  });

  it('waits for the grace days before anything is overdue, and charges no penalty when paid within them', () => {
    const postings: Posting[] = posting(
      'disbursement',
      ACCOUNTS.principal,
      ACCOUNTS.settlement,
      10_000_000n,
    );
    const graced = openBook(
      {
        principal: '100000.00',
        annualRatePercent: '4.35',
        term: 12,
        termUnit: 'month',
        repaymentMethod: 'equal_installments',
        disbursementDate: '2025-01-15',
        repaymentDay: 15,
      },
      { graceDays: 3 },
    );
    let book = runThrough(graced, '2025-02-17', postings);
    expect(book.state.overduePrincipal).toBe(0n);
    expect(book.state.daysPastDue).toBe(0);
    const paid = repayBook(book, day('2025-02-18'), { amount: 853099n, kind: 'regular' });
    if (!paid.ok) throw new Error(paid.reason);
    book = runThrough(paid.change.book, '2025-02-20', postings.concat(paid.change.postings));
    expect(book.state.penaltyInterest).toBe(0n);
    expect(book.state.overduePrincipal).toBe(0n);
    expect(book.installments[0]!.status).toBe('paid');
  });

  it('allocates a repayment compound → penalty → overdue interest → overdue principal, holds the rest and applies it at the next billing', () => {
    const postings: Posting[] = posting(
      'disbursement',
      ACCOUNTS.principal,
      ACCOUNTS.settlement,
      10_000_000n,
    );
    let book = runThrough(annuity(), '2025-02-25', postings);
    const paid = repayBook(book, day('2025-02-26'), { amount: 900000n, kind: 'regular' });
    if (!paid.ok) throw new Error(paid.reason);
    const a = paid.allocation;
    expect(
      [a.compound, a.penalty, a.overdueInterest, a.overduePrincipal, a.credit].map(money),
    ).toEqual(['0.66', '14.81', '362.50', '8168.49', '453.54']);
    postings.push(...paid.change.postings);
    book = paid.change.book;
    expect(book.state.daysPastDue).toBe(11); // until tonight's end of day
    expect(book.installments[0]!.status).toBe('paid');
    expect(book.state.oldestUnpaidDue).toBeNull();
    book = runThrough(book, '2025-03-14', postings);
    expect(book.state.daysPastDue).toBe(0);
    // February's interest on 91,831.51: × 4.35 % / 12 = 332.89; the credit of 453.54 pays it
    // and 120.65 of the principal.
    expect(money(book.installments[1]!.billedInterest!)).toBe('332.89');
    expect(money(book.installments[1]!.interestPaid)).toBe('332.89');
    expect(money(book.installments[1]!.principalPaid)).toBe('120.65');
    expect(book.state.creditBalance).toBe(0n);
    // The classification is not upgraded by itself.
    expect(book.state.classification).toBe('special_mention');
    expectReconciled(book, postings);
  });

  it('re-amortizes on a rate change and on a partial prepayment, and pays off to the fen', () => {
    const postings: Posting[] = posting(
      'disbursement',
      ACCOUNTS.principal,
      ACCOUNTS.settlement,
      10_000_000n,
    );
    let book = runThrough(annuity(), '2025-03-14', postings);
    const first = repayBook(book, day('2025-03-15'), {
      amount:
        book.state.dueInterest +
        book.state.duePrincipal +
        book.state.overdueInterest +
        book.state.overduePrincipal +
        book.state.penaltyInterest +
        book.state.compoundInterest,
      kind: 'regular',
    });
    if (!first.ok) throw new Error(first.reason);
    postings.push(...first.change.postings);
    book = runThrough(first.change.book, '2025-04-10', postings, ['2025-04-01', '3.85']);
    expect(formatMoney(book.state.annualRate / 100000000n)).toBe('3.85');
    expect(book.state.normal.rate).toBe(parseRate('3.85'));
    const accrued = book.state.accruedInterest;
    const prepaid = repayBook(book, day('2025-04-11'), {
      amount: 2_000_000n,
      kind: 'prepayment',
      option: 'lower_installment',
    });
    if (!prepaid.ok) throw new Error(prepaid.reason);
    // The interest accrued since 15 April's period began is settled first.
    expect(prepaid.allocation.accruedInterest).toBe(accrued);
    expect(prepaid.allocation.principal).toBe(2_000_000n - accrued);
    book = prepaid.change.book;
    postings.push(...prepaid.change.postings);
    const remaining = book.installments.filter((r) => r.status === 'scheduled');
    expect(remaining.reduce((s, r) => s + r.principal, 0n)).toBe(book.state.principal);
    book = runThrough(book, '2025-05-20', postings);
    const payoff =
      book.state.principal +
      book.state.accruedInterest +
      book.state.duePrincipal +
      book.state.dueInterest +
      book.state.overduePrincipal +
      book.state.overdueInterest +
      book.state.penaltyInterest +
      book.state.compoundInterest -
      book.state.creditBalance;
    const wrong = repayBook(book, day('2025-05-21'), { amount: payoff - 1n, kind: 'payoff' });
    expect(wrong).toEqual({
      ok: false,
      field: 'amount',
      reason: `must be the payoff amount ${money(payoff)}`,
    });
    const done = repayBook(book, day('2025-05-21'), { amount: payoff, kind: 'payoff' });
    if (!done.ok) throw new Error(done.reason);
    postings.push(...done.change.postings);
    expect(done.settled).toBe(true);
    expect(done.change.book.state.status).toBe('closed');
    expect(done.change.book.installments.every((r) => r.status === 'paid')).toBe(true);
    expectReconciled(done.change.book, postings);
  });
});
