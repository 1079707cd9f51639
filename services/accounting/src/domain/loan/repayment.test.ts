import { describe, expect, it } from '@jest/globals';
import { formatMoney, penaltyRate, segmentInterest } from '../money';
import { closeBookDay, repayBook, type LoanBook } from './book';
import { DEFAULT_CLASSIFICATION_POLICY } from './classification';
import { ACCOUNTS, journalLines, type Posting } from './ledger';
import {
  BUCKETS,
  DEFAULT_ALLOCATION_ORDER,
  applyRepayment,
  payoffAmount,
  settleInstallments,
  validateAllocationOrder,
  type Bucket,
  type InstallmentRow,
} from './repayment';
import type { LoanState } from './state';
import { balancesOf, day, openBook } from './test-support';

const POLICY = DEFAULT_CLASSIFICATION_POLICY;
const money = formatMoney;

/** 100,000 yuan at 4.35 % for 12 months, equal installments, paid on the 15th. */
const annuity = (extra: Record<string, unknown> = {}, grace?: number) =>
  openBook(
    {
      principal: '100000.00',
      annualRatePercent: '4.35',
      term: 12,
      termUnit: 'month',
      repaymentMethod: 'equal_installments',
      disbursementDate: '2025-01-15',
      repaymentDay: 15,
      ...extra,
    },
    { graceDays: grace },
  );

function runThrough(book: LoanBook, to: string, postings?: Posting[]): LoanBook {
  let b = book;
  for (let d = b.state.accruedThrough + 1; d <= day(to); d++) {
    const { change } = closeBookDay(b, d, POLICY);
    postings?.push(...change.postings);
    b = change.book;
  }
  return b;
}

const OPEN = day('2025-06-10');

interface Balances {
  principal: bigint;
  accruedInterest: bigint;
  duePrincipal: bigint;
  dueInterest: bigint;
  overduePrincipal: bigint;
  overdueInterest: bigint;
  penaltyInterest: bigint;
  compoundInterest: bigint;
  creditBalance: bigint;
}

/**
 * A loan state with the given balances, accrued through the day before OPEN, whose segments start
 * on OPEN (so that nothing has accrued in them yet and any base can be set).
 */
function stateWith(b: Partial<Balances>): LoanState {
  const opened = annuity().state;
  const s: LoanState = {
    ...opened,
    principal: 9_000_000n,
    accruedInterest: 0n,
    duePrincipal: 0n,
    dueInterest: 0n,
    overduePrincipal: 0n,
    overdueInterest: 0n,
    penaltyInterest: 0n,
    compoundInterest: 0n,
    creditBalance: 0n,
    ...b,
    accruedThrough: OPEN - 1,
    periodStart: day('2025-05-15'),
    nextPeriod: 5,
    nextDueDate: day('2025-06-15'),
  };
  if (s.duePrincipal + s.dueInterest > 0n) s.dueSince = day('2025-06-10');
  if (s.overduePrincipal + s.overdueInterest > 0n) {
    s.oldestUnpaidDue = day('2025-05-15');
    s.daysPastDue = 26;
  }
  const pr = penaltyRate(s.annualRate, s.penaltyMarkupPercent);
  s.normal = { start: OPEN, base: s.principal, rate: s.annualRate, denominator: 360, accrued: 0n };
  s.penalty = { start: OPEN, base: s.overduePrincipal, rate: pr, denominator: 360, accrued: 0n };
  s.compound = { start: OPEN, base: s.overdueInterest, rate: pr, denominator: 360, accrued: 0n };
  return s;
}

/** compound 1.00, penalty 2.00, overdue interest 30.00 and principal 400.00, due 5.00 + 60.00: 498.00 owed. */
const OWING: Partial<Balances> = {
  compoundInterest: 100n,
  penaltyInterest: 200n,
  overdueInterest: 3_000n,
  overduePrincipal: 40_000n,
  dueInterest: 500n,
  duePrincipal: 6_000n,
};

const okOrThrow = <T extends { ok: boolean }>(r: T): Extract<T, { ok: true }> => {
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r as Extract<T, { ok: true }>;
};

/** Net amount per account of some postings (debit positive). */
const net = (postings: readonly Posting[]) => Object.fromEntries(balancesOf(postings));

