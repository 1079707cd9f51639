import { addWorkingDayNumbers, isWorkingDayNumber } from './calendar';

/*
 * Service levels of tasks in the bank's time zone, Asia/Shanghai: UTC+8 all year (China has not
 * observed daylight saving since 1991), so a fixed offset is exact and needs no tz database.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** Office hours on a working day, local time; working hours are counted only inside them. */
export interface OfficeHours {
  readonly startHour: number;
  readonly endHour: number;
}

export const OFFICE_HOURS: OfficeHours = { startHour: 9, endHour: 18 };

interface LocalTime {
  /** Day number of the local date (days since 1970-01-01). */
  day: number;
  /** Milliseconds since local midnight. */
  ms: number;
}

function toLocal(instant: Date): LocalTime {
  const t = instant.getTime();
  if (Number.isNaN(t)) throw new RangeError('invalid date');
  const local = t + SHANGHAI_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  return { day, ms: local - day * DAY_MS };
}

function toInstant(day: number, ms: number): Date {
  return new Date(day * DAY_MS + ms - SHANGHAI_OFFSET_MS);
}

function checkHour(name: string, hour: number, min: number, max: number): void {
  if (!Number.isFinite(hour) || hour < min || hour > max)
    throw new RangeError(`${name} must be between ${min} and ${max} (got ${hour})`);
}

function checkOfficeHours({ startHour, endHour }: OfficeHours): void {
  checkHour('startHour', startHour, 0, 24);
  checkHour('endHour', endHour, 0, 24);
  if (startHour >= endHour) throw new RangeError('office hours must start before they end');
}

/**
 * When a task of `workingDays` working days falls due: at `cutoffHour` local time on the
 * `workingDays`-th working day after the day it counts from (T+n). It counts from the day it was
 * created if that is a working day and it came in before the cutoff, otherwise from the next
 * working day; so a task created on Friday evening or at the weekend is treated as created on
 * Monday. `workingDays` = 0 means by the cutoff of that day.
 */
export function dueAt(startInstant: Date, workingDays: number, cutoffHour = 18): Date {
  if (!Number.isSafeInteger(workingDays) || workingDays < 0)
    throw new RangeError(`workingDays must be a whole number ≥ 0 (got ${workingDays})`);
  checkHour('cutoffHour', cutoffHour, 0, 24);
  const { day, ms } = toLocal(startInstant);
  const countsFrom =
    isWorkingDayNumber(day) && ms < cutoffHour * HOUR_MS ? day : addWorkingDayNumbers(day, 1);
  return toInstant(addWorkingDayNumbers(countsFrom, workingDays), cutoffHour * HOUR_MS);
}

/** A task is overdue from the first moment after its due instant. */
export function isOverdue(due: Date, now: Date): boolean {
  return now.getTime() > due.getTime();
}

/**
 * Working hours (office hours on working days, fractional) from `from` to `to`; 0 when `to` is
 * not after `from`. Measured from a due instant it is how late a task is: one due at 18:00 and
 * looked at that evening is late by 0 working hours until the office opens the next working day.
 */
export function workingHoursBetween(
  from: Date,
  to: Date,
  hours: OfficeHours = OFFICE_HOURS,
): number {
  checkOfficeHours(hours);
  if (to.getTime() <= from.getTime()) return 0;
  const a = toLocal(from);
  const b = toLocal(to);
  const open = hours.startHour * HOUR_MS;
  const close = hours.endHour * HOUR_MS;
  let ms = 0;
  for (let day = a.day; day <= b.day; day++) {
    if (!isWorkingDayNumber(day)) continue;
    const start = Math.max(open, day === a.day ? a.ms : 0);
    const end = Math.min(close, day === b.day ? b.ms : DAY_MS);
    if (end > start) ms += end - start;
  }
  return ms / HOUR_MS;
}

/**
 * How long a step took in working days: its working hours (office hours on working days) over
 * the hours of one office day, to two decimals — the unit of the service-level target (approval
 * in 3 working days). A task opened on Friday at 17:00 and done on Monday at 10:00 took 2 working
 * hours = 0.22 working days.
 */
export function workingDaysTaken(from: Date, to: Date, hours: OfficeHours = OFFICE_HOURS): string {
  const hundredths = Math.round(
    (workingHoursBetween(from, to, hours) * 100) / (hours.endHour - hours.startHour),
  );
  return `${Math.trunc(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`;
}

/**
 * When to remind the assignee: `hoursBefore` working hours before `due`, counting back only
 * through office hours on working days. The result is always inside office hours and never after
 * `due`: a due instant outside them (an evening, a holiday) is first moved back to the close of
 * the last working day, and a reminder that lands exactly on an opening time stays in that
 * morning rather than moving to the evening before. Callers compare it with the task's creation.
 */
export function reminderAt(
  due: Date,
  hoursBefore: number,
  hours: OfficeHours = OFFICE_HOURS,
): Date {
  if (!Number.isFinite(hoursBefore) || hoursBefore < 0)
    throw new RangeError(`hoursBefore must be ≥ 0 (got ${hoursBefore})`);
  checkOfficeHours(hours);
  const open = hours.startHour * HOUR_MS;
  const close = hours.endHour * HOUR_MS;
  let { day, ms } = toLocal(due);
  if (isWorkingDayNumber(day) && ms >= open) {
    ms = Math.min(ms, close);
  } else {
    day = addWorkingDayNumbers(day, -1);
    ms = close;
  }
  let left = Math.round(hoursBefore * HOUR_MS);
  while (left > ms - open) {
    left -= ms - open;
    day = addWorkingDayNumbers(day, -1);
    ms = close;
  }
  return toInstant(day, ms - left);
}
