import { Exact, type RoundingMode } from './decimal';
import {
  DAY_COUNTS,
  calendarDate,
  isMonthEnd,
  parseIsoDate,
  type DayCount,
  type DayNumber,
  type RepaymentDay,
} from './calendar';
import { dueDateGrid, type TermUnit } from './periods';
import { RATE_CEILING_PERCENT } from '../money';

export type RepaymentMethod =
  | 'equal_installments' // 等额本息
  | 'equal_principal' // 等额本金
  | 'flat' // 等本等息
  | 'interest_only' // 按月付息、到期还本
  | 'interest_only_quarterly' // 按季付息、到期还本
  | 'bullet'; // 一次性还本付息

export const REPAYMENT_METHODS: readonly RepaymentMethod[] = [
  'equal_installments',
  'equal_principal',
  'flat',
  'interest_only',
  'interest_only_quarterly',
  'bullet',
];

/** Methods that repay principal during the term, so grace and installment multiples apply. */
export const AMORTISING_METHODS: readonly RepaymentMethod[] = [
  'equal_installments',
  'equal_principal',
  'flat',
];

export type InterestBasis = 'period' | 'daily';

/** A schedule request that passed validation; `buildSchedule` trusts every field. */
export interface ScheduleTerms {
  principal: Exact;
  annualRatePercent: Exact;
  term: number;
  termUnit: TermUnit;
  /** Units per period after method rules (3 for quarterly interest, the whole term for bullet). */
  repayEvery: number;
  repaymentMethod: RepaymentMethod;
  disbursementDate: DayNumber;
  firstRepaymentDate?: DayNumber;
  repaymentDay?: RepaymentDay;
  interestBasis: InterestBasis;
  dayCount: DayCount;
  roundingMode: RoundingMode;
  decimals: number;
  installmentMultiple?: Exact;
  graceOnPrincipalPeriods: number;
  graceOnInterestPeriods: number;
}

export interface FieldError {
  field: string;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const KNOWN_FIELDS = [
  'principal',
  'annualRatePercent',
  'term',
  'termUnit',
  'repayEvery',
  'repaymentMethod',
  'disbursementDate',
  'firstRepaymentDate',
  'repaymentDay',
  'interestBasis',
  'dayCount',
  'roundingMode',
  'decimals',
  'installmentMultiple',
  'graceOnPrincipalPeriods',
  'graceOnInterestPeriods',
] as const;

const TERM_UNITS: readonly TermUnit[] = ['month', 'week', 'day'];
const INTEREST_BASES: readonly InterestBasis[] = ['period', 'daily'];
const ROUNDING_MODES: readonly RoundingMode[] = ['half_up', 'half_even'];

// Limits that keep a request meaningful; real products sit far inside them.
const MAX_INTEGER_DIGITS = 15;
const MAX_RATE_DECIMALS = 6;
const MAX_DECIMALS = 6;
const MAX_TERM: Record<TermUnit, number> = { month: 600, week: 2609, day: 18262 }; // 50 years
const MAX_PERIODS = 3000;
const FIRST_YEAR = 1900;
const LAST_YEAR = 2199;

type Read<T> = { ok: true; value: T } | { ok: false; reason: string };
const ok = <T>(value: T): Read<T> => ({ ok: true, value });
const no = <T>(reason: string): Read<T> => ({ ok: false, reason });

/** A plain decimal string such as "100000.00": no sign, exponent or leading zeros. */
function readDecimal(raw: unknown, maxFractionDigits: number, example: string): Read<Exact> {
  if (typeof raw !== 'string') return no(`must be a decimal string such as "${example}"`);
  const match = /^(\d+)(?:\.(\d+))?$/.exec(raw);
  if (!match) return no(`must be a decimal string such as "${example}"`);
  const [, integerPart, fractionPart = ''] = match;
  if (integerPart.length > 1 && integerPart.startsWith('0'))
    return no('must not have leading zeros');
  if (integerPart.length > MAX_INTEGER_DIGITS) {
    return no(`must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point`);
  }
  if (fractionPart.length > maxFractionDigits) {
    return no(`must have at most ${maxFractionDigits} decimal places`);
  }
  return ok(new Exact(raw));
}

function readInteger(raw: unknown, min: number, max: number): Read<number> {
  if (typeof raw !== 'number' || !Number.isInteger(raw)) return no('must be a whole number');
  if (raw < min || raw > max) return no(`must be between ${min} and ${max}`);
  return ok(raw);
}

function readChoice<T extends string>(raw: unknown, choices: readonly T[]): Read<T> {
  if (typeof raw === 'string' && (choices as readonly string[]).includes(raw)) return ok(raw as T);
  return no(`must be one of ${choices.join(', ')}`);
}

function readDate(raw: unknown): Read<DayNumber> {
  if (typeof raw !== 'string') return no('must be a date as YYYY-MM-DD');
  const day = parseIsoDate(raw);
  if (day === undefined) return no('must be a real calendar date as YYYY-MM-DD');
  const { year } = calendarDate(day);
  if (year < FIRST_YEAR || year > LAST_YEAR) {
    return no(`must be between ${FIRST_YEAR} and ${LAST_YEAR}`);
  }
  return ok(day);
}

function readRepaymentDay(raw: unknown): Read<RepaymentDay> {
  if (raw === 'month_end') return ok('month_end');
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1 && raw <= 28) return ok(raw);
  return no('must be a day of the month from 1 to 28, or "month_end"');
}

