import Decimal from 'decimal.js';
import {
  buildSchedule,
  validateScheduleRequest,
  type FieldError,
  type ScheduleTerms,
} from '../schedule';
import { calendarDate, daysInYearBasis, parseIsoDate, type DayNumber } from '../schedule/calendar';
import { dueDateGrid, firstPeriodKind } from '../schedule/periods';
import { Exact } from '../schedule/decimal';
import {
  formatRate,
  parseMoney,
  parseRate,
  penaltyRate,
  ratePlaces,
  type Cents,
  type Rate,
} from '../money';
import type { InstallmentRow } from './repayment';
import { normalDenominator, type AccrualBasis, type LoanState } from './state';

/** Loan-account rules on top of the schedule preview's: what the accrual engine can carry. */
export interface LoanTerms {
  schedule: ScheduleTerms;
  annualRate: Rate;
  penaltyMarkupPercent: Rate;
  graceDays: number;
}

export interface ScheduledInstallment {
  period: number;
  dueDate: DayNumber;
  principal: Cents;
  interest: Cents;
}

const toCents = (text: string): Cents => parseMoney(text)!;

/**
 * Validates the schedule part of a loan (the preview's request, principal = the first tranche)
 * and the account's own terms. The preview supports more than an account can carry; those
 * combinations are refused here with the reason, never approximated.
 */
