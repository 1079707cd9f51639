import type { DayNumber } from '../schedule/calendar';
import { minCents, type Cents, type Rate } from '../money';
import { classificationFloor, worseOf, type ClassificationPolicy } from './classification';
import { ACCOUNTS, posting, type Posting } from './ledger';
import {
  interestThrough,
  isSettled,
  normalDenominator,
  resegment,
  segmentTargets,
  type Classification,
  type ClosedSegment,
  type LoanState,
} from './state';

export interface NextInstallment {
  period: number;
  dueDate: DayNumber;
  principal: Cents;
}

export interface DayInputs {
  /** The installment following `period` in the loan's schedule, or null after the last. */
  installmentAfter(period: number): NextInstallment | null;
  /** A contract rate that takes effect tomorrow (LPR repricing or a recorded agreement). */
  rateChange?: Rate;
  policy: ClassificationPolicy;
}

export interface Billing {
  period: number;
  dueDate: DayNumber;
  principal: Cents;
  interest: Cents;
  /** What a credit balance paid of it at once. */
  paidInterest: Cents;
  paidPrincipal: Cents;
}

export interface DayResult {
  state: LoanState;
  postings: Posting[];
  closedSegments: ClosedSegment[];
  accrued: { normal: Cents; penalty: Cents; compound: Cents };
  /** The due bucket passed its grace unpaid (the loan's installments in `due` turn overdue). */
  wentOverdue: { principal: Cents; interest: Cents } | null;
  /** The loan had nothing overdue before tonight and has now. */
  becameOverdue: boolean;
  billed: Billing | null;
  repriced: { from: Rate; to: Rate } | null;
  classified: { from: Classification; to: Classification } | null;
}

/**
 * End of day `day` for one loan, which has been accrued through `day - 1`:
 * 1. accrue the three segments for `day` (normal on principal not yet billed, penalty on
 *    overdue principal, compound on overdue interest);
 * 2. a due bucket whose grace ended today unpaid turns overdue;
 * 3. the installment due tomorrow is billed (its interest is what accrued over its period), and
 *    a credit balance pays what it can of it;
 * 4. a rate change due tomorrow takes effect;
 * 5. segments follow the new balances and rates from tomorrow, days past due and the
 *    classification floor are brought up to date.
 * Pure: the batch, the replay of a loan after a reversal and the tests all run this.
 */
