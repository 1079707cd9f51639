import { daysInYearBasis, formatIsoDate, yearFraction } from './calendar';
import { Exact, formatAmount, roundAmount, roundToMultiple, type Rounding } from './decimal';
import { dueDateGrid, firstPeriodKind, type TermUnit } from './periods';
import type { ScheduleTerms } from './terms';

/** One line of a schedule; every amount is a decimal string with the requested places. */
export interface ScheduleInstallment {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  total: string;
  /** Principal still owed after this installment. */
  balance: string;
}

export interface Schedule {
  installments: ScheduleInstallment[];
  totalInterest: string;
  totalPayment: string;
}

/** The rate of one regular period on the period basis: annual / 12 a month, / 52 a week. */
function regularPeriodRate(terms: ScheduleTerms): Exact {
  const perYear: Record<TermUnit, number> = {
    month: 12,
    week: 52,
    day: daysInYearBasis(terms.dayCount),
  };
  return terms.annualRatePercent.div(100).times(terms.repayEvery).div(perYear[terms.termUnit]);
}

/**
 * The level payment of an annuity over `count` periods at `rate` a period, unrounded. At 0 %
 * (interest-free or fully subsidised, 贴息) it is the principal in equal parts.
 */
function annuityPayment(principal: Exact, rate: Exact, count: number): Exact {
  if (rate.isZero()) return principal.div(count);
  const growth = rate.plus(1).pow(count);
  return principal.times(rate).times(growth).div(growth.minus(1));
}

/**
 * Builds the schedule for terms that passed `validateScheduleRequest`. Pure and synchronous.
 *
 * Interest of a period = outstanding principal (the original principal for flat) × the period's
 * rate, rounded per line. The period's rate is annual / 12 (× repayEvery) on the period basis, or
 * annual × the day-count year fraction of its actual dates on the daily basis. A broken first
 * period on the period basis: shorter than a regular one → interest for its actual days (day
 * count, ACT/360 by default); longer → one regular period plus the extra days at the daily rate.
 * Equal installments keep the level payment from the nominal periodic rate; in a broken first
 * period the principal part is the one of a regular period, the interest the actual one. The last
 * installment repays whatever principal is left, so the principal parts sum to the loan exactly.
 *
 * An installment multiple (e.g. 10: bills end in whole tens) makes the *installment* a multiple
 * where the installment is level: equal installments and flat loans bill the level installment
 * rounded to the multiple, the principal part is what is left after the period's interest, and
 * the last installment settles the rest. Equal principal has no level installment (its interest
 * falls every period), so there the multiple applies to the level principal part; the
 * installments are then the principal multiple plus each period's interest.
 */
export function buildSchedule(terms: ScheduleTerms): Schedule {
  const rounding: Rounding = { mode: terms.roundingMode, decimals: terms.decimals };
  const round = (d: Exact) => roundAmount(d, rounding);
  const annual = terms.annualRatePercent.div(100);
  const regularRate = regularPeriodRate(terms);
  const count = terms.term / terms.repayEvery;
  const grid = dueDateGrid(terms);
  const firstPeriod = firstPeriodKind(grid, terms.disbursementDate);

  const rateOfPeriod = (index: number, start: number, end: number): Exact => {
    if (terms.interestBasis === 'daily')
      return annual.times(yearFraction(terms.dayCount, start, end));
    if (index > 0 || firstPeriod.kind === 'regular') return regularRate;
    if (firstPeriod.kind === 'short') return annual.times(yearFraction(terms.dayCount, start, end));
    return regularRate.plus(
      annual.times(yearFraction(terms.dayCount, firstPeriod.extraFrom, firstPeriod.extraTo)),
    );
  };

  const principal = terms.principal;
  const amortisingCount = count - terms.graceOnPrincipalPeriods;
  const multiple = terms.installmentMultiple;
  const toMultiple = (d: Exact) => (multiple ? roundToMultiple(d, multiple, rounding) : round(d));
  let levelPayment = new Exact(0);
  let principalPart = new Exact(0);
  // Flat interest is the same every regular period, so with a multiple its installment is level.
  const levelFlat = terms.repaymentMethod === 'flat' && multiple !== undefined;
  if (terms.repaymentMethod === 'equal_installments') {
    levelPayment = toMultiple(annuityPayment(principal, regularRate, amortisingCount));
  } else if (levelFlat) {
    levelPayment = toMultiple(
      principal.div(amortisingCount).plus(round(principal.times(regularRate))),
    );
  } else if (terms.repaymentMethod === 'equal_principal' || terms.repaymentMethod === 'flat') {
    principalPart = toMultiple(principal.div(amortisingCount));
  }

  const installments: ScheduleInstallment[] = [];
  let balance = principal;
  let deferredInterest = new Exact(0);
  let totalInterest = new Exact(0);
  let totalPayment = new Exact(0);
  let start = terms.disbursementDate;
  for (let index = 0; index < count; index++) {
    const end = grid.dueDate(index);
    const rate = rateOfPeriod(index, start, end);
    const base = terms.repaymentMethod === 'flat' ? principal : balance;
    // A long first period on the period basis is two amounts, each to the fen: one regular
    // period and the extra days at the daily rate (what a loan account accrues and bills).
    const longFirst =
      index === 0 && firstPeriod.kind === 'long' && terms.interestBasis === 'period';
    const accrued = longFirst
      ? round(base.times(regularRate)).plus(round(base.times(rate.minus(regularRate))))
      : round(base.times(rate));

    let repaid = new Exact(0);
    if (index === count - 1) repaid = balance;
    else if (index >= terms.graceOnPrincipalPeriods) {
      if (terms.repaymentMethod === 'equal_installments' || levelFlat) {
        const broken = index === 0 && firstPeriod.kind !== 'regular';
        repaid = levelPayment.minus(broken ? round(base.times(regularRate)) : accrued);
      } else if (terms.repaymentMethod === 'equal_principal' || terms.repaymentMethod === 'flat') {
        repaid = principalPart;
      }
      repaid = Exact.max(0, Exact.min(repaid, balance));
    }

    // Interest in an interest grace period is deferred (not capitalised) to the first period
    // after it, as Fineract and mainland banks do: no interest is charged on deferred interest.
    let interest = accrued;
    if (index < terms.graceOnInterestPeriods) {
      deferredInterest = deferredInterest.plus(accrued);
      interest = new Exact(0);
    } else if (!deferredInterest.isZero()) {
      interest = interest.plus(deferredInterest);
      deferredInterest = new Exact(0);
    }

    balance = balance.minus(repaid);
    const total = repaid.plus(interest);
    totalInterest = totalInterest.plus(interest);
    totalPayment = totalPayment.plus(total);
    installments.push({
      period: index + 1,
      dueDate: formatIsoDate(end),
      principal: formatAmount(repaid, terms.decimals),
      interest: formatAmount(interest, terms.decimals),
      total: formatAmount(total, terms.decimals),
      balance: formatAmount(balance, terms.decimals),
    });
    start = end;
  }
  return {
    installments,
    totalInterest: formatAmount(totalInterest, terms.decimals),
    totalPayment: formatAmount(totalPayment, terms.decimals),
  };
}