describe('applyRepayment: regular repayments', () => {
  it('pays compound → penalty → overdue interest → overdue principal → due interest → due principal by default', () => {
    const out = okOrThrow(applyRepayment(stateWith(OWING), OPEN, 45_000n, 'regular'));
    const a = out.allocation;
    // 450.00 = 1.00 + 2.00 + 30.00 + 400.00 + 5.00 + 12.00 of the 60.00 due principal.
    expect([
      a.compound,
      a.penalty,
      a.overdueInterest,
      a.overduePrincipal,
      a.dueInterest,
      a.duePrincipal,
    ]).toEqual([100n, 200n, 3_000n, 40_000n, 500n, 1_200n]);
    expect([a.accruedInterest, a.principal, a.credit, a.fromCredit]).toEqual([0n, 0n, 0n, 0n]);
    const s = out.state;
    expect([s.compoundInterest, s.penaltyInterest, s.overdueInterest, s.overduePrincipal]).toEqual([
      0n,
      0n,
      0n,
      0n,
    ]);
    expect([s.dueInterest, s.duePrincipal, s.principal]).toEqual([0n, 4_800n, 9_000_000n]);
    expect(s.dueSince).toBe(day('2025-06-10'));
    expect(out.settled).toBe(false);
    expect(s.status).toBe('active');
    // Every fen comes from the settlement account and lands on the bucket's account.
    expect(net(out.postings)).toEqual({
      [ACCOUNTS.settlement]: 45_000n,
      [ACCOUNTS.compoundReceivable]: -100n,
      [ACCOUNTS.penaltyReceivable]: -200n,
      [ACCOUNTS.billedInterest]: -3_500n,
      [ACCOUNTS.overduePrincipal]: -40_000n,
      [ACCOUNTS.principal]: -1_200n,
    });
    expect(
      out.postings.every((p) => p.kind === 'repayment' && p.debit === ACCOUNTS.settlement),
    ).toBe(true);
  });

  it('stops where the money runs out, part-paying the bucket it reached', () => {
    const out = okOrThrow(applyRepayment(stateWith(OWING), OPEN, 1_500n, 'regular'));
    // 15.00: compound 1.00, penalty 2.00, 12.00 of the 30.00 overdue interest.
    expect(out.allocation).toMatchObject({
      compound: 100n,
      penalty: 200n,
      overdueInterest: 1_200n,
      overduePrincipal: 0n,
      dueInterest: 0n,
      duePrincipal: 0n,
      credit: 0n,
    });
    expect(out.state.overdueInterest).toBe(1_800n);
    // Compound interest now accrues on the 18.00 left, from the value date.
    expect(out.state.compound).toMatchObject({ start: OPEN, base: 1_800n, accrued: 0n });
    expect(out.state.penalty.base).toBe(40_000n);
  });

  it('follows a custom order: all principal before any interest, penalty and compound last', () => {
    const order: Bucket[] = [
      'overdue_principal',
      'due_principal',
      'overdue_interest',
      'due_interest',
      'penalty',
      'compound',
    ];
    const out = okOrThrow(applyRepayment(stateWith(OWING), OPEN, 47_000n, 'regular', order));
    // 470.00 = 400.00 + 60.00 of principal, then 10.00 of the 30.00 overdue interest.
    expect(out.allocation).toMatchObject({
      overduePrincipal: 40_000n,
      duePrincipal: 6_000n,
      overdueInterest: 1_000n,
      dueInterest: 0n,
      penalty: 0n,
      compound: 0n,
    });
    const s = out.state;
    expect([s.overdueInterest, s.dueInterest, s.penaltyInterest, s.compoundInterest]).toEqual([
      2_000n,
      500n,
      200n,
      100n,
    ]);
    // No penalty accrues any more (no overdue principal), compound on the 20.00 left.
    expect([s.penalty.base, s.compound.base]).toEqual([0n, 2_000n]);
  });

  it('follows a custom order: principal before interest, current before overdue', () => {
    const order: Bucket[] = [
      'due_principal',
      'overdue_principal',
      'due_interest',
      'overdue_interest',
      'penalty',
      'compound',
    ];
    const out = okOrThrow(applyRepayment(stateWith(OWING), OPEN, 45_000n, 'regular', order));
    // 450.00 = 60.00 due principal + 390.00 of the 400.00 overdue principal.
    expect(out.allocation).toMatchObject({
      duePrincipal: 6_000n,
      overduePrincipal: 39_000n,
      dueInterest: 0n,
      overdueInterest: 0n,
      penalty: 0n,
      compound: 0n,
    });
    expect(out.state.overduePrincipal).toBe(1_000n);
    expect(out.state.penalty.base).toBe(1_000n);
    // The due bucket keeps only its 5.00 of interest.
    expect(out.state.duePrincipal + out.state.dueInterest).toBe(500n);
  });

  it('clears the due date once the due bucket is paid', () => {
    const out = okOrThrow(applyRepayment(stateWith(OWING), OPEN, 49_800n, 'regular'));
    expect(out.state.dueSince).toBeNull();
    expect(out.allocation.credit).toBe(0n);
    expect(out.state.creditBalance).toBe(0n);
    expect(out.settled).toBe(false); // principal not yet billed is still owed
  });

  it('holds an overpayment as a credit balance (advance receipts, 224101)', () => {
    const out = okOrThrow(
      applyRepayment(stateWith({ ...OWING, creditBalance: 700n }), OPEN, 50_000n, 'regular'),
    );
    expect(out.allocation.credit).toBe(200n);
    expect(out.state.creditBalance).toBe(900n); // the 7.00 it had plus 2.00
    expect(out.postings).toContainEqual({
      kind: 'repayment',
      debit: ACCOUNTS.settlement,
      credit: ACCOUNTS.advanceReceipts,
      amount: 200n,
    });
    // A regular repayment does not spend the credit the loan already had.
    expect(out.allocation.fromCredit).toBe(0n);
  });

  it('takes money when nothing is owed now, all as credit', () => {
    const out = okOrThrow(applyRepayment(stateWith({}), OPEN, 12_345n, 'regular'));
    expect(out.allocation.credit).toBe(12_345n);
    expect(out.state.creditBalance).toBe(12_345n);
    expect(out.state.principal).toBe(9_000_000n);
  });

  it.each([
    ['a zero amount', { amount: 0n }, 'amount', 'must be greater than zero'],
    ['a negative amount', { amount: -100n }, 'amount', 'must be greater than zero'],
    ['a past value date', { day: OPEN - 1 }, 'valueDate', 'must be the open business date'],
    ['a future value date', { day: OPEN + 1 }, 'valueDate', 'must be the open business date'],
  ])('refuses %s', (_name, change, field, reason) => {
    const args = { amount: 1_000n, day: OPEN, ...change };
    expect(applyRepayment(stateWith(OWING), args.day, args.amount, 'regular')).toEqual({
      ok: false,
      field,
      reason,
    });
  });

  it('refuses a closed or written-off loan', () => {
    for (const status of ['closed', 'written_off'] as const) {
      const s = { ...stateWith(OWING), status };
      expect(applyRepayment(s, OPEN, 1_000n, 'regular')).toEqual({
        ok: false,
        field: 'loanId',
        reason: `the loan is ${status}`,
      });
    }
  });

  it('closes the loan when a regular repayment pays the last of what is owed', () => {
    const s = stateWith({ principal: 0n, overduePrincipal: 10_000n, overdueInterest: 50n });
    const out = okOrThrow(applyRepayment(s, OPEN, 10_050n, 'regular'));
    expect(out.settled).toBe(true);
    expect(out.state.status).toBe('closed');
    expect(out.state.oldestUnpaidDue).toBeNull();
    expect(out.state.daysPastDue).toBe(0);
    expect(out.state.nextDueDate).toBeNull();
    expect(out.state.penalty.base).toBe(0n);
    expect(out.state.compound.base).toBe(0n);
  });

  it('closes segments at the value date with what they accrued (a real overdue loan)', () => {
    // Overdue since 16 Feb; penalty 14.81 and compound 0.66 through 25 Feb (see book.test.ts).
    const book = runThrough(annuity(), '2025-02-25');
    const out = okOrThrow(
      applyRepayment(book.state, day('2025-02-26'), 853_099n + 1_547n, 'regular'),
    );
    expect(out.settled).toBe(false);
    expect(out.state.overduePrincipal).toBe(0n);
    const pr = penaltyRate(book.state.annualRate, book.state.penaltyMarkupPercent);
    // Both closed segments ran 16–25 Feb (10 days) on the overdue principal and interest.
    expect(out.closedSegments).toEqual([
      {
        kind: 'penalty',
        start: day('2025-02-16'),
        end: day('2025-02-26'),
        base: 816_849n,
        rate: pr,
        denominator: 360,
        interest: segmentInterest(816_849n, pr, 10, 360),
      },
      {
        kind: 'compound',
        start: day('2025-02-16'),
        end: day('2025-02-26'),
        base: 36_250n,
        rate: pr,
        denominator: 360,
        interest: segmentInterest(36_250n, pr, 10, 360),
      },
    ]);
    expect(out.closedSegments.map((g) => money(g.interest))).toEqual(['14.81', '0.66']);
    expect(out.state.penalty).toMatchObject({ start: day('2025-02-26'), base: 0n, accrued: 0n });
  });
});

