import { dayNumberOf, isoDateOf } from '@loanflow/platform';
import { HOLIDAY_YEARS, type HolidayYear } from './holidays';

/*
 * Working days on the mainland China calendar. Dates are plain `YYYY-MM-DD` strings (the bank's
 * business dates carry no time zone); internally a date is its day number since 1970-01-01.
 */

/** Day number (days since 1970-01-01) of a `YYYY-MM-DD` date; refuses dates like 2026-02-30. */
export function dayNumber(date: string): number {
  const day = dayNumberOf(date);
  // A bank's calendar starts in modern times: years before 1900 are typing errors (0099 for 2099).
  if (day === undefined || date < '1900-01-01')
    throw new RangeError(`"${date}" is not a real calendar date YYYY-MM-DD`);
  return day;
}

/** The `YYYY-MM-DD` date of a day number. */
export const dateOfDay = isoDateOf;

function yearOfDay(day: number): number {
  return Number(isoDateOf(day).slice(0, 4));
}

let daysOff = new Set<number>();
let adjustedWorkdays = new Set<number>();
let coveredYears = new Set<number>();
let years: readonly HolidayYear[] = [];

/**
 * Makes `published` the calendar of this process: the arrangements built in (HOLIDAY_YEARS),
 * with a year published later (by an administrator, from the State Council's notice) taking the
 * place of the built-in one of the same year. Returns the years now in force, in order.
 */
export function useHolidayYears(published: readonly HolidayYear[]): readonly HolidayYear[] {
  const byYear = new Map<number, HolidayYear>();
  for (const y of [...HOLIDAY_YEARS, ...published]) byYear.set(y.year, y);
  const off = new Set<number>();
  const work = new Set<number>();
  for (const { holidays } of byYear.values()) {
    for (const h of holidays) {
      for (let day = dayNumber(h.off[0]); day <= dayNumber(h.off[1]); day++) off.add(day);
      for (const workday of h.workdays) work.add(dayNumber(workday));
    }
  }
  daysOff = off;
  adjustedWorkdays = work;
  coveredYears = new Set(byYear.keys());
  years = [...byYear.values()].sort((a, b) => a.year - b.year);
  return years;
}
useHolidayYears([]);

/** The holiday arrangements in force, by year. */
export function holidayYears(): readonly HolidayYear[] {
  return years;
}

/**
 * Whether the published holiday arrangements cover `year`. Outside them the calendar falls back to
 * Monday–Friday, which is wrong around every public holiday: callers should warn.
 */
export function calendarCovers(year: number): boolean {
  return coveredYears.has(year);
}

/** Whether `day` (a day number) is a working day. */
export function isWorkingDayNumber(day: number): boolean {
  if (adjustedWorkdays.has(day)) return true;
  if (daysOff.has(day)) return false;
  const weekday = (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return weekday !== 0 && weekday !== 6;
}

/** Whether `date` (YYYY-MM-DD) is a working day; adjusted weekend workdays count, holidays not. */
export function isWorkingDay(date: string): boolean {
  return isWorkingDayNumber(dayNumber(date));
}

/** The |n|-th working day after `day` (before it when n < 0); `day` itself when n = 0. */
export function addWorkingDayNumbers(day: number, n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`n must be a whole number of days (got ${n})`);
  const step = n < 0 ? -1 : 1;
  let current = day;
  for (let left = Math.abs(n); left > 0;) {
    current += step;
    if (isWorkingDayNumber(current)) left--;
  }
  return current;
}

/**
 * The n-th working day after `start` (n ≥ 1), counting only working days strictly after it, so
 * the result is a working day even when `start` is not; n < 0 counts backwards; n = 0 is `start`.
 */
export function addWorkingDays(start: string, n: number): string {
  return dateOfDay(addWorkingDayNumbers(dayNumber(start), n));
}

/**
 * Working days in the half-open range (a, b]: 0 for the same day, negative when b is before a.
 * Hence workingDaysBetween(a, addWorkingDays(a, n)) === n for every n ≥ 0.
 */
export function workingDaysBetween(a: string, b: string): number {
  const from = dayNumber(a);
  const to = dayNumber(b);
  let count = 0;
  for (let day = Math.min(from, to) + 1; day <= Math.max(from, to); day++)
    if (isWorkingDayNumber(day)) count++;
  return to < from && count > 0 ? -count : count; // never -0
}

/** Whether every date from a to b (inclusive, either order) lies in a covered year. */
export function calendarCoversRange(a: string, b: string): boolean {
  const [yearA, yearB] = [yearOfDay(dayNumber(a)), yearOfDay(dayNumber(b))];
  for (let year = Math.min(yearA, yearB); year <= Math.max(yearA, yearB); year++)
    if (!calendarCovers(year)) return false;
  return true;
}
