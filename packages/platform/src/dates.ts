/**
 * Calendar dates (`YYYY-MM-DD`) and the bank's business date: one module for every service.
 *
 * A calendar date is a day, not an instant, so arithmetic works on whole days since 1970-01-01 in
 * UTC and never touches a local time zone. "Today" is always taken in the bank's time zone (China:
 * Asia/Shanghai, UTC+8 all year) from an injected clock, so that tests choose their date.
 */

/** The bank's time zone unless configured otherwise. */
export const BANK_TIME_ZONE = 'Asia/Shanghai';

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Date.UTC would read years 0–99 as 19xx). */
function utcDay(year: number, month: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return Math.round(d.getTime() / MS_PER_DAY);
}
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return utcDay(year, month + 1, 1) - utcDay(year, month, 1);
}

/** Whole days since 1970-01-01 of a strict `YYYY-MM-DD` naming a real calendar day, or undefined. */
export function dayNumberOf(text: string): number | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // Year 0000 does not exist in the calendar PostgreSQL (and ISO 8601 by default) counts in.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    return undefined;
  return utcDay(year, month, day);
}

/** True for a strict `YYYY-MM-DD` that names a real day (`2025-02-30` is not one). */
export const isIsoDate = (text: unknown): text is string =>
  typeof text === 'string' && dayNumberOf(text) !== undefined;

export function isoDateOf(dayNumber: number): string {
  const d = new Date(dayNumber * MS_PER_DAY);
  const y = d.getUTCFullYear();
  if (y < 1 || y > 9999) throw new RangeError(`year ${y} is outside 0001-9999`);
  return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}`;
}

function mustRead(date: string): number {
  const d = dayNumberOf(date);
  if (d === undefined) throw new RangeError(`not a calendar date: ${date}`);
  return d;
}

/** The date `days` days after `date` (negative for before); crosses month and year ends. */
export function addDays(date: string, days: number): string {
  return isoDateOf(mustRead(date) + days);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return mustRead(to) - mustRead(from);
}

/**
 * The date `months` calendar months after `date`, clamped to the last day of the target month
 * (2025-01-31 + 1 month = 2025-02-28; 2024-01-31 + 1 month = 2024-02-29), as java.time and
 * Temporal do. Negative months go back.
 */
export function addMonths(date: string, months: number): string {
  mustRead(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(d, daysInMonth(year, month));
  return isoDateOf(utcDay(year, month, day));
}

/** The calendar date of an instant in a time zone (IANA name), as `YYYY-MM-DD`. */
export function calendarDateIn(timeZone: string, instant: Date): string {
  return formatterFor(timeZone).format(instant);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    // en-CA formats as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows the IANA time zone name. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The bank's calendar: today's date in its time zone, from an injected clock. */
export interface BankCalendar {
  readonly timeZone: string;
  /** Today as YYYY-MM-DD in `timeZone`. */
  today(): string;
}

export function bankCalendar(
  timeZone: string = BANK_TIME_ZONE,
  now: () => Date = () => new Date(),
): BankCalendar {
  return { timeZone, today: () => calendarDateIn(timeZone, now()) };
}

/** Today in China (the bank's default time zone) for an instant: the business date. */
export const businessDateInChina = (instant: Date): string =>
  calendarDateIn(BANK_TIME_ZONE, instant);