describe('applyRepayment: payoff', () => {
  // 498.00 owed, 100.00 interest of the current period, 90,000.00 principal not yet billed.
  const owing = () => stateWith({ ...OWING, accruedInterest: 10_000n });

  it('costs everything owed, the period’s interest to date and the principal, less the credit held', () => {
    expect(payoffAmount(owing())).toBe(49_800n + 10_000n + 9_000_000n);
    expect(payoffAmount(stateWith({ accruedInterest: 10_000n, creditBalance: 5_000n }))).toBe(
      9_005_000n,
    );
  });

  it('pays off exactly and closes the loan with every balance zero', () => {
    const out = okOrThrow(applyRepayment(owing(), OPEN, 9_059_800n, 'payoff'));
    expect(out.settled).toBe(true);
    const s = out.state;
    expect(s.status).toBe('closed');
    expect(
      [
        s.principal,
        s.accruedInterest,
        s.duePrincipal,
        s.dueInterest,
        s.overduePrincipal,
        s.overdueInterest,
        s.penaltyInterest,
        s.compoundInterest,
        s.creditBalance,
      ].every((v) => v === 0n),
    ).toBe(true);
    expect(out.allocation).toMatchObject({
      accruedInterest: 10_000n,
      principal: 9_000_000n,
      credit: 0n,
    });
    expect([s.nextPeriod, s.nextDueDate, s.nextPrincipal, s.oldestUnpaidDue, s.dueSince]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect([s.normal.base, s.penalty.base, s.compound.base]).toEqual([0n, 0n, 0n]);
  });

  it.each([
    ['one fen short', 9_059_799n],
    ['one fen over', 9_059_801n],
    ['only the principal', 9_000_000n],
  ])('refuses an amount %s', (_name, amount) => {
    expect(applyRepayment(owing(), OPEN, amount, 'payoff')).toEqual({
      ok: false,
      field: 'amount',
      reason: 'must be the payoff amount 90598.00',
    });
  });

  it('spends the credit held first, then the money paid', () => {
    const s = stateWith({ accruedInterest: 10_000n, creditBalance: 5_000n });
    const out = okOrThrow(applyRepayment(s, OPEN, 9_005_000n, 'payoff'));
    expect(out.allocation).toMatchObject({
      fromCredit: 5_000n,
      accruedInterest: 10_000n,
      principal: 9_000_000n,
      credit: 0n,
    });
    expect(out.state.creditBalance).toBe(0n);
    expect(out.postings).toEqual([
      {
        kind: 'advance_applied',
        debit: ACCOUNTS.advanceReceipts,
        credit: ACCOUNTS.accruedInterest,
        amount: 5_000n,
      },
      {
        kind: 'repayment',
        debit: ACCOUNTS.settlement,
        credit: ACCOUNTS.accruedInterest,
        amount: 5_000n,
      },
      {
        kind: 'repayment',
        debit: ACCOUNTS.settlement,
        credit: ACCOUNTS.principal,
        amount: 9_000_000n,
      },
    ]);
  });

  it('on a real loan, marks every installment paid, the current one with its interest to date', () => {
    // 100,000 at 4.35 % on the period basis: the first period's 362.50 is spread over its 31 days;
    // 15–31 Jan are 17 of them: 4350 × 17 / 372 = 198.79.
    const book = runThrough(annuity(), '2025-01-31');
    expect(money(book.state.accruedInterest)).toBe('198.79');
    const amount = payoffAmount(book.state);
    expect(money(amount)).toBe('100198.79');
    const out = okOrThrow(repayBook(book, day('2025-02-01'), { amount, kind: 'payoff' }));
    const rows = out.change.book.installments;
    expect(rows.every((r) => r.status === 'paid' && r.paidOn === day('2025-02-01'))).toBe(true);
    expect(rows[0]).toMatchObject({ billedInterest: 19_879n, interestPaid: 19_879n });
    expect(rows.slice(1).every((r) => r.billedInterest === 0n && r.interestPaid === 0n)).toBe(true);
    expect(rows.reduce((t, r) => t + r.principalPaid, 0n)).toBe(10_000_000n);
    expect(out.change.changedInstallments).toHaveLength(12);
  });
});

describe('applyRepayment: prepayment', () => {
  it('clears what is owed now and repays principal with the rest', () => {
    const out = okOrThrow(
      applyRepayment(stateWith(OWING), OPEN, 49_800n + 1_000_000n, 'prepayment'),
    );
    expect(out.allocation.principal).toBe(1_000_000n);
    expect(out.state.principal).toBe(8_000_000n);
    expect(out.state.normal).toMatchObject({ start: OPEN, base: 8_000_000n });
    expect(out.allocation.credit).toBe(0n);
    expect(out.settled).toBe(false);
  });

  it('first settles the interest accrued to the day, then repays principal (the default)', () => {
    // 20,000.00 with 87.50 accrued: 87.50 interest, 19,912.50 principal.
    const s = stateWith({ accruedInterest: 8_750n });
    const out = okOrThrow(applyRepayment(s, OPEN, 2_000_000n, 'prepayment'));
    expect(out.allocation.accruedInterest).toBe(8_750n);
    expect(out.allocation.principal).toBe(1_991_250n);
    expect(out.state.accruedInterest).toBe(0n);
    expect(out.state.principal).toBe(9_000_000n - 1_991_250n);
    expect(net(out.postings)).toEqual({
      [ACCOUNTS.settlement]: 2_000_000n,
      [ACCOUNTS.accruedInterest]: -8_750n,
      [ACCOUNTS.principal]: -1_991_250n,
    });
  });

  it('where the product says so, leaves the interest of the current period to its due date', () => {
    const s = stateWith({ accruedInterest: 10_000n });
    const out = okOrThrow(
      applyRepayment(s, OPEN, 500_000n, 'prepayment', undefined, 'cash', false),
    );
    expect(out.allocation.accruedInterest).toBe(0n);
    expect(out.allocation.principal).toBe(500_000n);
    expect(out.state.accruedInterest).toBe(10_000n);
  });

  it('refuses an amount that does not exceed what is owed now with the interest to date', () => {
    const s = stateWith({ ...OWING, accruedInterest: 1_000n });
    for (const amount of [1n, 49_799n, 50_800n]) {
      expect(applyRepayment(s, OPEN, amount, 'prepayment')).toEqual({
        ok: false,
        field: 'amount',
        reason:
          'must exceed what is owed now with the interest accrued to date (508.00); the rest repays principal',
      });
    }
    for (const amount of [1n, 49_799n, 49_800n]) {
      expect(applyRepayment(s, OPEN, amount, 'prepayment', undefined, 'cash', false)).toEqual({
        ok: false,
        field: 'amount',
        reason: 'must exceed what is owed now (498.00); the rest repays principal',
      });
    }
    expect(applyRepayment(s, OPEN, 50_801n, 'prepayment').ok).toBe(true);
  });

  it('refuses an amount that would repay all principal, pointing to the payoff', () => {
    const s = stateWith({ ...OWING, accruedInterest: 10_000n });
    for (const amount of [59_800n + 9_000_000n, 59_800n + 9_000_001n, 10n ** 12n]) {
      expect(applyRepayment(s, OPEN, amount, 'prepayment')).toEqual({
        ok: false,
        field: 'amount',
        reason: 'repays all principal; pay the loan off instead (payoff amount 90598.00)',
      });
    }
    // One fen of principal left is a prepayment.
    expect(applyRepayment(s, OPEN, 59_800n + 8_999_999n, 'prepayment').ok).toBe(true);
  });
});

describe('repayBook: prepayment re-amortizes what is not yet billed', () => {
  // On 15 Feb 2025 the first installment (8,168.49 + 362.50) is due; paying it and 20,000.00 more
  // leaves 71,831.51 over the 11 remaining months at 4.35 % / 12 a month.
  const prepay = (option: 'lower_installment' | 'shorten_term') => {
    const book = runThrough(annuity(), '2025-02-14');
    return okOrThrow(
      repayBook(book, day('2025-02-15'), {
        amount: 853_099n + 2_000_000n,
        kind: 'prepayment',
        option,
      }),
    );
  };

  it('lower installment: keeps the 11 dates, the level payment falls to 6,673.02', () => {
    const out = prepay('lower_installment');
    expect(out.allocation.principal).toBe(2_000_000n);
    const book = out.change.book;
    expect(book.state.principal).toBe(7_183_151n);
    const rest = book.installments.filter((r) => r.status === 'scheduled');
    expect(rest.map((r) => r.period)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    // 71831.51 × i / (1 − (1 + i)^−11), i = 0.3625 %: 6673.02; first split 6412.63 + 260.39.
    expect([rest[0]!.principal, rest[0]!.scheduledInterest]).toEqual([641_263n, 26_039n]);
    expect(rest[10]!.principal).toBe(664_896n);
    expect(rest.reduce((t, r) => t + r.principal, 0n)).toBe(7_183_151n);
    expect(book.state.nextPrincipal).toBe(641_263n);
    expect(book.installments[0]!.status).toBe('paid');
    expect(out.change.rescheduled).toBe(true);
  });

  it('shorten term: keeps the installment of 8,530.99 at most and drops the last periods', () => {
    const out = prepay('shorten_term');
    const rest = out.change.book.installments.filter((r) => r.status === 'scheduled');
    // Over 8 months the level payment would be 9,126.03 > 8,530.99; over 9 it is 8,126.64.
    expect(rest.map((r) => r.period)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([rest[0]!.principal, rest[0]!.scheduledInterest]).toEqual([786_625n, 26_039n]);
    expect(rest[8]!.principal).toBe(809_727n);
    expect(rest.reduce((t, r) => t + r.principal, 0n)).toBe(7_183_151n);
    expect(out.change.book.installments.map((r) => r.period)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });

  it('bills the next period’s interest on the reduced principal', () => {
    const out = prepay('lower_installment');
    const book = runThrough(out.change.book, '2025-03-14');
    // 71831.51 × 4.35 % / 12 = 260.39
    expect(book.installments[1]!.billedInterest).toBe(26_039n);
    expect(book.state.duePrincipal).toBe(641_263n);
  });
});

describe('settleInstallments', () => {
  const row = (
    period: number,
    status: InstallmentRow['status'],
    extra: Partial<InstallmentRow> = {},
  ) => ({
    period,
    dueDate: day('2025-01-15') + 30 * period,
    principal: 100_000n,
    scheduledInterest: 1_000n,
    billedInterest: status === 'scheduled' ? null : 1_000n,
    principalPaid: 0n,
    interestPaid: 0n,
    status,
    paidOn: null,
    ...extra,
  });
  const D = day('2025-06-01');

  it('pays the billed installments oldest first and leaves the next one part-paid', () => {
    const rows = [row(3, 'due'), row(1, 'overdue'), row(4, 'scheduled'), row(2, 'overdue')];
    const { changed, oldestUnpaidDue } = settleInstallments(rows, 2_500n, 150_000n, D);
    expect(
      changed.map((r) => [r.period, r.status, r.interestPaid, r.principalPaid, r.paidOn]),
    ).toEqual([
      [1, 'paid', 1_000n, 100_000n, D],
      [2, 'overdue', 1_000n, 50_000n, null],
      [3, 'due', 500n, 0n, null],
    ]);
    expect(oldestUnpaidDue).toBe(row(2, 'overdue').dueDate);
    // The input is not changed.
    expect(rows[1]).toEqual(row(1, 'overdue'));
  });

  it('counts what rows had already been paid', () => {
    const rows = [
      row(1, 'overdue', { interestPaid: 1_000n, principalPaid: 99_000n }),
      row(2, 'due', { interestPaid: 400n }),
    ];
    const { changed, oldestUnpaidDue } = settleInstallments(rows, 600n, 1_000n, D);
    expect(changed.map((r) => [r.period, r.status, r.interestPaid, r.principalPaid])).toEqual([
      [1, 'paid', 1_000n, 100_000n],
      [2, 'due', 1_000n, 0n],
    ]);
    expect(oldestUnpaidDue).toBe(row(2, 'due').dueDate);
  });

  it('pays a row billed without interest by its principal alone', () => {
    const rows = [row(1, 'due', { billedInterest: 0n })];
    const { changed, oldestUnpaidDue } = settleInstallments(rows, 0n, 100_000n, D);
    expect(changed).toEqual([{ ...rows[0], principalPaid: 100_000n, status: 'paid', paidOn: D }]);
    expect(oldestUnpaidDue).toBeNull();
  });

  it('changes nothing when nothing is paid, and still reports the oldest unpaid due date', () => {
    const rows = [row(1, 'paid'), row(2, 'overdue'), row(3, 'due')];
    const { changed, oldestUnpaidDue } = settleInstallments(rows, 0n, 0n, D);
    expect(changed).toEqual([]);
    expect(oldestUnpaidDue).toBe(row(2, 'overdue').dueDate);
  });
});

describe('validateAllocationOrder', () => {
  it('accepts the default order and any other order of the six buckets', () => {
    expect(DEFAULT_ALLOCATION_ORDER).toEqual([
      'compound',
      'penalty',
      'overdue_interest',
      'overdue_principal',
      'due_interest',
      'due_principal',
    ]);
    expect(validateAllocationOrder(DEFAULT_ALLOCATION_ORDER)).toBeUndefined();
    expect(validateAllocationOrder([...BUCKETS].reverse())).toBeUndefined();
    expect(
      validateAllocationOrder([
        'overdue_principal',
        'due_principal',
        'overdue_interest',
        'due_interest',
        'penalty',
        'compound',
      ]),
    ).toBeUndefined();
  });

  it.each([
    [[]],
    [['compound', 'penalty', 'overdue_interest', 'overdue_principal', 'due_interest']],
    [
      [
        'compound',
        'compound',
        'overdue_interest',
        'overdue_principal',
        'due_interest',
        'due_principal',
      ],
    ],
    [[...BUCKETS, 'compound']],
  ])('refuses %p as not naming each bucket once', (order) => {
    expect(validateAllocationOrder(order)).toBe(
      'must name each of compound, penalty, overdue_interest, overdue_principal, due_interest, due_principal once',
    );
  });

  it('names an unknown bucket', () => {
    expect(
      validateAllocationOrder([
        'compound',
        'penalty',
        'interest',
        'overdue_principal',
        'due_interest',
        'due_principal',
      ]),
    ).toBe(
      '"interest" is not one of compound, penalty, overdue_interest, overdue_principal, due_interest, due_principal',
    );
  });
});

describe('repayBook with an order that pays the current installment before the overdue one', () => {
  // A flat loan: 12,000.00 at 12 %, 1,000.00 principal and 120.00 interest every month, due on the
  // 15th, 5 days of grace. Installment 1 (due 15 Feb) went overdue on the evening of 20 Feb;
  // installment 2 is due on 15 Mar and still within grace when the customer pays exactly it.
  const DUE_FIRST: Bucket[] = [
    'due_interest',
    'due_principal',
    'compound',
    'penalty',
    'overdue_interest',
    'overdue_principal',
  ];
  const flat = () =>
    openBook(
      {
        principal: '12000.00',
        annualRatePercent: '12',
        term: 12,
        termUnit: 'month',
        repaymentMethod: 'flat',
        disbursementDate: '2025-01-15',
        repaymentDay: 15,
      },
      { graceDays: 5 },
    );

  it('bills and turns overdue as expected before the repayment', () => {
    const book = runThrough(flat(), '2025-03-14');
    const s = book.state;
    expect([s.overduePrincipal, s.overdueInterest, s.duePrincipal, s.dueInterest]).toEqual([
      100_000n,
      12_000n,
      100_000n,
      12_000n,
    ]);
    // 1,000.00 × 18 % × 22 days (21 Feb – 14 Mar) / 360 = 11.00; 120.00 × 18 % × 22 / 360 = 1.32.
    expect([s.penaltyInterest, s.compoundInterest]).toEqual([1_100n, 132n]);
    expect(book.installments.slice(0, 2).map((r) => r.status)).toEqual(['overdue', 'due']);
  });

  it('marks the installment it paid (the current one) paid, not the overdue one', () => {
    const book = runThrough(flat(), '2025-03-14');
    const out = okOrThrow(
      repayBook(book, day('2025-03-15'), { amount: 112_000n, kind: 'regular', order: DUE_FIRST }),
    );
    expect(out.allocation).toMatchObject({
      dueInterest: 12_000n,
      duePrincipal: 100_000n,
      overduePrincipal: 0n,
    });
    const after = out.change.book;
    // The state still owes installment 1 (overdue) and nothing is due any more.
    expect([after.state.overduePrincipal, after.state.duePrincipal]).toEqual([100_000n, 0n]);
    // So installment 1 is still overdue and unpaid, installment 2 is paid, and the loan's oldest
    // unpaid due date stays 15 Feb.
    expect(
      after.installments.slice(0, 2).map((r) => [r.period, r.status, r.principalPaid]),
    ).toEqual([
      [1, 'overdue', 0n],
      [2, 'paid', 100_000n],
    ]);
    expect(after.state.oldestUnpaidDue).toBe(day('2025-02-15'));
  });

  it('keeps counting days past due from the oldest unpaid installment', () => {
    const book = runThrough(flat(), '2025-03-14');
    const out = okOrThrow(
      repayBook(book, day('2025-03-15'), { amount: 112_000n, kind: 'regular', order: DUE_FIRST }),
    );
    const later = runThrough(out.change.book, '2025-03-25');
    // 1,000.00 of principal has been overdue since installment 1 fell due on 15 Feb: 39 days on 25 Mar.
    expect(later.state.overduePrincipal).toBe(100_000n);
    expect(later.state.daysPastDue).toBe(day('2025-03-25') - day('2025-02-15') + 1);
    // No installment can stay "due" past its grace.
    expect(later.installments.filter((r) => r.status === 'due')).toEqual([]);
  });
});

describe('postings of a repayment', () => {
  it('net to zero and move only settlement, advance receipts and the loan accounts', () => {
    const out = okOrThrow(
      applyRepayment(stateWith({ ...OWING, creditBalance: 300n }), OPEN, 60_000n, 'regular'),
    );
    const lines = journalLines(out.postings);
    const debit = lines.reduce((t, l) => t + l.debit, 0n);
    const credit = lines.reduce((t, l) => t + l.credit, 0n);
    expect(debit).toBe(credit);
    expect(debit).toBe(60_000n);
    expect(lines.find((l) => l.account === ACCOUNTS.advanceReceipts)).toEqual({
      account: ACCOUNTS.advanceReceipts,
      debit: 0n,
      credit: 10_200n,
    });
  });
});

describe('a credit balance at the next billing', () => {
  // A bullet loan: 10,000.00 at 12 % for 3 months from 15 Jan 2025, all due on 15 Apr. On the
  // period basis its interest is 10000 × 12 % × 3 / 12 = 300.00, billed on the evening of 14 Apr.
  const bullet = () =>
    openBook({
      principal: '10000.00',
      annualRatePercent: '12',
      term: 3,
      termUnit: 'month',
      repaymentMethod: 'bullet',
      disbursementDate: '2025-01-15',
    });
  const paidAhead = (amount: bigint) => {
    const postings: Posting[] = [
      {
        kind: 'disbursement',
        debit: ACCOUNTS.principal,
        credit: ACCOUNTS.settlement,
        amount: 1_000_000n,
      },
    ];
    const book = runThrough(bullet(), '2025-03-02', postings);
    const out = okOrThrow(repayBook(book, day('2025-03-03'), { amount, kind: 'regular' }));
    expect(out.allocation.credit).toBe(amount);
    postings.push(...out.change.postings);
    return { book: runThrough(out.change.book, '2025-04-14', postings), postings };
  };

  it('pays the interest billed, then the principal', () => {
    const { book, postings } = paidAhead(500_000n);
    expect(book.installments[0]).toMatchObject({
      billedInterest: 30_000n,
      interestPaid: 30_000n,
      principalPaid: 470_000n,
      status: 'due',
    });
    expect([book.state.creditBalance, book.state.dueInterest, book.state.duePrincipal]).toEqual([
      0n,
      0n,
      530_000n,
    ]);
    const ledger = balancesOf(postings);
    expect(ledger.get(ACCOUNTS.advanceReceipts) ?? 0n).toBe(0n);
    expect(ledger.get(ACCOUNTS.principal)).toBe(530_000n);
  });

  it('closes the loan when it pays the last installment in full', () => {
    const { book } = paidAhead(1_030_000n);
    expect(book.installments[0]).toMatchObject({ status: 'paid', paidOn: day('2025-04-15') });
    const s = book.state;
    expect([
      s.principal,
      s.duePrincipal,
      s.dueInterest,
      s.accruedInterest,
      s.creditBalance,
    ]).toEqual([0n, 0n, 0n, 0n, 0n]);
    // Nothing is owed and nothing is left to bill: the loan is repaid.
    expect(s.status).toBe('closed');
  });
});
