// ISO-8601 durations, dates and repeating cycles for timer boundary events, computed in UTC.
// Working-day due dates belong to the calendar module; timers here count calendar time.
import { addDays, addMonths } from '@loanflow/platform';

const durationPattern =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function isIsoDuration(text: string): boolean {
  return durationPattern.test(text) && text !== 'P' && !text.endsWith('T');
}

/**
 * Adds an ISO-8601 duration (e.g. `P3D`, `PT4H`, `P1M`) to an ISO date-time; throws on bad input.
 * As java.time and Temporal do: years and months move the calendar date and clamp to the month's
 * last day (2025-01-31 + P1M = 2025-02-28), then weeks and days are added, then the time part.
 */
export function addDuration(isoDateTime: string, duration: string): string {
  const match = durationPattern.exec(duration);
  if (!match || !isIsoDuration(duration))
    throw new Error(`"${duration}" is not an ISO-8601 duration`);
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) =>
    Number(part ?? 0),
  );
  const instant = Date.parse(isoDateTime);
  if (Number.isNaN(instant)) throw new Error(`"${isoDateTime}" is not an ISO-8601 date-time`);
  const date = new Date(instant).toISOString().slice(0, 10);
  const timeOfDay = instant - Date.parse(`${date}T00:00:00Z`);
  const shifted = addDays(addMonths(date, years! * 12 + months!), weeks! * 7 + days!);
  const elapsed = ((hours! * 60 + minutes!) * 60 + seconds!) * 1000;
  return new Date(Date.parse(`${shifted}T00:00:00Z`) + timeOfDay + elapsed).toISOString();
}

export interface Cycle {
  interval: string;
  /** How many times the timer fires in total; null repeats until the task ends. */
  repetitions: number | null;
}

/** Parses `R3/PT1H`, `R/P1D` or a bare duration (which fires once). */
export function parseCycle(text: string): Cycle {
  const match = /^R(\d*)\/(P[^/]+)$/.exec(text);
  if (match) {
    if (!isIsoDuration(match[2]!)) throw new Error(`"${match[2]}" is not an ISO-8601 duration`);
    return { interval: match[2]!, repetitions: match[1] === '' ? null : Number(match[1]) };
  }
  if (isIsoDuration(text)) return { interval: text, repetitions: 1 };
  throw new Error(`"${text}" is not an ISO-8601 repeating interval such as R3/PT1H`);
}

export function parseDateTime(text: string): string {
  const time = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(time)) {
    throw new Error(`"${text}" is not an ISO-8601 date-time`);
  }
  return new Date(time).toISOString();
}
