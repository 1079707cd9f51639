import {
  addMonths as addCalendarMonths,
  businessDateInChina,
  daysInMonth,
  isLeapYear,
} from '@loanflow/platform';
import { accepted, refused, type Check } from './field';

// Day arithmetic and the business date come from the platform's one date module; this file keeps
// what is the applications' own: dates read field by field (with a reason) and ages.
export { daysInMonth, isLeapYear };

/** A calendar day with no time zone: the bank's business dates are plain dates. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isRealDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Parses `YYYY-MM-DD`, refusing impossible days such as 2026-02-30. */
export function parseIsoDate(raw: string): Check<CalendarDate> {
  const match = ISO_DATE.exec(raw);
  if (!match) return refused(`"${raw}" is not a date in the form YYYY-MM-DD`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDate(year, month, day)) return refused(`${raw} is not a real calendar date`);
  return accepted({ year, month, day });
}

export function formatIsoDate({ year, month, day }: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function requireIsoDate(raw: string): CalendarDate {
  const parsed = parseIsoDate(raw);
  if (!parsed.ok) throw new RangeError(parsed.reason);
  return parsed.value;
}

/**
 * The same day `months` later; a day the target month lacks becomes its last day
 * (2026-01-31 + 1 month = 2026-02-28), as loan maturity dates are set.
 */
export function addMonths(date: string, months: number): string {
  if (!Number.isInteger(months))
    throw new RangeError(`months must be a whole number (got ${months})`);
  requireIsoDate(date);
  return addCalendarMonths(date, months);
}

/**
 * Completed years of age on `onDate`. Someone born on 29 February turns a year older
 * on 1 March in common years.
 */
export function ageOn(birthDate: string, onDate: string): number {
  const born = requireIsoDate(birthDate);
  const on = requireIsoDate(onDate);
  if (onDate < birthDate) throw new RangeError(`${onDate} is before the birth date ${birthDate}`);
  const birthdayStillAhead =
    on.month < born.month || (on.month === born.month && on.day < born.day);
  return on.year - born.year - (birthdayStillAhead ? 1 : 0);
}

/** Today's date in China Standard Time (UTC+8, no daylight saving), the bank's business day. */
export function todayInChina(now: Date = new Date()): string {
  return businessDateInChina(now);
}
