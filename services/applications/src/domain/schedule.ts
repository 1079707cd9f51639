import { Decimal } from 'decimal.js';
import { Exact, roundFen, toFen } from './money';

export type RepaymentMethod =
  | 'equal_installments' // 等额本息
  | 'equal_principal' // 等额本金
  | 'interest_only_bullet' // 按月付息、到期还本
  | 'lump_sum'; // 一次性还本付息

export const REPAYMENT_METHODS: readonly RepaymentMethod[] = [
  'equal_installments',
  'equal_principal',
  'interest_only_bullet',
  'lump_sum',
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
 * Principal due only at maturity is not included: a bullet loan costs its monthly interest,
 * a lump-sum loan costs nothing a month (see `lumpSumAtMaturity`).
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
      // Principal and interest are each rounded to 分, exactly as in the first schedule row.
      return toFen(
        roundFen(new Exact(principal).div(termMonths)).plus(roundFen(rate.times(principal))),
      );
    case 'interest_only_bullet':
      return toFen(rate.times(principal));
    case 'lump_sum':
      return new Decimal(0);
  }
}

/** What a lump-sum (一次性还本付息) loan repays at maturity: P·(1 + r·n), simple interest. */
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
 * rate, rounded to 分; the last payment absorbs rounding so that the principal repaid is
 * exactly the loan. A lump-sum loan has a single row, at maturity.
 */
export function repaymentSchedule(
  principal: Decimal,
  annualRatePercent: Decimal,
  termMonths: number,
  method: RepaymentMethod,
): Installment[] {
  assertLoanTerms(principal, annualRatePercent, termMonths);
  const loan = roundFen(new Exact(principal));
  if (method === 'lump_sum') {
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
  for (let month = 1; month <= termMonths; month++) {
    const interest = roundFen(rate.times(owed));
    let principalPart: Decimal;
    if (month === termMonths) principalPart = owed;
    else if (method === 'equal_installments')
      principalPart = Exact.min(level.minus(interest), owed);
    else if (method === 'equal_principal') principalPart = Exact.min(equalPart, owed);
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
