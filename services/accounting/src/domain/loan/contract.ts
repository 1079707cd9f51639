// 先签后贷: the loan opened under a signed contract takes every term from it. Pure: no I/O.
import Decimal from 'decimal.js';
import { buildSchedule, validateScheduleRequest, type FieldError } from '../schedule';

/**
 * The terms a contract fixes, as documents' LoanTerms carries them (the generated message is
 * mapped to this at the edge; enum values are their proto names, e.g. REPAYMENT_METHOD_FLAT).
 */
export interface LoanTerms {
  amount: string;
  annualRatePercent: string;
  rateBasis: string;
  spreadBp: number;
  repricing: string;
  termMonths: number;
  repaymentMethod: string;
  /** "1" to "28" or "month_end"; empty for bullet loans. */
  repaymentDay: string;
  disbursementDate: string;
  firstDueDate: string;
  maturityDate: string;
  penaltyMarkupPercent: string;
  /** The schedule printed in the contract. */
  schedule: readonly { dueDate: string; principal: string; interest: string }[];
}

/** What the contract.signed event told about the contract of an application. */
export interface SignedContract {
  contractId: string;
  contractNumber: string;
  applicationId: string;
  customerId: string;
  /** The borrower as the contract names them (the customer record's name). */
  borrowerName: string;
  branchId: string;
  productCode: string;
  terms: LoanTerms;
}

/** The request values of a loan opening that a contract fixes (empty: not given). */
export interface OpeningRequest {
  customerId: string;
  branchId: string;
  productCode: string;
  approvedAmount: string;
  rateType: string;
  lprTerm: string;
  spreadBp: number;
  repricing: string;
  penaltyMarkupPercent: string;
  schedule: Record<string, unknown> | undefined;
}

/** The account terms a contract fixes, in the words OpenLoan and the loan record use. */
export interface ContractedLoan {
  customerId: string;
  branchId: string;
  productCode: string;
  approvedAmount: string;
  schedule: Record<string, unknown>;
  rateType: 'fixed' | 'floating';
  lprTerm: '1Y' | '5Y' | undefined;
  spreadBp: number;
  repricing: 'january_first' | 'anniversary' | undefined;
  penaltyMarkupPercent: string;
}

const word = (value: string, prefix: string) =>
  value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase() : '';

/**
 * The schedule request of the contract's terms: the one the documents service previewed when
 * it printed the contract (services/documents/src/domain/contracts/terms.ts, scheduleRequestOf).
 */
export function scheduleRequestOfContract(t: LoanTerms): Record<string, unknown> {
  const day = t.repaymentDay;
  return {
    principal: t.amount,
    annualRatePercent: t.annualRatePercent,
    term: t.termMonths,
    termUnit: 'month',
    repaymentMethod: word(t.repaymentMethod, 'REPAYMENT_METHOD_'),
    disbursementDate: t.disbursementDate,
    ...(day && { repaymentDay: day === 'month_end' ? 'month_end' : Number(day) }),
  };
}

export function contractedLoan(c: SignedContract): ContractedLoan {
  const basis = word(c.terms.rateBasis, 'RATE_BASIS_');
  const floating = basis === 'lpr_1y' || basis === 'lpr_5y';
  return {
    customerId: c.customerId,
    branchId: c.branchId,
    productCode: c.productCode,
    approvedAmount: c.terms.amount,
    schedule: scheduleRequestOfContract(c.terms),
    rateType: floating ? 'floating' : 'fixed',
    lprTerm: floating ? (basis === 'lpr_1y' ? '1Y' : '5Y') : undefined,
    spreadBp: floating ? c.terms.spreadBp : 0,
    repricing: floating
      ? ((c.terms.repricing || 'january_first') as 'january_first' | 'anniversary')
      : undefined,
    penaltyMarkupPercent: c.terms.penaltyMarkupPercent || '50',
  };
}

const sameNumber = (a: unknown, b: unknown) => {
  try {
    return new Decimal(String(a)).equals(new Decimal(String(b)));
  } catch {
    return false;
  }
};

/**
 * Every value the request names that differs from what the contract fixes, with its field. A
 * value left out is taken from the contract; a schedule field the contract does not fix (a day
 * count, an installment multiple) is refused too, since it would change the schedule.
 */
export function differencesFromContract(c: SignedContract, req: OpeningRequest): FieldError[] {
  const fixed = contractedLoan(c);
  const n = c.contractNumber;
  const problems: FieldError[] = [];
  const differs = (field: string, given: string, expected: string, equal = given === expected) => {
    if (given && !equal)
      problems.push({
        field,
        reason: `must be ${expected || '(none)'}, as contract ${n} fixes it`,
      });
  };
  differs('customerId', req.customerId.toLowerCase(), fixed.customerId.toLowerCase());
  differs('branchId', req.branchId, fixed.branchId);
  differs('productCode', req.productCode, fixed.productCode);
  differs(
    'approvedAmount',
    req.approvedAmount,
    fixed.approvedAmount,
    sameNumber(req.approvedAmount, fixed.approvedAmount),
  );
  differs('rateType', req.rateType, fixed.rateType);
  differs('lprTerm', req.lprTerm, fixed.lprTerm ?? '');
  if (req.spreadBp && req.spreadBp !== fixed.spreadBp)
    problems.push({
      field: 'spreadBp',
      reason: `must be ${fixed.spreadBp}, as contract ${n} fixes it`,
    });
  differs('repricing', req.repricing, fixed.repricing ?? '');
  differs(
    'penaltyMarkupPercent',
    req.penaltyMarkupPercent,
    fixed.penaltyMarkupPercent,
    sameNumber(req.penaltyMarkupPercent, fixed.penaltyMarkupPercent),
  );
  for (const [key, given] of Object.entries(req.schedule ?? {})) {
    const field = `schedule.${key}`;
    if (!(key in fixed.schedule)) {
      problems.push({
        field,
        reason: `is not a term of contract ${n}; the loan takes the contract's schedule`,
      });
      continue;
    }
    const expected = fixed.schedule[key];
    const equal =
      key === 'principal' || key === 'annualRatePercent'
        ? sameNumber(given, expected)
        : given === expected;
    if (!equal)
      problems.push({
        field,
        reason: `must be ${JSON.stringify(expected)}, as contract ${n} fixes it`,
      });
  }
  return problems;
}

/**
 * Where the schedule the loan would get departs from the one printed in the contract (the
 * first differing period), or undefined when they agree installment for installment.
 */
export function scheduleDeparture(c: SignedContract): string | undefined {
  const terms = validateScheduleRequest(scheduleRequestOfContract(c.terms));
  if (!terms.ok) return `its terms no longer validate (${terms.errors[0]!.reason})`;
  const built = buildSchedule(terms.value).installments;
  const printed = c.terms.schedule;
  if (built.length !== printed.length)
    return `${built.length} installments instead of the ${printed.length} printed`;
  for (let i = 0; i < built.length; i++) {
    const b = built[i]!;
    const p = printed[i]!;
    if (
      b.dueDate !== p.dueDate ||
      !sameNumber(b.principal, p.principal) ||
      !sameNumber(b.interest, p.interest)
    )
      return `installment ${i + 1} differs from the one printed`;
  }
  return undefined;
}
