import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatMoney, type Cents, type Rate } from '../money';
import { dayNumber, daysInMonth, formatIsoDate, type DayNumber } from '../schedule/calendar';
import { day } from './test-support';
import { statementLines, type SegmentRecord } from '../statement/segments';
import {
  closeBookDay,
  disburseTranche,
  repayBook,
  type LoanBook,
  type RepaymentRequest,
} from './book';
import { DEFAULT_CLASSIFICATION_POLICY, classificationFloor, isBetterThan } from './classification';
import { ACCOUNTS, LOAN_ACCOUNTS, posting, type Posting } from './ledger';
import {
  installmentRows,
  openingState,
  reamortize,
  scheduleOf,
  validateLoanTerms,
  type LoanTerms,
} from './opening';
import { replayLoan, type LoanHistory } from './replay';
import {
  BUCKETS,
  DEFAULT_ALLOCATION_ORDER,
  payoffAmount,
  type Bucket,
  type InstallmentRow,
} from './repayment';
import {
  SEGMENT_KINDS,
  expectedLedgerBalances,
  totalOwedNow,
  type ClosedSegment,
  type LoanState,
  type SegmentKind,
} from './state';

const POLICY = DEFAULT_CLASSIFICATION_POLICY;
const ID = 'loan-1';

// ---------------------------------------------------------------------------------------------
// Generators

type Method = 'equal_installments' | 'equal_principal' | 'interest_only' | 'bullet' | 'flat';

interface LoanSpec {
  schedule: Record<string, unknown>;
  penaltyMarkupPercent?: string;
  graceDays: number;
  order: readonly Bucket[];
}

const anyDay = fc
  .integer({ min: dayNumber(2024, 1, 1), max: dayNumber(2026, 12, 31) })
  .map((d) => formatIsoDate(d));
const monthEnd = fc
  .record({ year: fc.integer({ min: 2024, max: 2026 }), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => formatIsoDate(dayNumber(year, month, daysInMonth(year, month))));
const disbursementDate = fc.oneof(
  { weight: 4, arbitrary: anyDay },
  { weight: 2, arbitrary: monthEnd },
  { weight: 1, arbitrary: fc.constant('2024-02-29') },
  { weight: 1, arbitrary: fc.constantFrom('2024-01-29', '2025-01-30', '2026-01-31', '2025-03-31') },
);

const loanSpec: fc.Arbitrary<LoanSpec> = fc
  .record({
    fen: fc.bigInt({ min: 100_000n, max: 500_000_000n }),
    // Ten-thousandths of a percent; 0 is an interest-free or subsidised (贴息) loan.
    rate: fc.oneof(
      { arbitrary: fc.constant(0), weight: 1 },
      { arbitrary: fc.integer({ min: 5_000, max: 240_000 }), weight: 5 },
    ),
    term: fc.integer({ min: 3, max: 36 }),
    method: fc.constantFrom<Method>(
      'equal_installments',
      'equal_principal',
      'interest_only',
      'bullet',
      'flat',
    ),
    interestBasis: fc.constantFrom('period', 'daily'),
    dayCount: fc.constantFrom('ACT/360', 'ACT/365'),
    graceDays: fc.integer({ min: 0, max: 5 }),
    markup: fc.option(fc.integer({ min: 0, max: 9_999 }), { freq: 2 }),
    disbursementDate,
    repaymentDay: fc.option(
      fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constant('month_end' as const)),
      { freq: 2 },
    ),
    order: fc.oneof(
      { weight: 3, arbitrary: fc.constant(DEFAULT_ALLOCATION_ORDER) },
      { weight: 1, arbitrary: fc.shuffledSubarray([...BUCKETS], { minLength: 6, maxLength: 6 }) },
    ),
  })
  .map((r) => {
    // On the period basis a bullet's single period must divide the year.
    const term =
      r.method === 'bullet' && r.interestBasis === 'period' ? [3, 4, 6, 12][r.term % 4]! : r.term;
    return {
      schedule: {
        principal: formatMoney(r.fen),
        annualRatePercent: fixed(r.rate, 4),
        term,
        termUnit: 'month',
        repaymentMethod: r.method,
        disbursementDate: r.disbursementDate,
        ...(r.repaymentDay !== null && r.method !== 'bullet' && { repaymentDay: r.repaymentDay }),
        interestBasis: r.interestBasis,
        dayCount: r.dayCount,
      },
      ...(r.markup !== null && { penaltyMarkupPercent: fixed(r.markup, 2) }),
      graceDays: r.graceDays,
      order: r.order,
    };
  });

