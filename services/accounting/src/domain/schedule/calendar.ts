import { dayNumberOf, daysInMonth, isLeapYear } from '@loanflow/platform';
import { Exact } from './decimal';

/** A calendar date as whole days since 1970-01-01 (UTC): cheap to compare and subtract. */
export type DayNumber = number;

export type DayCount = 'ACT/360' | 'ACT/365' | 'ACT/ACT' | '30/360';
export const DAY_COUNTS: readonly DayCount[] = ['ACT/360', 'ACT/365', 'ACT/ACT', '30/360'];

/** A repayment day of the month: 1–28, or the last day of each month. */
export type RepaymentDay = number | 'month_end';

const MS_PER_DAY = 86_400_000;

export function dayNumber(year: number, month: number, day: number): DayNumber {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export function calendarDate(d: DayNumber): CalendarDate {
  const date = new Date(d * MS_PER_DAY);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

// Calendar rules and the reading of `YYYY-MM-DD` are the platform's (one date module for every
// service); this module adds the DayNumber arithmetic the schedule engine and the end of day run
// on, millions of times a night.
export { daysInMonth, isLeapYear } from '@loanflow/platform';

/** Reads a strict `YYYY-MM-DD` that names a real calendar day, or undefined. */
export const parseIsoDate: (text: string) => DayNumber | undefined = dayNumberOf;

export function formatIsoDate(d: DayNumber): string {
  const { year, month, day } = calendarDate(d);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Months counted from year 0, so that "N months later" is plain addition. */
export function monthIndex(d: DayNumber): number {
  const { year, month } = calendarDate(d);
  return year * 12 + (month - 1);
}

/**
 * The date in month `index` falling on `day`: a day past the month's end is clamped to it (the
 * 31st gives 28/29 Feb, then 31 Mar again, because each date is taken from the rule, never
 * from the previous date), and `month_end` is always the last day.
 */
export function dateInMonth(index: number, day: RepaymentDay): DayNumber {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const last = daysInMonth(year, month);
  return dayNumber(year, month, day === 'month_end' ? last : Math.min(day, last));
}

export function isMonthEnd(d: DayNumber): boolean {
  const { year, month, day } = calendarDate(d);
  return day === daysInMonth(year, month);
}

/**
 * The year fraction from `start` to `end` (start inclusive, end exclusive) under a day count:
 * ACT/360 and ACT/365 (Fixed) divide actual days; ACT/ACT is the ISDA rule (days falling in a
 * leap year over 366, the others over 365); 30/360 is the ISDA 2006 §4.16(f) bond basis.
 */
export function yearFraction(dayCount: DayCount, start: DayNumber, end: DayNumber): Exact {
  switch (dayCount) {
    case 'ACT/360':
      return new Exact(end - start).div(360);
    case 'ACT/365':
      return new Exact(end - start).div(365);
    case 'ACT/ACT':
      return actualActualIsda(start, end);
    case '30/360':
      return new Exact(days30360(start, end)).div(360);
  }
}

/** Days between two dates on the ISDA 30/360 (bond basis) rule. */
export function days30360(start: DayNumber, end: DayNumber): number {
  const a = calendarDate(start);
  const b = calendarDate(end);
  const d1 = a.day === 31 ? 30 : a.day;
  const d2 = b.day === 31 && d1 >= 30 ? 30 : b.day;
  return 360 * (b.year - a.year) + 30 * (b.month - a.month) + (d2 - d1);
}

function actualActualIsda(start: DayNumber, end: DayNumber): Exact {
  if (end <= start) return new Exact(end - start).div(365);
  let fraction = new Exact(0);
  let from = start;
  while (from < end) {
    const { year } = calendarDate(from);
    const nextYear = dayNumber(year + 1, 1, 1);
    const to = Math.min(end, nextYear);
    fraction = fraction.plus(new Exact(to - from).div(isLeapYear(year) ? 366 : 365));
    from = to;
  }
  return fraction;
}

/** The days in a year that a day count divides by, for rates per day on the period basis. */
export function daysInYearBasis(dayCount: DayCount): number {
  return dayCount === 'ACT/360' || dayCount === '30/360' ? 360 : 365;
}
