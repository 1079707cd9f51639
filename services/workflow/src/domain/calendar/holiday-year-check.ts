import { dayNumber } from './calendar';
import type { HolidayYear } from './holidays';

export interface CalendarViolation {
  field: string;
  reason: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The longest arrangement so far is nine days (Spring Festival 2026); leave room. */
const LONGEST_BREAK_DAYS = 15;

const isDate = (v: unknown): v is string => {
  if (typeof v !== 'string' || !DATE.test(v)) return false;
  try {
    dayNumber(v);
    return true;
  } catch {
    return false;
  }
};
const weekday = (day: number) => (((day + 4) % 7) + 7) % 7; // 0 = Sunday

/**
 * Checks a year's arrangements as an administrator types them in from the State Council's notice:
 * real dates near that year (a New Year break or a make-up day may lie in the neighbouring year),
 * breaks of at most 15 days that do not overlap, and make-up working days (调休上班) that are
 * Saturdays or Sundays outside every break. Every problem is reported, each with its field path.
 */
export function checkHolidayYear(input: unknown): {
  year?: HolidayYear;
  violations: CalendarViolation[];
} {
  const violations: CalendarViolation[] = [];
  const bad = (field: string, reason: string) => violations.push({ field, reason });
  const y = (input ?? {}) as Partial<Record<keyof HolidayYear, unknown>>;
  const year = y.year;
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 2000 || year > 2100)
    bad('year', 'must be a year from 2000 to 2100');
  if (typeof y.notice !== 'string' || y.notice.trim() === '' || y.notice.length > 500)
    bad('notice', 'name the State Council notice the dates come from (1 to 500 characters)');
  if (!Array.isArray(y.holidays) || y.holidays.length === 0 || y.holidays.length > 20) {
    bad('holidays', 'must list 1 to 20 arrangements');
    return { violations };
  }
  const validYear = violations.every((v) => v.field !== 'year');
  const earliest = validYear ? dayNumber(`${(year as number) - 1}-12-01`) : -Infinity;
  const latest = validYear ? dayNumber(`${(year as number) + 1}-01-31`) : Infinity;
  const near = (field: string, day: number) => {
    if (day < earliest || day > latest)
      bad(field, `must lie in ${year as number} (or within a month of it)`);
  };
  const breaks: { first: number; last: number; field: string }[] = [];
  const makeUps: { day: number; field: string }[] = [];
  (y.holidays as unknown[]).forEach((raw, i) => {
    const h = (raw ?? {}) as Record<string, unknown>;
    const at = `holidays[${i}]`;
    if (typeof h.name !== 'string' || h.name.trim() === '' || h.name.length > 100)
      bad(`${at}.name`, 'is required (1 to 100 characters)');
    const off = h.off;
    if (!Array.isArray(off) || off.length !== 2) bad(`${at}.off`, 'must be [first day, last day]');
    else if (!isDate(off[0])) bad(`${at}.off[0]`, 'must be a date YYYY-MM-DD');
    else if (!isDate(off[1])) bad(`${at}.off[1]`, 'must be a date YYYY-MM-DD');
    else {
      const [first, last] = [dayNumber(off[0]), dayNumber(off[1])];
      if (last < first) bad(`${at}.off[1]`, 'must not be before the first day');
      else if (last - first + 1 > LONGEST_BREAK_DAYS)
        bad(`${at}.off`, `must be at most ${LONGEST_BREAK_DAYS} days`);
      else {
        near(`${at}.off[0]`, first);
        near(`${at}.off[1]`, last);
        breaks.push({ first, last, field: `${at}.off` });
      }
    }
    if (!Array.isArray(h.workdays) || h.workdays.length > 5) {
      bad(`${at}.workdays`, 'must list at most 5 make-up working days ([] for none)');
      return;
    }
    h.workdays.forEach((w, j) => {
      const field = `${at}.workdays[${j}]`;
      if (!isDate(w)) {
        bad(field, 'must be a date YYYY-MM-DD');
        return;
      }
      const day = dayNumber(w);
      if (weekday(day) !== 0 && weekday(day) !== 6) {
        bad(field, 'must be a Saturday or Sunday (a weekday is a working day anyway)');
        return;
      }
      near(field, day);
      makeUps.push({ day, field });
    });
  });
  const sorted = [...breaks].sort((a, b) => a.first - b.first);
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i]!.first <= sorted[i - 1]!.last)
      bad(sorted[i]!.field, `overlaps ${sorted[i - 1]!.field}`);
  for (const m of makeUps) {
    const inside = breaks.find((b) => m.day >= b.first && m.day <= b.last);
    if (inside) bad(m.field, `falls inside ${inside.field}`);
  }
  if (violations.length > 0) return { violations };
  return {
    violations,
    year: {
      year: year as number,
      notice: (y.notice as string).trim(),
      holidays: (y.holidays as Record<string, unknown>[]).map((h) => ({
        name: (h.name as string).trim(),
        off: [(h.off as string[])[0]!, (h.off as string[])[1]!] as const,
        workdays: [...(h.workdays as string[])],
      })),
    },
  };
}
