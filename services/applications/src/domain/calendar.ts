import { accepted, refused, type Check } from './field';

/** A calendar day with no time zone: the bank's business dates are plain dates. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

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
  const { year, month, day } = requireIsoDate(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  const targetDay = Math.min(day, daysInMonth(targetYear, targetMonth));
  return formatIsoDate({ year: targetYear, month: targetMonth, day: targetDay });
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
  return new Date(now.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
