// The terms a contract fixes (金额、利率及定价基础、期限、还款方式、还款日、放款日), checked and put in
// the words of the vocabulary (proto/loanflow/common/v1/vocabulary.proto; the infra mapping checks
// that the lists here are its words). Pure: no I/O.
import Decimal from 'decimal.js';
import { isIsoDate } from '@loanflow/platform';

export type RateBasisWord = 'fixed' | 'lpr_1y' | 'lpr_5y';
export type RepricingWord = 'january_first' | 'anniversary';
export type RepaymentMethodWord =
  | 'equal_installments'
  | 'equal_principal'
  | 'flat'
  | 'interest_only'
  | 'interest_only_quarterly'
  | 'bullet';

/** The rate bases of the vocabulary (proto RateBasis), in its order. */
export const RATE_BASES: readonly RateBasisWord[] = ['fixed', 'lpr_1y', 'lpr_5y'];
/** The repayment methods of the vocabulary (proto RepaymentMethod), in its order. */
export const REPAYMENT_METHODS: readonly RepaymentMethodWord[] = [
  'equal_installments',
  'equal_principal',
  'interest_only',
  'interest_only_quarterly',
  'bullet',
  'flat',
];

export const METHOD_ZH: Record<RepaymentMethodWord, string> = {
  equal_installments: '等额本息',
  equal_principal: '等额本金',
  flat: '等本等息',
  interest_only: '按月付息、到期还本',
  interest_only_quarterly: '按季付息、到期还本',
  bullet: '一次性还本付息',
};

export interface ContractTermsInput {
  amount: string;
  annualRatePercent: string;
  rateBasis: string;
  spreadBp: number;
  repricing: string;
  termMonths: number;
  repaymentMethod: string;
  repaymentDay: string;
  disbursementDate: string;
}

export interface ContractTerms {
  /** Yuan with two places. */
  amount: string;
  /** Percent a year with four places. */
  annualRatePercent: string;
  rateBasis: RateBasisWord;
  spreadBp: number;
  repricing: RepricingWord | '';
  termMonths: number;
  repaymentMethod: RepaymentMethodWord;
  /** "1" to "28" or "month_end"; empty for bullet loans. */
  repaymentDay: string;
  disbursementDate: string;
  /** Penalty rate = contract rate × (1 + markup); the bank's standard 50 %. */
  penaltyMarkupPercent: string;
}

export interface FieldProblem {
  field: string;
  reason: string;
}

const AMOUNT = /^\d{1,13}(\.\d{1,2})?$/;
const RATE = /^\d{1,2}(\.\d{1,4})?$/;
export const PENALTY_MARKUP_PERCENT = '50.00';

/**
 * The repayment day a contract states when none is asked for: the day of the disbursement date,
 * the month's last day when that is after the 28th (a due day must exist in every month).
 */
export function defaultRepaymentDay(disbursementDate: string): string {
  const day = Number(disbursementDate.slice(8, 10));
  return day <= 28 ? String(day) : 'month_end';
}

/** Checks the terms of a contract, every problem with its field; the terms in canonical form. */
export function validateContractTerms(
  input: ContractTermsInput,
): { ok: true; terms: ContractTerms } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const fail = (field: string, reason: string) => problems.push({ field, reason });
  if (!AMOUNT.test(input.amount) || new Decimal(input.amount || '0').isZero())
    fail('amount', 'must be a positive amount in yuan with at most 2 places');
  if (!RATE.test(input.annualRatePercent))
    fail('annualRatePercent', 'must be a percentage a year with at most 4 places, e.g. "4.2000"');
  const basis = (input.rateBasis || 'fixed') as RateBasisWord;
  if (!RATE_BASES.includes(basis)) fail('rateBasis', `must be one of ${RATE_BASES.join(', ')}`);
  const floating = basis === 'lpr_1y' || basis === 'lpr_5y';
  let repricing: RepricingWord | '' = '';
  if (floating) {
    if (!Number.isInteger(input.spreadBp) || input.spreadBp < -1000 || input.spreadBp > 2000)
      fail('spreadBp', 'must be from -1000 to 2000 basis points');
    repricing = (input.repricing || 'january_first') as RepricingWord;
    if (repricing !== 'january_first' && repricing !== 'anniversary')
      fail('repricing', 'must be january_first or anniversary');
  } else {
    if (input.spreadBp) fail('spreadBp', 'applies to an LPR rate basis only');
    if (input.repricing) fail('repricing', 'applies to an LPR rate basis only');
  }
  if (!Number.isInteger(input.termMonths) || input.termMonths < 1 || input.termMonths > 360)
    fail('termMonths', 'must be from 1 to 360');
  const method = input.repaymentMethod as RepaymentMethodWord;
  if (!REPAYMENT_METHODS.includes(method))
    fail('repaymentMethod', `must be one of ${REPAYMENT_METHODS.join(', ')}`);
  const dateOk = isIsoDate(input.disbursementDate);
  if (!dateOk) fail('disbursementDate', 'must be a date as YYYY-MM-DD');
  let repaymentDay = '';
  if (method === 'bullet') {
    if (input.repaymentDay)
      fail('repaymentDay', 'does not apply to bullet: maturity is the only repayment');
  } else if (input.repaymentDay) {
    const n = Number(input.repaymentDay);
    if (
      input.repaymentDay !== 'month_end' &&
      !(/^\d{1,2}$/.test(input.repaymentDay) && n >= 1 && n <= 28)
    )
      fail('repaymentDay', 'must be a day of the month from 1 to 28, or "month_end"');
    repaymentDay = input.repaymentDay === 'month_end' ? 'month_end' : String(n);
  } else if (dateOk) repaymentDay = defaultRepaymentDay(input.disbursementDate);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    terms: {
      amount: new Decimal(input.amount).toFixed(2),
      annualRatePercent: new Decimal(input.annualRatePercent).toFixed(4),
      rateBasis: basis,
      spreadBp: floating ? input.spreadBp : 0,
      repricing,
      termMonths: input.termMonths,
      repaymentMethod: method,
      repaymentDay,
      disbursementDate: input.disbursementDate,
      penaltyMarkupPercent: PENALTY_MARKUP_PERCENT,
    },
  };
}

/**
 * The request of the accounting service's PreviewSchedule for these terms. The accounting service
 * builds the same request from the signed terms when it opens the loan, and refuses to open it
 * unless the schedule comes out installment for installment as the contract printed it.
 */
export function scheduleRequestOf(t: ContractTerms): Record<string, unknown> {
  return {
    principal: t.amount,
    annualRatePercent: t.annualRatePercent,
    term: t.termMonths,
    termUnit: 'month',
    repaymentMethod: t.repaymentMethod,
    disbursementDate: t.disbursementDate,
    ...(t.repaymentDay && {
      repaymentDay: t.repaymentDay === 'month_end' ? 'month_end' : Number(t.repaymentDay),
    }),
  };
}

/** Penalty rate printed in the contract: the rate × (1 + markup), four places. */
export const penaltyRatePercent = (t: ContractTerms): string =>
  new Decimal(t.annualRatePercent)
    .times(new Decimal(1).plus(new Decimal(t.penaltyMarkupPercent).div(100)))
    .toFixed(4);