export function closeDay(s0: LoanState, day: DayNumber, inputs: DayInputs): DayResult {
  if (s0.accruedThrough !== day - 1) {
    throw new Error(`loan ${s0.id} is accrued through ${s0.accruedThrough}, cannot close ${day}`);
  }
  const postings: Posting[] = [];
  let s: LoanState = { ...s0 };

  // 1. Accrual for the day.
  const accrue = (seg: LoanState['normal']) => {
    const through = interestThrough(seg, day);
    return { seg: { ...seg, accrued: through }, delta: through - seg.accrued };
  };
  const n = accrue(s.normal);
  const p = accrue(s.penalty);
  const c = accrue(s.compound);
  s.normal = n.seg;
  s.penalty = p.seg;
  s.compound = c.seg;
  s.accruedInterest += n.delta;
  s.penaltyInterest += p.delta;
  s.compoundInterest += c.delta;
  s.accruedThrough = day;
  postings.push(
    ...posting('accrual_normal', ACCOUNTS.accruedInterest, ACCOUNTS.interestIncome, n.delta),
    ...posting('accrual_penalty', ACCOUNTS.penaltyReceivable, ACCOUNTS.penaltyIncome, p.delta),
    ...posting('accrual_compound', ACCOUNTS.compoundReceivable, ACCOUNTS.compoundIncome, c.delta),
  );

  // 2. Grace over: what is still due is overdue from tomorrow.
  const hadOverdue = s.overduePrincipal + s.overdueInterest > 0n;
  let wentOverdue: DayResult['wentOverdue'] = null;
  if (s.dueSince !== null && s.dueSince + s.graceDays <= day) {
    if (s.duePrincipal + s.dueInterest > 0n) {
      wentOverdue = { principal: s.duePrincipal, interest: s.dueInterest };
      postings.push(
        ...posting('overdue', ACCOUNTS.overduePrincipal, ACCOUNTS.principal, s.duePrincipal),
      );
      s.overduePrincipal += s.duePrincipal;
      s.overdueInterest += s.dueInterest;
      s.duePrincipal = 0n;
      s.dueInterest = 0n;
    }
    s.dueSince = null;
  }

  // 3. Billing of the installment due tomorrow.
  const tomorrow = day + 1;
  let billed: Billing | null = null;
  if (s.nextDueDate === tomorrow && s.nextPeriod !== null) {
    const following = inputs.installmentAfter(s.nextPeriod);
    const principal =
      following === null ? s.principal : minCents(s.nextPrincipal ?? 0n, s.principal);
    const interest = s.accruedInterest;
    postings.push(
      ...posting('billing', ACCOUNTS.billedInterest, ACCOUNTS.accruedInterest, interest),
    );
    s.accruedInterest = 0n;
    s.principal -= principal;
    s.duePrincipal += principal;
    s.dueInterest += interest;
    s.dueSince = tomorrow;
    billed = {
      period: s.nextPeriod,
      dueDate: tomorrow,
      principal,
      interest,
      paidInterest: 0n,
      paidPrincipal: 0n,
    };
    if (s.creditBalance > 0n) {
      billed.paidInterest = minCents(s.creditBalance, s.dueInterest);
      s.creditBalance -= billed.paidInterest;
      billed.paidPrincipal = minCents(s.creditBalance, s.duePrincipal);
      s.creditBalance -= billed.paidPrincipal;
      s.dueInterest -= billed.paidInterest;
      s.duePrincipal -= billed.paidPrincipal;
      postings.push(
        ...posting(
          'advance_applied',
          ACCOUNTS.advanceReceipts,
          ACCOUNTS.billedInterest,
          billed.paidInterest,
        ),
        ...posting(
          'advance_applied',
          ACCOUNTS.advanceReceipts,
          ACCOUNTS.principal,
          billed.paidPrincipal,
        ),
      );
    }
    if (s.duePrincipal + s.dueInterest > 0n && s.oldestUnpaidDue === null) {
      s.oldestUnpaidDue = tomorrow;
    }
    s.periodStart = tomorrow;
    s.nextPeriod = following?.period ?? null;
    s.nextDueDate = following?.dueDate ?? null;
    s.nextPrincipal = following?.principal ?? null;
  }

  // 4. Rate change.
  let repriced: DayResult['repriced'] = null;
  if (inputs.rateChange !== undefined && inputs.rateChange !== s.annualRate) {
    repriced = { from: s.annualRate, to: inputs.rateChange };
    s.annualRate = inputs.rateChange;
  }

  // The last installment paid from a credit balance: nothing is owed any more.
  if (s.nextPeriod === null && isSettled(s)) s.status = 'closed';

  // 5. Segments from tomorrow, days past due, classification.
  let denominator =
    billed !== null && s.nextDueDate !== null
      ? normalDenominator(s.basis, tomorrow, s.nextDueDate, true)
      : s.normal.denominator;
  const switching = s.normalSwitch !== null && s.normalSwitch.day === tomorrow;
  if (switching) {
    denominator = s.normalSwitch!.denominator;
    s.normalSwitch = null;
  }
  const { state, closed } = resegment(
    s,
    tomorrow,
    segmentTargets(s, denominator),
    billed !== null || switching ? ['normal'] : [],
  );
  s = state;
  const overdueNow = s.overduePrincipal + s.overdueInterest > 0n;
  s.daysPastDue = overdueNow && s.oldestUnpaidDue !== null ? day - s.oldestUnpaidDue + 1 : 0;
  let classified: DayResult['classified'] = null;
  const floor = worseOf(s.classification, classificationFloor(inputs.policy, s.daysPastDue));
  if (floor !== s.classification) {
    classified = { from: s.classification, to: floor };
    s.classification = floor;
  }

  return {
    state: s,
    postings,
    closedSegments: closed,
    accrued: { normal: n.delta, penalty: p.delta, compound: c.delta },
    wentOverdue,
    becameOverdue: !hadOverdue && overdueNow,
    billed,
    repriced,
    classified,
  };
}