export function validateLoanTerms(
  schedule: unknown,
  penaltyMarkupPercent: string | undefined,
  graceDays: number | undefined,
): { ok: true; value: LoanTerms } | { ok: false; errors: FieldError[] } {
  const validated = validateScheduleRequest(schedule);
  const errors: FieldError[] = validated.ok
    ? []
    : validated.errors.map((e) => ({ ...e, field: `schedule.${e.field}` }));
  const markup = parseRate(penaltyMarkupPercent ?? '50');
  if (markup === undefined || ratePlaces(markup) > 2) {
    errors.push({
      field: 'penaltyMarkupPercent',
      reason: 'must be a percentage from 0 to 99.99 with at most 2 places',
    });
  }
  const grace = graceDays ?? 0;
  if (!Number.isInteger(grace) || grace < 0 || grace > 30) {
    errors.push({ field: 'graceDays', reason: 'must be a whole number of days from 0 to 30' });
  }
  if (!validated.ok) return { ok: false, errors };
  const t = validated.value;
  if (t.dayCount !== 'ACT/360' && t.dayCount !== 'ACT/365') {
    errors.push({
      field: 'schedule.dayCount',
      reason: 'loan accounts accrue on ACT/360 or ACT/365',
    });
  }
  if (t.roundingMode !== 'half_up' || t.decimals !== 2) {
    errors.push({
      field: 'schedule.roundingMode',
      reason: 'loan accounts round half-up to the fen (2 places)',
    });
  }
  if (t.graceOnInterestPeriods > 0) {
    errors.push({
      field: 'schedule.graceOnInterestPeriods',
      reason: 'interest grace is not supported on loan accounts (interest is billed as it accrues)',
    });
  }
  if (t.interestBasis === 'period' && t.termUnit === 'month' && 12 % t.repayEvery !== 0) {
    errors.push({ field: 'schedule.repayEvery', reason: 'on the period basis must divide 12' });
  }
  const rate = parseRate(t.annualRatePercent.toFixed());
  if (rate === undefined || ratePlaces(rate) > 6) {
    errors.push({
      field: 'schedule.annualRatePercent',
      reason: 'must have at most 6 decimal places',
    });
  }
  const shortest =
    t.termUnit === 'month'
      ? 28 * t.repayEvery
      : t.termUnit === 'week'
        ? 7 * t.repayEvery
        : t.repayEvery;
  if (grace >= shortest) {
    errors.push({
      field: 'graceDays',
      reason: `must be shorter than a repayment period (${shortest} days)`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { schedule: t, annualRate: rate!, penaltyMarkupPercent: markup!, graceDays: grace },
  };
}

export function accrualBasis(t: ScheduleTerms): AccrualBasis {
  const yearDays = daysInYearBasis(t.dayCount);
  if (t.interestBasis === 'daily') return { kind: 'daily', yearDays };
  if (t.termUnit === 'week') return { kind: 'daily', yearDays: 364 };
  if (t.termUnit === 'day') return { kind: 'daily', yearDays };
  return { kind: 'monthly_period', repayEvery: t.repayEvery, yearDays };
}

export function scheduleOf(t: ScheduleTerms): ScheduledInstallment[] {
  return buildSchedule(t).installments.map((i) => ({
    period: i.period,
    dueDate: parseIsoDate(i.dueDate)!,
    principal: toCents(i.principal),
    interest: toCents(i.interest),
  }));
}

/** The state of a loan on the day its first tranche is paid out (accrued through the day before). */
export function openingState(
  id: string,
  terms: LoanTerms,
  installments: ScheduledInstallment[],
): LoanState {
  const t = terms.schedule;
  const start = t.disbursementDate;
  const principal = toCents(t.principal.toFixed(2));
  const first = installments[0]!;
  const basis = accrualBasis(t);
  const firstPeriod = firstPeriodKind(dueDateGrid(t), start);
  const regular = firstPeriod.kind === 'regular';
  // A long first period on the monthly basis: the extra days at the daily rate, then one regular
  // month, as the schedule charges it.
  const longMonthly = firstPeriod.kind === 'long' && basis.kind === 'monthly_period';
  const penalty = penaltyRate(terms.annualRate, terms.penaltyMarkupPercent);
  return {
    id,
    status: 'active',
    principal,
    accruedInterest: 0n,
    duePrincipal: 0n,
    dueInterest: 0n,
    dueSince: null,
    overduePrincipal: 0n,
    overdueInterest: 0n,
    penaltyInterest: 0n,
    compoundInterest: 0n,
    creditBalance: 0n,
    oldestUnpaidDue: null,
    daysPastDue: 0,
    nextPeriod: first.period,
    nextDueDate: first.dueDate,
    nextPrincipal: first.principal,
    periodStart: start,
    normalSwitch: longMonthly
      ? {
          day: firstPeriod.extraTo,
          denominator: normalDenominator(basis, firstPeriod.extraTo, first.dueDate, true),
        }
      : null,
    normal: {
      start,
      base: principal,
      rate: terms.annualRate,
      denominator: normalDenominator(basis, start, first.dueDate, regular),
      accrued: 0n,
    },
    penalty: { start, base: 0n, rate: penalty, denominator: basis.yearDays, accrued: 0n },
    compound: { start, base: 0n, rate: penalty, denominator: basis.yearDays, accrued: 0n },
    accruedThrough: start - 1,
    annualRate: terms.annualRate,
    penaltyMarkupPercent: terms.penaltyMarkupPercent,
    graceDays: terms.graceDays,
    basis,
    interestOnOriginal: t.repaymentMethod === 'flat' ? principal : null,
    classification: 'normal',
  };
}

export type PrepaymentOption = 'shorten_term' | 'lower_installment';

/**
 * A new schedule for the installments not yet billed, after a prepayment, a new tranche or a rate
 * change: `principal` over the remaining due dates at `annualRate`. Lower installment keeps the
 * dates; shorten term keeps the installment (or, for equal principal, the principal part) and
 * drops the last dates. Due dates stay those of the contract.
 */
export function reamortize(args: {
  terms: ScheduleTerms;
  principal: Cents;
  annualRate: Rate;
  periodStart: DayNumber;
  remaining: readonly ScheduledInstallment[];
  option: PrepaymentOption;
  /** The installment (or principal part) to keep when shortening the term. */
  keep?: Cents;
}): ScheduledInstallment[] {
  const { terms, remaining } = args;
  if (remaining.length === 0 || args.principal === 0n) return [];
  const amortising = ['equal_installments', 'equal_principal', 'flat'].includes(
    terms.repaymentMethod,
  );
  let count = remaining.length;
  const principal = new Exact(args.principal.toString()).div(100);
  const annual = new Exact(formatRate(args.annualRate));
  if (args.option === 'shorten_term' && amortising && args.keep !== undefined && args.keep > 0n) {
    const keep = new Exact(args.keep.toString()).div(100);
    if (terms.repaymentMethod === 'equal_installments') {
      const i = annual
        .div(100)
        .times(terms.repayEvery)
        .div(
          terms.termUnit === 'month'
            ? 12
            : terms.termUnit === 'week'
              ? 52
              : daysInYearBasis(terms.dayCount),
        );
      count = 1;
      while (count < remaining.length) {
        const growth = i.plus(1).pow(count);
        const payment = i.isZero()
          ? principal.div(count)
          : principal.times(i).times(growth).div(growth.minus(1));
        if (payment.lte(keep)) break;
        count++;
      }
    } else {
      count = Math.min(remaining.length, Decimal.ceil(principal.div(keep)).toNumber());
    }
  }
  const kept = remaining.slice(0, count);
  const periodsPassed = remaining[0]!.period - 1;
  const rebuilt = scheduleOf({
    ...terms,
    principal,
    annualRatePercent: annual,
    term: count * terms.repayEvery,
    disbursementDate: args.periodStart,
    firstRepaymentDate: kept[0]!.dueDate,
    // The contract's day of the month, not the first remaining date's (a loan due on the 31st
    // stays due on month ends after February).
    repaymentDay:
      terms.repaymentDay ?? calendarDate(terms.firstRepaymentDate ?? terms.disbursementDate).day,
    graceOnPrincipalPeriods: Math.max(0, terms.graceOnPrincipalPeriods - periodsPassed),
    graceOnInterestPeriods: 0,
  });
  return kept.map((k, index) => ({
    period: k.period,
    dueDate: k.dueDate,
    principal: rebuilt[index]!.principal,
    interest: rebuilt[index]!.interest,
  }));
}

/** Rows for the installments table from a schedule. */
export const installmentRows = (schedule: readonly ScheduledInstallment[]): InstallmentRow[] =>
  schedule.map((i) => ({
    period: i.period,
    dueDate: i.dueDate,
    principal: i.principal,
    scheduledInterest: i.interest,
    billedInterest: null,
    principalPaid: 0n,
    interestPaid: 0n,
    status: 'scheduled',
    paidOn: null,
  }));