type Op =
  | { t: 'days'; n: number }
  | { t: 'pay'; mode: 'exact' | 'part' | 'over' | 'tiny'; permille: number }
  | {
      t: 'prepay';
      option: 'lower_installment' | 'shorten_term';
      interestFirst: boolean;
      permille: number;
    }
  | { t: 'rate'; rate: number }
  | { t: 'tranche'; permille: number };

const permille = fc.integer({ min: 0, max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ t: fc.constant('days' as const), n: fc.integer({ min: 1, max: 45 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('days' as const), n: fc.integer({ min: 30, max: 400 }) }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('pay' as const),
      mode: fc.constantFrom('exact' as const, 'part' as const, 'over' as const, 'tiny' as const),
      permille,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('prepay' as const),
      option: fc.constantFrom('lower_installment' as const, 'shorten_term' as const),
      interestFirst: fc.boolean(),
      permille,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('rate' as const),
      rate: fc.integer({ min: 5_000, max: 240_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tranche' as const), permille }) },
);

function termsOf(spec: LoanSpec): LoanTerms {
  const v = validateLoanTerms(spec.schedule, spec.penaltyMarkupPercent, spec.graceDays);
  if (!v.ok) throw new Error(`refused ${JSON.stringify(spec)}: ${JSON.stringify(v.errors)}`);
  return v.value;
}

/** An integer count of 10^-places as a decimal string, without floating point: fixed(43500, 4) = "4.3500". */
const fixed = (units: number, places: number): string => {
  const text = String(units).padStart(places + 1, '0');
  return `${text.slice(0, -places)}.${text.slice(-places)}`;
};
const rateOf = (tenThousandths: number): Rate => BigInt(tenThousandths) * 1_000_000n; // × 10^10 / 10^4

// ---------------------------------------------------------------------------------------------
// A loan run step by step, with everything it posted

class Run {
  book: LoanBook;
  readonly postings: Posting[];
  readonly ledger = new Map<string, Cents>();
  readonly closed: ClosedSegment[] = [];
  readonly accrued: Record<SegmentKind, Cents> = { normal: 0n, penalty: 0n, compound: 0n };
  readonly history: LoanHistory;
  readonly from: DayNumber;
  disbursed: Cents;
  pendingRate: Rate | undefined;
  repaid = 0;
  worst: LoanState['classification'] = 'normal';

  constructor(
    readonly spec: LoanSpec,
    terms: LoanTerms,
  ) {
    const plan = scheduleOf(terms.schedule);
    this.book = {
      terms: terms.schedule,
      state: openingState(ID, terms, plan),
      installments: installmentRows(plan),
    };
    this.from = this.book.state.accruedThrough + 1;
    this.disbursed = this.book.state.principal;
    this.postings = [];
    this.post(posting('disbursement', ACCOUNTS.principal, ACCOUNTS.settlement, this.disbursed));
    this.history = { id: ID, terms, postings: [], rateChanges: [] };
  }

  get state() {
    return this.book.state;
  }
  get open() {
    return this.state.accruedThrough + 1;
  }
  get active() {
    return this.state.status === 'active';
  }

  post(postings: readonly Posting[]) {
    for (const p of postings) {
      this.postings.push(p);
      this.ledger.set(p.debit, (this.ledger.get(p.debit) ?? 0n) + p.amount);
      this.ledger.set(p.credit, (this.ledger.get(p.credit) ?? 0n) - p.amount);
      const signed = (receivable: string) => (p.debit === receivable ? p.amount : -p.amount);
      if (p.kind === 'accrual_normal') this.accrued.normal += signed(ACCOUNTS.accruedInterest);
      if (p.kind === 'accrual_penalty') this.accrued.penalty += signed(ACCOUNTS.penaltyReceivable);
      if (p.kind === 'accrual_compound')
        this.accrued.compound += signed(ACCOUNTS.compoundReceivable);
    }
  }

  closeDay() {
    const d = this.open;
    const rate = this.pendingRate;
    this.pendingRate = undefined;
    const { change } = closeBookDay(this.book, d, POLICY, rate);
    if (rate !== undefined) this.history.rateChanges.push({ effective: d + 1, rate });
    this.book = change.book;
    this.post(change.postings);
    this.closed.push(...change.closedSegments);
    checkBalances(this);
    checkAfterClose(this, d);
  }

  repay(request: RepaymentRequest) {
    const today = this.open;
    const out = repayBook(this.book, today, request);
    if (!out.ok) return out;
    this.history.postings.push({ kind: 'repayment', id: `r${++this.repaid}`, day: today, request });
    this.book = out.change.book;
    this.post(out.change.postings);
    this.closed.push(...out.change.closedSegments);
    checkBalances(this);
    return out;
  }

  tranche(amount: Cents) {
    const today = this.open;
    const change = disburseTranche(this.book, today, amount);
    this.history.postings.push({ kind: 'tranche', day: today, amount });
    this.disbursed += amount;
    this.book = change.book;
    this.post(change.postings);
    this.closed.push(...change.closedSegments);
    checkBalances(this);
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants

const label = (run: Run) =>
  `${run.state.id} accrued through ${formatIsoDate(run.state.accruedThrough)}`;

/** Fails with both values when they differ (cheaper than expect() in a loop over every day). */
function same<T>(run: Run, what: string, actual: T, expected: T) {
  const show = (v: T) =>
    JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? formatMoney(x) : x));
  if (show(actual) !== show(expected)) {
    throw new Error(`${label(run)}: ${what} is ${show(actual)}, expected ${show(expected)}`);
  }
}

function checkBalances(run: Run) {
  const s = run.state;
  // The ledger matches the loan, account by account (224101 as a credit balance), and balances.
  const expected = expectedLedgerBalances(s);
  for (const account in expected) {
    const debit = run.ledger.get(account) ?? 0n;
    const balance = account === ACCOUNTS.advanceReceipts ? -debit : debit;
    if (balance !== expected[account]) same(run, `ledger ${account}`, balance, expected[account]);
  }
  let net = 0n;
  for (const v of run.ledger.values()) net += v;
  if (net !== 0n) same(run, 'ledger total', net, 0n);

  // No balance is ever negative.
  const balances = {
    principal: s.principal,
    accruedInterest: s.accruedInterest,
    duePrincipal: s.duePrincipal,
    dueInterest: s.dueInterest,
    overduePrincipal: s.overduePrincipal,
    overdueInterest: s.overdueInterest,
    penaltyInterest: s.penaltyInterest,
    compoundInterest: s.compoundInterest,
    creditBalance: s.creditBalance,
    normalAccrued: s.normal.accrued,
    penaltyAccrued: s.penalty.accrued,
    compoundAccrued: s.compound.accrued,
  };
  for (const [name, v] of Object.entries(balances)) {
    if (v < 0n) throw new Error(`${label(run)}: ${name} is ${formatMoney(v)}`);
  }
  // Principal outstanding never exceeds what was paid out.
  const outstanding = s.principal + s.duePrincipal + s.overduePrincipal;
  if (outstanding > run.disbursed) same(run, 'principal outstanding', outstanding, run.disbursed);

  // The schedule still to bill repays exactly the principal not yet billed, and the state's next
  // installment is the first of it.
  const rows = [...run.book.installments].sort((a, b) => a.period - b.period);
  let scheduledPrincipal = 0n;
  let next: InstallmentRow | undefined;
  // What billed rows still owe (due, overdue) is what the buckets hold.
  let duePrincipal = 0n;
  let dueInterest = 0n;
  let overduePrincipal = 0n;
  let overdueInterest = 0n;
  let billed = 0n;
  let oldest: DayNumber | null = null;
  for (const r of rows) {
    // A prepayment pays the current period's interest to date before it is billed.
    billed += r.billedInterest ?? r.interestPaid;
    if (r.status === 'scheduled') {
      scheduledPrincipal += r.principal;
      next ??= r;
    } else if (r.status === 'paid') {
      if (r.principalPaid !== r.principal || r.interestPaid !== r.billedInterest)
        same(
          run,
          `paid installment ${r.period}`,
          [r.principalPaid, r.interestPaid],
          [r.principal, r.billedInterest],
        );
    } else {
      const p = r.principal - r.principalPaid;
      const i = (r.billedInterest ?? 0n) - r.interestPaid;
      if (r.status === 'due') [duePrincipal, dueInterest] = [duePrincipal + p, dueInterest + i];
      else [overduePrincipal, overdueInterest] = [overduePrincipal + p, overdueInterest + i];
      if (oldest === null || r.dueDate < oldest) oldest = r.dueDate;
    }
  }
  same(run, 'principal of the installments to bill', scheduledPrincipal, s.principal);
  if (s.status === 'active') {
    same(
      run,
      'next installment',
      [s.nextPeriod, s.nextDueDate, s.nextPrincipal],
      next ? [next.period, next.dueDate, next.principal] : [null, null, null],
    );
  } else {
    same(run, 'installment to bill of a closed loan', next?.period, undefined);
  }
  same(
    run,
    'unpaid principal and interest of billed installments',
    [duePrincipal + overduePrincipal, dueInterest + overdueInterest],
    [s.duePrincipal + s.overduePrincipal, s.dueInterest + s.overdueInterest],
  );
  if (run.spec.order === DEFAULT_ALLOCATION_ORDER) {
    same(
      run,
      'unpaid of due installments',
      [duePrincipal, dueInterest],
      [s.duePrincipal, s.dueInterest],
    );
    same(
      run,
      'unpaid of overdue installments',
      [overduePrincipal, overdueInterest],
      [s.overduePrincipal, s.overdueInterest],
    );
  }
  same(run, 'oldest unpaid due date', s.oldestUnpaidDue, oldest);

  // All normal interest accrued is billed on an installment, paid ahead of its bill or still accrued.
  same(run, 'interest billed + accrued', billed + s.accruedInterest, run.accrued.normal);
}

function checkAfterClose(run: Run, d: DayNumber) {
  const s = run.state;
  const overdue = s.overduePrincipal + s.overdueInterest > 0n;
  same(run, 'days past due', s.daysPastDue, overdue ? d - s.oldestUnpaidDue! + 1 : 0);
  // The classification never improves by itself and is at least the floor.
  if (isBetterThan(s.classification, run.worst))
    same(run, 'classification', s.classification, run.worst);
  const floor = classificationFloor(POLICY, s.daysPastDue);
  if (isBetterThan(s.classification, floor)) same(run, 'classification', s.classification, floor);
  run.worst = s.classification;
  // A due bucket never outlives its grace.
  if (s.dueSince !== null && d >= s.dueSince + s.graceDays)
    same(run, 'due since', formatIsoDate(s.dueSince), `after ${formatIsoDate(d - s.graceDays)}`);
}

/** The statement over everything accrued, whole and split at `cut`, against the accrual postings. */
function checkStatement(run: Run, cut: number) {
  const s = run.state;
  const segments: SegmentRecord[] = [
    ...run.closed,
    ...SEGMENT_KINDS.map((kind) => ({ kind, ...s[kind], end: null })),
  ];
  const to = s.accruedThrough;
  const whole = statementLines(segments, run.from, to, to).totals;
  expect(whole).toEqual(run.accrued);
  const at = run.from + Math.floor(((to - run.from + 2) * cut) / 1001);
  const left = statementLines(segments, run.from, at - 1, to).totals;
  const right = statementLines(segments, at, to, to).totals;
  for (const kind of SEGMENT_KINDS) expect(left[kind] + right[kind]).toBe(whole[kind]);
}

/** Replaying the history gives the same loan, schedule, segments and ledger. */
function checkReplay(run: Run) {
  const replay = replayLoan(run.history, run.state.accruedThrough, POLICY);
  if (!replay.ok) throw new Error(`replay failed: ${replay.reason}`);
  expect(replay.book.state).toEqual(run.state);
  expect(replay.book.installments).toEqual(run.book.installments);
  // The same segments.
  const sorted = (segments: readonly ClosedSegment[]) =>
    [...segments].sort(
      (a, b) => a.start - b.start || a.end - b.end || a.kind.localeCompare(b.kind),
    );
  expect(sorted(replay.closedSegments)).toEqual(sorted(run.closed));
  const ledger = new Map<string, Cents>();
  for (const p of replay.postings) {
    ledger.set(p.debit, (ledger.get(p.debit) ?? 0n) + p.amount);
    ledger.set(p.credit, (ledger.get(p.credit) ?? 0n) - p.amount);
  }
  for (const account of LOAN_ACCOUNTS)
    expect(ledger.get(account) ?? 0n).toBe(run.ledger.get(account) ?? 0n);
  expect(Object.fromEntries(ledger)).toEqual(Object.fromEntries(run.ledger));
}

// ---------------------------------------------------------------------------------------------
// Operations

function apply(run: Run, o: Op) {
  const s = run.state;
  if (!run.active) return;
  const owed = totalOwedNow(s);
  switch (o.t) {
    case 'days':
      for (let i = 0; i < o.n && run.active; i++) run.closeDay();
      return;
    case 'pay': {
      let amount: Cents;
      if (o.mode === 'tiny' || owed === 0n) amount = 1n + BigInt(o.permille) / 10n;
      else if (o.mode === 'exact') amount = owed;
      else if (o.mode === 'part') amount = 1n + ((owed - 1n) * BigInt(o.permille)) / 1000n;
      else amount = owed + 1n + ((s.principal + owed) * BigInt(o.permille)) / 20_000n;
      const out = run.repay({ amount, kind: 'regular', order: run.spec.order });
      if (!out.ok)
        throw new Error(`regular repayment of ${formatMoney(amount)} refused: ${out.reason}`);
      expect(out.allocation.credit).toBe(amount > owed ? amount - owed : 0n);
      return;
    }
    case 'prepay': {
      if (s.principal < 2n) return;
      const principal = 1n + ((s.principal - 2n) * BigInt(o.permille)) / 1000n;
      const interest = o.interestFirst ? s.accruedInterest : 0n;
      const amount = owed + interest + principal;
      const before = s.principal;
      const out = run.repay({
        amount,
        kind: 'prepayment',
        option: o.option,
        order: run.spec.order,
        interestFirst: o.interestFirst,
      });
      if (!out.ok) throw new Error(`prepayment of ${formatMoney(amount)} refused: ${out.reason}`);
      expect(out.allocation.principal).toBe(principal);
      expect(out.allocation.accruedInterest).toBe(interest);
      expect(run.state.principal).toBe(before - principal);
      return;
    }
    case 'rate':
      run.pendingRate = rateOf(o.rate);
      return;
    case 'tranche':
      if (s.nextPeriod === null) return;
      run.tranche(1n + (run.disbursed * BigInt(o.permille)) / 2000n);
      return;
  }
}

function payOff(run: Run) {
  if (!run.active) return;
  const amount = payoffAmount(run.state);
  // A credit balance that covers everything leaves no payoff amount to pay (see repayment.test.ts
  // for the loan that then never closes); there is nothing to pay off.
  if (amount <= 0n) return;
  const out = run.repay({ amount, kind: 'payoff', order: run.spec.order });
  if (!out.ok) throw new Error(`payoff of ${formatMoney(amount)} refused: ${out.reason}`);
  expect(out.settled).toBe(true);
  const s = run.state;
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
    ].map(formatMoney),
  ).toEqual(Array(9).fill('0.00'));
  expect(run.book.installments.filter((r) => r.status !== 'paid')).toEqual([]);
  for (const account of LOAN_ACCOUNTS) expect(run.ledger.get(account) ?? 0n).toBe(0n);
}

/** Runs the loan to its end, paying exactly what falls due on each due date. */
function paidOnTime(spec: LoanSpec): Run {
  const run = new Run(spec, termsOf(spec));
  let guard = 0;
  while (run.active && guard++ < 2000) {
    run.closeDay();
    const owed = totalOwedNow(run.state);
    if (run.state.dueSince === run.open && owed > 0n) {
      const out = run.repay({ amount: owed, kind: 'regular', order: spec.order });
      if (!out.ok) throw new Error(out.reason);
    }
  }
  return run;
}

// ---------------------------------------------------------------------------------------------

describe('a loan under random days, repayments, prepayments, rate changes and tranches', () => {
  it('keeps ledger, schedule, statement and replay in step, and pays off to zero', () => {
    fc.assert(
      fc.property(
        loanSpec,
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 15, maxLength: 15 }),
        (spec, ops, cuts) => {
          const run = new Run(spec, termsOf(spec));
          checkBalances(run);
          ops.forEach((o, i) => {
            apply(run, o);
            checkStatement(run, cuts[i]!);
          });
          checkReplay(run);
          payOff(run);
          checkStatement(run, cuts[14]!);
          checkReplay(run);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('billed to maturity and paid exactly on every due date, the loan ends with nothing owed', () => {
    fc.assert(
      fc.property(loanSpec, (spec) => {
        const run = paidOnTime(spec);
        expect(run.state.status).toBe('closed');
        expect(run.state.penaltyInterest + run.state.compoundInterest).toBe(0n);
        expect(run.book.installments.every((r) => r.status === 'paid')).toBe(true);
        // Principal repaid = principal lent; the ledger's loan accounts are all empty.
        expect(run.book.installments.reduce((t, r) => t + r.principalPaid, 0n)).toBe(run.disbursed);
        for (const account of LOAN_ACCOUNTS) expect(run.ledger.get(account) ?? 0n).toBe(0n);
        checkStatement(run, 500);
        checkReplay(run);
      }),
      { numRuns: 40 },
    );
  });
});

describe('reamortize', () => {
  it('over the untouched schedule at the contract rate gives the schedule back', () => {
    fc.assert(
      fc.property(loanSpec, (spec) => {
        const terms = termsOf(spec);
        const plan = scheduleOf(terms.schedule);
        const again = reamortize({
          terms: terms.schedule,
          principal: plan.reduce((t, i) => t + i.principal, 0n),
          annualRate: terms.annualRate,
          periodStart: terms.schedule.disbursementDate,
          remaining: plan,
          option: 'lower_installment',
        });
        expect(
          again.map((i) => [
            formatIsoDate(i.dueDate),
            formatMoney(i.principal),
            formatMoney(i.interest),
          ]),
        ).toEqual(
          plan.map((i) => [
            formatIsoDate(i.dueDate),
            formatMoney(i.principal),
            formatMoney(i.interest),
          ]),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('keeps the principal parts of a daily-basis annuity due on the 31st (example)', () => {
    // 100,000 at 4.35 %, ACT/360, paid out on 31 Jan 2025, due on the last day of each month
    // (28 Feb, 31 Mar, 30 Apr, …). Nothing has changed, so the schedule must come back unchanged.
    const terms = termsOf({
      schedule: {
        principal: '100000.00',
        annualRatePercent: '4.35',
        term: 12,
        termUnit: 'month',
        repaymentMethod: 'equal_installments',
        disbursementDate: '2025-01-31',
        interestBasis: 'daily',
      },
      graceDays: 0,
      order: DEFAULT_ALLOCATION_ORDER,
    });
    const plan = scheduleOf(terms.schedule);
    expect(plan.slice(0, 3).map((i) => formatIsoDate(i.dueDate))).toEqual([
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
    ]);
    // First period 31 Jan – 28 Feb (28 days): 100000 × 4.35 % × 28 / 360 = 338.33.
    expect(plan[0]!.interest).toBe(33_833n);
    const again = reamortize({
      terms: terms.schedule,
      principal: 10_000_000n,
      annualRate: terms.annualRate,
      periodStart: terms.schedule.disbursementDate,
      remaining: plan,
      option: 'lower_installment',
    });
    expect(again.map((i) => i.principal)).toEqual(plan.map((i) => i.principal));
  });
});

describe('replayLoan of a day with a repayment posted before a tranche', () => {
  it('gives the loan the commands gave', () => {
    // 100,000 at 4.35 %, 12 months from 15 Jan 2025. On 20 Jan the customer prepays 30,000.00
    // shortening the term, then a second tranche of 50,000.00 is paid out the same day.
    const spec: LoanSpec = {
      schedule: {
        principal: '100000.00',
        annualRatePercent: '4.35',
        term: 12,
        termUnit: 'month',
        repaymentMethod: 'equal_installments',
        disbursementDate: '2025-01-15',
        repaymentDay: 15,
      },
      graceDays: 0,
      order: DEFAULT_ALLOCATION_ORDER,
    };
    const run = new Run(spec, termsOf(spec));
    for (let i = 0; i < 5; i++) run.closeDay();
    expect(formatIsoDate(run.open)).toBe('2025-01-20');
    // The 5 days' interest is settled first, the rest of the 30,000.00 repays principal.
    const accrued = run.state.accruedInterest;
    expect(accrued).toBeGreaterThan(0n);
    const out = run.repay({ amount: 3_000_000n, kind: 'prepayment', option: 'shorten_term' });
    expect(out.ok).toBe(true);
    run.tranche(5_000_000n);
    run.closeDay();
    expect(run.state.principal).toBe(12_000_000n + accrued);
    // The commands left the principal over the shortened schedule; replaying the same history must too.
    checkReplay(run);
  });
});

describe('billing against the contract schedule', () => {
  it('paid on time, every installment bills the interest of the schedule the loan was opened with', () => {
    fc.assert(
      fc.property(loanSpec, (spec) => {
        const run = paidOnTime(spec);
        expect(run.state.status).toBe('closed');
        expect(
          run.book.installments.map((r) => [r.period, formatMoney(r.billedInterest ?? 0n)]),
        ).toEqual(run.book.installments.map((r) => [r.period, formatMoney(r.scheduledInterest)]));
      }),
      { numRuns: 60 },
    );
  });

  it('a long first period on the period basis: one regular month plus the extra days (example)', () => {
    // 100,000 at 4.35 %, period basis, ACT/360, paid out on 5 Jan 2025, due on the 20th: the first
    // period runs 5 Jan – 20 Feb, a regular month (20 Jan – 20 Feb) plus 15 days. The schedule
    // charges 100000 × 4.35 % × (1/12 + 15/360) = 362.50 + 181.25 = 543.75.
    const spec: LoanSpec = {
      schedule: {
        principal: '100000.00',
        annualRatePercent: '4.35',
        term: 12,
        termUnit: 'month',
        repaymentMethod: 'equal_installments',
        disbursementDate: '2025-01-05',
        repaymentDay: 20,
      },
      graceDays: 0,
      order: DEFAULT_ALLOCATION_ORDER,
    };
    const run = new Run(spec, termsOf(spec));
    expect(run.book.installments[0]!.scheduledInterest).toBe(54_375n);
    while (run.state.accruedThrough < day('2025-02-19')) run.closeDay();
    expect(run.book.installments[0]!.status).toBe('due');
    expect(formatMoney(run.book.installments[0]!.billedInterest!)).toBe('543.75');
  });
});
