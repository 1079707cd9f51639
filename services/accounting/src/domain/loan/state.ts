import type { DayNumber } from '../schedule/calendar';
import { penaltyRate, segmentInterest, type Cents, type Rate } from '../money';

export type SegmentKind = 'normal' | 'penalty' | 'compound';
export const SEGMENT_KINDS: readonly SegmentKind[] = ['normal', 'penalty', 'compound'];

/** An open interest segment: constant base, rate and denominator from `start` on. */
export interface Segment {
  start: DayNumber;
  base: Cents;
  rate: Rate;
  denominator: number;
  /** Interest accrued in this segment so far (through the loan's `accruedThrough`). */
  accrued: Cents;
}

/** A segment that ended: `end` is exclusive, `interest` is final. */
export interface ClosedSegment {
  kind: SegmentKind;
  start: DayNumber;
  end: DayNumber;
  base: Cents;
  rate: Rate;
  denominator: number;
  interest: Cents;
}

export type Classification = 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';
export const CLASSIFICATIONS: readonly Classification[] = [
  'normal',
  'special_mention',
  'substandard',
  'doubtful',
  'loss',
];

/**
 * How normal interest accrues day by day. `daily`: annual / yearDays a day (ACT/360, ACT/365,
 * or 364 for weekly periods on the period basis). `monthly_period`: the period's interest is
 * annual × months / 12 whatever its length, spread over its actual days.
 */
export type AccrualBasis =
  | { kind: 'daily'; yearDays: number }
  | { kind: 'monthly_period'; repayEvery: number; yearDays: number };

export type LoanStatus = 'active' | 'closed' | 'written_off';

/** The hot row of a loan: every balance and the three open segments. */
export interface LoanState {
  id: string;
  status: LoanStatus;
  /** Not yet billed. */
  principal: Cents;
  /** Normal interest of the current period, not yet billed. */
  accruedInterest: Cents;
  /** Billed, still within grace. */
  duePrincipal: Cents;
  dueInterest: Cents;
  /** Due date of what is in the due bucket. */
  dueSince: DayNumber | null;
  overduePrincipal: Cents;
  overdueInterest: Cents;
  penaltyInterest: Cents;
  compoundInterest: Cents;
  /** Paid beyond what was owed, applied to the next installment when it is billed. */
  creditBalance: Cents;
  oldestUnpaidDue: DayNumber | null;
  daysPastDue: number;
  nextPeriod: number | null;
  nextDueDate: DayNumber | null;
  nextPrincipal: Cents | null;
  /** Start of the current period (the last due date, or the disbursement date). */
  periodStart: DayNumber;
  /**
   * A long first period on the monthly period basis bears its extra days at the daily rate, then
   * a regular month: the normal segment switches to the period's denominator on `day`.
   */
  normalSwitch: { day: DayNumber; denominator: number } | null;
  normal: Segment;
  penalty: Segment;
  compound: Segment;
  accruedThrough: DayNumber;
  annualRate: Rate;
  penaltyMarkupPercent: Rate;
  graceDays: number;
  basis: AccrualBasis;
  /** Flat (等本等息) loans pay interest on the original principal while any is outstanding. */
  interestOnOriginal: Cents | null;
  classification: Classification;
}

export const totalOwedNow = (s: LoanState): Cents =>
  s.compoundInterest +
  s.penaltyInterest +
  s.overdueInterest +
  s.overduePrincipal +
  s.dueInterest +
  s.duePrincipal;

export const isSettled = (s: LoanState): boolean =>
  totalOwedNow(s) === 0n && s.principal === 0n && s.accruedInterest === 0n;

export const penaltyRateOf = (s: LoanState): Rate =>
  penaltyRate(s.annualRate, s.penaltyMarkupPercent);

/** Interest of the open segment through `day` (inclusive). */
export const interestThrough = (seg: Segment, day: DayNumber): Cents =>
  segmentInterest(seg.base, seg.rate, day - seg.start + 1, seg.denominator);

/** The normal-interest denominator of the period [start, end). */
export function normalDenominator(
  basis: AccrualBasis,
  start: DayNumber,
  end: DayNumber,
  regular: boolean,
): number {
  if (basis.kind === 'daily' || !regular) return basis.yearDays;
  return (12 * (end - start)) / basis.repayEvery;
}

export interface SegmentTargets {
  normal: { base: Cents; rate: Rate; denominator: number };
  penalty: { base: Cents; rate: Rate; denominator: number };
  compound: { base: Cents; rate: Rate; denominator: number };
}

/** What each segment should be, given the balances and rates of the state. */
export function segmentTargets(s: LoanState, normalDenominatorNow: number): SegmentTargets {
  const pr = penaltyRateOf(s);
  const normalBase =
    s.principal === 0n ? 0n : s.interestOnOriginal !== null ? s.interestOnOriginal : s.principal;
  return {
    normal: { base: normalBase, rate: s.annualRate, denominator: normalDenominatorNow },
    penalty: { base: s.overduePrincipal, rate: pr, denominator: s.basis.yearDays },
    compound: { base: s.overdueInterest, rate: pr, denominator: s.basis.yearDays },
  };
}

const segmentKey = { normal: 'normal', penalty: 'penalty', compound: 'compound' } as const;

/**
 * Makes each open segment match its target from `effective` on: a segment whose base, rate or
 * denominator differs (or every one named in `force`) is closed at `effective` and a new one
 * opens there. Interest already accrued stays with the closed segment, which has accrued through
 * effective − 1 at most (changes never take effect on a day already accrued).
 */
export function resegment(
  s: LoanState,
  effective: DayNumber,
  targets: SegmentTargets,
  force: readonly SegmentKind[] = [],
): { state: LoanState; closed: ClosedSegment[] } {
  const closed: ClosedSegment[] = [];
  const next = { ...s };
  for (const kind of SEGMENT_KINDS) {
    const key = segmentKey[kind];
    const seg = s[key];
    const target = targets[key];
    const same =
      seg.base === target.base &&
      seg.rate === target.rate &&
      seg.denominator === target.denominator &&
      !force.includes(kind);
    if (same) continue;
    if (effective > seg.start) {
      const interest = segmentInterest(seg.base, seg.rate, effective - seg.start, seg.denominator);
      if (interest !== seg.accrued) {
        throw new Error(
          `segment ${kind} of loan ${s.id} closed at ${effective} with ${interest} but ${seg.accrued} accrued`,
        );
      }
      if (seg.base !== 0n) {
        const { start, base, rate, denominator } = seg;
        closed.push({ kind, start, end: effective, base, rate, denominator, interest });
      }
    }
    next[key] = { start: effective, ...target, accrued: 0n };
  }
  return { state: next, closed };
}

/**
 * What each loan-level account of the ledger must hold for this loan (assets as debit minus
 * credit, the advance-receipts liability as credit minus debit). Reconciliation compares these.
 */
export function expectedLedgerBalances(s: LoanState): Record<string, Cents> {
  return {
    '130101': s.principal + s.duePrincipal,
    '130102': s.overduePrincipal,
    '113201': s.accruedInterest,
    '113202': s.dueInterest + s.overdueInterest,
    '113203': s.penaltyInterest,
    '113204': s.compoundInterest,
    '224101': s.creditBalance,
  };
}
