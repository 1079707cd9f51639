// The filters of a report request, checked all at once: every problem names its field.
import {
  addMonths,
  BRANCH_CODE,
  daysBetween,
  isIsoDate,
  type FieldViolation,
} from '@loanflow/platform';
import type { FilterName, ReportSpec } from './report-catalogue';
import { monthOf } from './report-figures';

export const PRODUCT_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export interface RawFilter {
  branchId: string;
  productCode: string;
  from: string;
  to: string;
  asOf: string;
}

/** The filters with the range filled in: `from`/`to` always set; `asOf` empty until resolved. */
export type CheckedFilter = RawFilter;

/** The default range: the twelve months up to `end` (from the first of the eleventh month back). */
export const defaultFrom = (end: string): string => addMonths(monthOf(end), -11);

/**
 * Checks the filters of `report` against its own list and the limits; `today` is the bank's date
 * (nothing may lie after it) and `end` the default end of the range (today, or the as-of date).
 */
export function checkFilter(
  report: ReportSpec,
  raw: RawFilter,
  limits: { today: string; maxRangeDays: number },
): { filter: RawFilter; violations: FieldViolation[] } {
  const violations: FieldViolation[] = [];
  const bad = (field: FilterName, reason: string) => violations.push({ field, reason });
  for (const name of ['branchId', 'productCode', 'from', 'to', 'asOf'] as const) {
    if (raw[name] && !report.filters.includes(name))
      bad(name, `is not a filter of the ${report.name} report`);
  }
  if (raw.branchId && !BRANCH_CODE.test(raw.branchId))
    bad('branchId', 'must be a branch code such as SH001 or SH001-01');
  if (raw.productCode && !PRODUCT_CODE.test(raw.productCode))
    bad('productCode', 'must be a product code such as PERSONAL_CONSUMER');
  for (const name of ['from', 'to', 'asOf'] as const) {
    if (raw[name] && !isIsoDate(raw[name]))
      bad(name, 'must be a real calendar date in the form YYYY-MM-DD');
    else if (raw[name] > limits.today) bad(name, `must not be after today (${limits.today})`);
  }
  if (violations.length > 0) return { filter: raw, violations };

  const to = raw.to || (raw.asOf && raw.asOf < limits.today ? raw.asOf : limits.today);
  const from = raw.from || (raw.to ? defaultFrom(raw.to) : defaultFrom(to));
  if (from > to) bad('from', `must not be after to (${to})`);
  else if (daysBetween(from, to) + 1 > limits.maxRangeDays)
    bad(
      'to',
      `the range covers ${daysBetween(from, to) + 1} days, more than ${limits.maxRangeDays}`,
    );
  return { filter: { ...raw, from, to }, violations };
}
