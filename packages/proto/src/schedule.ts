import { ScheduleRequest } from './gen/loanflow/accounting/v1/accounting';

/**
 * The JSON form of a schedule request (POST /api/v1/schedules:preview, a loan's `schedule`) and
 * the accounting ScheduleRequest message, both ways: the one mapping the gateway, the accounting
 * service (which keeps the JSON with each loan) and tests use. Reading checks the JSON types
 * only; what the values mean is the accounting service's to judge, field by field.
 */
export interface ScheduleJsonProblem {
  field: string;
  reason: string;
}

const DECIMALS = {
  principal: '100000.00',
  annualRatePercent: '4.35',
  installmentMultiple: '1',
} as const;
const INTEGERS = [
  'term',
  'repayEvery',
  'decimals',
  'graceOnPrincipalPeriods',
  'graceOnInterestPeriods',
] as const;
const WORDS = ['termUnit', 'repaymentMethod', 'interestBasis', 'dayCount', 'roundingMode'] as const;
const DATES = ['disbursementDate', 'firstRepaymentDate'] as const;
const INT32_MAX = 2 ** 31 - 1;

/** Every field of the JSON form, in the order the schedule contract lists them. */
export const SCHEDULE_FIELDS: readonly string[] = [
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
];

/**
 * Reads the JSON form into the message; each field of the wrong JSON type (or unknown) is left
 * out of the message and named in `problems` with the reason the service gives for it.
 */
export function scheduleRequestFromJson(json: unknown): {
  request: ScheduleRequest;
  problems: ScheduleJsonProblem[];
} {
  const request: ScheduleRequest = {};
  const problems: ScheduleJsonProblem[] = [];
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { request, problems: [{ field: 'body', reason: 'must be a JSON object' }] };
  }
  const body = json as Record<string, unknown>;
  const fail = (field: string, reason: string) => problems.push({ field, reason });
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined) continue;
    if (field in DECIMALS) {
      const example = DECIMALS[field as keyof typeof DECIMALS];
      if (typeof value === 'string') request[field as keyof typeof DECIMALS] = value;
      else fail(field, `must be a decimal string such as "${example}"`);
    } else if ((INTEGERS as readonly string[]).includes(field)) {
      if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT32_MAX)
        request[field as (typeof INTEGERS)[number]] = value;
      else fail(field, 'must be a whole number');
    } else if ((WORDS as readonly string[]).includes(field)) {
      if (typeof value === 'string') request[field as (typeof WORDS)[number]] = value;
      else fail(field, 'must be a string');
    } else if ((DATES as readonly string[]).includes(field)) {
      if (typeof value === 'string') request[field as (typeof DATES)[number]] = value;
      else fail(field, 'must be a date as YYYY-MM-DD');
    } else if (field === 'repaymentDay') {
      if (value === 'month_end') request.repaymentDayMonthEnd = true;
      else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT32_MAX)
        request.repaymentDayOfMonth = value;
      else fail(field, 'must be a day of the month from 1 to 28, or "month_end"');
    } else fail(field, 'is not a known field');
  }
  return { request, problems };
}

/** The JSON form of the message: the fields it carries, nothing else. */
export function scheduleRequestToJson(request: ScheduleRequest): Record<string, unknown> {
  const json: Record<string, unknown> = {};
  for (const field of SCHEDULE_FIELDS) {
    if (field === 'repaymentDay') {
      if (request.repaymentDayMonthEnd) json.repaymentDay = 'month_end';
      else if (request.repaymentDayOfMonth !== undefined)
        json.repaymentDay = request.repaymentDayOfMonth;
      continue;
    }
    const value = request[field as keyof ScheduleRequest];
    if (value !== undefined) json[field] = value;
  }
  return json;
}