/**
 * Checks a schedule preview request against the contract of issue 4 §1. Every problem is
 * reported with its field; a combination the library does not support is refused, never
 * approximated.
 */
export function validateScheduleRequest(input: unknown): Validated<ScheduleTerms> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: 'body', reason: 'must be a JSON object' }] };
  }
  const body = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const fail = (field: string, reason: string): undefined => {
    errors.push({ field, reason });
    return undefined;
  };
  const take = <T>(field: string, read: Read<T>): T | undefined =>
    read.ok ? read.value : fail(field, read.reason);
  const given = (field: string): boolean => body[field] !== undefined;
  const optional = <T>(field: string, reader: (raw: unknown) => Read<T>, fallback: T) =>
    given(field) ? take(field, reader(body[field])) : fallback;

  for (const field of Object.keys(body)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(field)) fail(field, 'is not a known field');
  }
  const required = (field: string): boolean =>
    given(field) || (fail(field, 'is required') ?? false);

  const decimals = optional('decimals', (raw) => readInteger(raw, 0, MAX_DECIMALS), 2);
  const places = decimals ?? 2;

  let principal: Exact | undefined;
  if (required('principal')) {
    principal = take('principal', readDecimal(body.principal, places, '100000.00'));
    if (principal?.isZero()) principal = fail('principal', 'must be greater than 0');
  }

  let annualRatePercent: Exact | undefined;
  if (required('annualRatePercent')) {
    annualRatePercent = take(
      'annualRatePercent',
      readDecimal(body.annualRatePercent, MAX_RATE_DECIMALS, '4.35'),
    );
    // 0 % is a real product: interest-free and fully subsidised (贴息) loans.
    if (annualRatePercent?.greaterThanOrEqualTo(RATE_CEILING_PERCENT)) {
      annualRatePercent = fail(
        'annualRatePercent',
        `must be below ${RATE_CEILING_PERCENT}% a year`,
      );
    }
  }

  const termUnit = required('termUnit')
    ? take('termUnit', readChoice(body.termUnit, TERM_UNITS))
    : undefined;
  const term = required('term')
    ? take('term', readInteger(body.term, 1, termUnit ? MAX_TERM[termUnit] : MAX_TERM.day))
    : undefined;
  const repaymentMethod = required('repaymentMethod')
    ? take('repaymentMethod', readChoice(body.repaymentMethod, REPAYMENT_METHODS))
    : undefined;
  const disbursementDate = required('disbursementDate')
    ? take('disbursementDate', readDate(body.disbursementDate))
    : undefined;
  let firstRepaymentDate = optional('firstRepaymentDate', readDate, undefined);
  let repaymentDay = optional('repaymentDay', readRepaymentDay, undefined);
  let repayEvery = optional('repayEvery', (raw) => readInteger(raw, 1, MAX_TERM.day), 1);
  const interestBasis = optional(
    'interestBasis',
    (raw) => readChoice(raw, INTEREST_BASES),
    'period',
  );
  const dayCount = optional('dayCount', (raw) => readChoice(raw, DAY_COUNTS), 'ACT/360');
  const roundingMode = optional(
    'roundingMode',
    (raw) => readChoice(raw, ROUNDING_MODES),
    'half_up',
  );
  let installmentMultiple = optional(
    'installmentMultiple',
    (raw) => readDecimal(raw, places, '1'),
    undefined,
  );
  if (installmentMultiple?.isZero()) {
    installmentMultiple = fail('installmentMultiple', 'must be greater than 0');
  }
  let graceOnPrincipalPeriods = optional(
    'graceOnPrincipalPeriods',
    (raw) => readInteger(raw, 0, MAX_PERIODS),
    0,
  );
  let graceOnInterestPeriods = optional(
    'graceOnInterestPeriods',
    (raw) => readInteger(raw, 0, MAX_PERIODS),
    0,
  );

  // Combinations, checked only once the fields they involve are individually valid.
  if (repaymentDay !== undefined && termUnit !== undefined && termUnit !== 'month') {
    repaymentDay = fail('repaymentDay', 'applies only when termUnit is month');
  }
  if (repaymentMethod === 'interest_only_quarterly') {
    if (termUnit !== undefined && termUnit !== 'month') {
      fail('termUnit', 'must be month for interest_only_quarterly');
    }
    if (given('repayEvery') && repayEvery !== 3) {
      repayEvery = fail('repayEvery', 'must be 3 (or left out) for interest_only_quarterly');
    } else if (repayEvery !== undefined) repayEvery = 3;
  }
  if (repaymentMethod === 'bullet') {
    if (given('repayEvery') && repayEvery !== 1) {
      repayEvery = fail('repayEvery', 'does not apply to bullet: everything is repaid at maturity');
    }
    if (given('firstRepaymentDate')) {
      firstRepaymentDate = fail(
        'firstRepaymentDate',
        'does not apply to bullet: maturity is the only repayment',
      );
    }
    if (given('repaymentDay')) {
      repaymentDay = fail(
        'repaymentDay',
        'does not apply to bullet: maturity is the only repayment',
      );
    }
    if (repayEvery !== undefined && term !== undefined) repayEvery = term;
  }
  let periods: number | undefined;
  if (term !== undefined && repayEvery !== undefined) {
    if (term % repayEvery !== 0) {
      fail(
        repaymentMethod === 'interest_only_quarterly' ? 'term' : 'repayEvery',
        `the term of ${term} must be a whole number of periods of ${repayEvery}`,
      );
    } else if (term / repayEvery > MAX_PERIODS) {
      fail('term', `must not make more than ${MAX_PERIODS} repayment periods`);
    } else periods = term / repayEvery;
  }

  if (repaymentMethod !== undefined && !AMORTISING_METHODS.includes(repaymentMethod)) {
    const onlyFor = `applies only to ${AMORTISING_METHODS.join(', ')}`;
    if (given('installmentMultiple')) installmentMultiple = fail('installmentMultiple', onlyFor);
    if (graceOnPrincipalPeriods) graceOnPrincipalPeriods = fail('graceOnPrincipalPeriods', onlyFor);
    if (graceOnInterestPeriods) graceOnInterestPeriods = fail('graceOnInterestPeriods', onlyFor);
  }
  if (periods !== undefined && graceOnPrincipalPeriods !== undefined) {
    if (graceOnPrincipalPeriods >= periods) {
      fail(
        'graceOnPrincipalPeriods',
        `must leave at least one of the ${periods} periods to repay principal`,
      );
    } else if (
      graceOnInterestPeriods !== undefined &&
      graceOnInterestPeriods > graceOnPrincipalPeriods
    ) {
      fail(
        'graceOnInterestPeriods',
        'must not exceed graceOnPrincipalPeriods: a period that defers interest repays no principal',
      );
    }
  }

  if (
    firstRepaymentDate !== undefined &&
    repaymentDay !== undefined &&
    !(repaymentDay === 'month_end'
      ? isMonthEnd(firstRepaymentDate)
      : calendarDate(firstRepaymentDate).day === repaymentDay)
  ) {
    fail('firstRepaymentDate', `must fall on the repayment day (${repaymentDay})`);
  } else if (
    firstRepaymentDate !== undefined &&
    disbursementDate !== undefined &&
    termUnit !== undefined &&
    repayEvery !== undefined
  ) {
    if (firstRepaymentDate <= disbursementDate) {
      fail('firstRepaymentDate', 'must be after the disbursement date');
    } else {
      const grid = dueDateGrid({
        termUnit,
        repayEvery,
        disbursementDate,
        firstRepaymentDate,
        repaymentDay,
      });
      if (grid.dueDate(-2) >= disbursementDate) {
        fail('firstRepaymentDate', 'must make a first period shorter than two regular periods');
      }
    }
  }

  if (
    errors.length > 0 ||
    principal === undefined ||
    annualRatePercent === undefined ||
    term === undefined ||
    termUnit === undefined ||
    repayEvery === undefined ||
    repaymentMethod === undefined ||
    disbursementDate === undefined ||
    interestBasis === undefined ||
    dayCount === undefined ||
    roundingMode === undefined ||
    decimals === undefined ||
    graceOnPrincipalPeriods === undefined ||
    graceOnInterestPeriods === undefined
  ) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      principal,
      annualRatePercent,
      term,
      termUnit,
      repayEvery,
      repaymentMethod,
      disbursementDate,
      ...(firstRepaymentDate !== undefined && { firstRepaymentDate }),
      ...(repaymentDay !== undefined && { repaymentDay }),
      interestBasis,
      dayCount,
      roundingMode,
      decimals,
      ...(installmentMultiple !== undefined && { installmentMultiple }),
      graceOnPrincipalPeriods,
      graceOnInterestPeriods,
    },
  };
}
