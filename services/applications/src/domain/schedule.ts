import { Decimal } from 'decimal.js';
import { Exact, roundFen, toFen } from './money';

/** The words of loanflow.common.v1.RepaymentMethod (a unit test holds the two together). */
export type RepaymentMethod =
  | 'equal_installments' // 等额本息
  | 'equal_principal' // 等额本金
  | 'interest_only' // 按月付息、到期还本
  | 'interest_only_quarterly' // 按季付息、到期还本
  | 'bullet' // 一次性还本付息
  | 'flat'; // 等本等息

export const REPAYMENT_METHODS: readonly RepaymentMethod[] = [
  'equal_installments',
  'equal_principal',
  'interest_only',
  'interest_only_quarterly',
  'bullet',
  'flat',
];

export function isRepaymentMethod(value: string): value is RepaymentMethod {
  return (REPAYMENT_METHODS as readonly string[]).includes(value);
}

/** One row of a repayment schedule; all amounts in yuan, rounded to 分. */
export interface Installment {
  /** 1-based month of the loan in which this payment is due. */
  month: number;
  principal: Decimal;
  interest: Decimal;
  payment: Decimal;
  /** Principal still owed after this payment. */
  remainingPrincipal: Decimal;
}

function assertLoanTerms(principal: Decimal, annualRatePercent: Decimal, termMonths: number): void {
  if (!Number.isInteger(termMonths) || termMonths < 1) {
    throw new RangeError(`termMonths must be a whole number of at least 1 (got ${termMonths})`);
  }
  if (principal.isNegative()) throw new RangeError('principal must not be negative');
  if (annualRatePercent.isNegative()) throw new RangeError('annual rate must not be negative');
}

function monthlyRate(annualRatePercent: Decimal): Decimal {
  return new Exact(annualRatePercent).div(1200);
}

/** The level monthly payment of an annuity, unrounded. */
function annuityPayment(principal: Decimal, rate: Decimal, termMonths: number): Decimal {
  const p = new Exact(principal);
  if (rate.isZero()) return p.div(termMonths);
  const growth = rate.plus(1).pow(termMonths);
  return p.times(rate).times(growth).div(growth.minus(1));
}

/**
 * The first (and largest) regular monthly payment, rounded to 分, as used for debt-to-income.
 * Principal due only at maturity is not included: an interest-only loan costs its monthly
 * interest (paid quarterly, it still costs that much a month), a bullet loan costs nothing a
 * month (see `lumpSumAtMaturity`).
 */
export function monthlyInstallment(
  principal: Decimal,
  annualRatePercent: Decimal,
  termMonths: number,
  method: RepaymentMethod,
): Decimal {
  assertLoanTerms(principal, annualRatePercent, termMonths);
  const rate = monthlyRate(annualRatePercent);
  switch (method) {
    case 'equal_installments':
      return toFen(annuityPayment(principal, rate, termMonths));
    case 'equal_principal':
    case 'flat':
      // Principal and interest are each rounded to 分, exactly as in the first schedule row
      // (the first period's interest is on the whole principal for both).
      return toFen(
        roundFen(new Exact(principal).div(termMonths)).plus(roundFen(rate.times(principal))),
      );
    case 'interest_only':
    case 'interest_only_quarterly':
      return toFen(rate.times(principal));
    case 'bullet':
      return new Decimal(0);
  }
}

/** What a bullet (一次性还本付息) loan repays at maturity: P·(1 + r·n), simple interest. */
export function lumpSumAtMaturity(
  principal: Decimal,
  annualRatePercent: Decimal,
  termMonths: number,
): Decimal {
  assertLoanTerms(principal, annualRatePercent, termMonths);
  const rate = monthlyRate(annualRatePercent);
  return toFen(rate.times(termMonths).plus(1).times(principal));
}

/**
 * The full repayment schedule. Interest each month is the outstanding principal × monthly
 * rate (for flat, the original principal × monthly rate), rounded to 分; the last payment absorbs
 * rounding so that the principal repaid is exactly the loan. A bullet loan has a single row, at
 * maturity; a quarterly interest-only loan a row every third month and one at maturity, each
 * with the interest of the months since the last.
 */
export function repaymentSchedule(
  principal: Decimal,
  annualRatePercent: Decimal,
  termMonths: number,
  method: RepaymentMethod,
): Installment[] {
  assertLoanTerms(principal, annualRatePercent, termMonths);
  const loan = roundFen(new Exact(principal));
  if (method === 'bullet') {
    const total = lumpSumAtMaturity(loan, annualRatePercent, termMonths);
    return [
      {
        month: termMonths,
        principal: toFen(loan),
        interest: toFen(new Exact(total).minus(loan)),
        payment: total,
        remainingPrincipal: new Decimal(0),
      },
    ];
  }

  const rate = monthlyRate(annualRatePercent);
  const level = roundFen(annuityPayment(loan, rate, termMonths));
  const equalPart = roundFen(loan.div(termMonths));
  const rows: Installment[] = [];
  let owed = loan;
  let unpaidInterest: Decimal = new Exact(0);
  for (let month = 1; month <= termMonths; month++) {
    unpaidInterest = unpaidInterest.plus(roundFen(rate.times(method === 'flat' ? loan : owed)));
    const last = month === termMonths;
    if (method === 'interest_only_quarterly' && month % 3 !== 0 && !last) continue;
    const interest = unpaidInterest;
    unpaidInterest = new Exact(0);
    let principalPart: Decimal;
    if (last) principalPart = owed;
    else if (method === 'equal_installments')
      principalPart = Exact.min(level.minus(interest), owed);
    else if (method === 'equal_principal' || method === 'flat')
      principalPart = Exact.min(equalPart, owed);
    else principalPart = new Exact(0);
    owed = owed.minus(principalPart);
    rows.push({
      month,
      principal: toFen(principalPart),
      interest: toFen(interest),
      payment: toFen(principalPart.plus(interest)),
      remainingPrincipal: toFen(owed),
    });
  }
  return rows;
}
