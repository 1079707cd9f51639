import {
  businessDateInChina,
  invalidArgument,
  type Logger,
  type Principal,
  type Queryable,
} from '@loanflow/platform';
import {
  calendarCovers,
  checkHolidayYear,
  HOLIDAY_YEARS,
  holidayYears,
  useHolidayYears,
  type HolidayYear,
} from '../domain/calendar';
import { requireAdmin } from './definitions';
import { publishedHolidayYears, saveHolidayYear } from '../infra/holiday-repo';
import type { WorkflowDeps } from './instances';

const published = new Map<number, { by: string; at: string }>();

/**
 * Loads the published years into this process's calendar (at start, after a publication here,
 * and every half minute from the timer poller, so a year published through another replica is in
 * force here within that).
 */
export async function refreshCalendar(db: Queryable): Promise<void> {
  const years = await publishedHolidayYears(db);
  published.clear();
  for (const y of years) published.set(y.year, { by: y.publishedBy, at: y.publishedAt });
  useHolidayYears(years.map((y) => ({ year: y.year, notice: y.notice, holidays: y.holidays })));
}

/**
 * A warning when due dates are being counted without the holidays: this year has no
 * arrangements, or it is October or later and next year has none (the notice usually comes out
 * in November, and tasks due in early January are created in December).
 */
export function calendarWarning(now: Date): string {
  const today = businessDateInChina(now);
  const year = Number(today.slice(0, 4));
  if (!calendarCovers(year))
    return `no public holidays are known for ${year}: due dates count Monday to Friday only; publish the year's arrangements`;
  if (Number(today.slice(5, 7)) >= 10 && !calendarCovers(year + 1))
    return `no public holidays are known for ${year + 1} yet: publish them when the State Council's notice is out, before due dates reach January`;
  return '';
}

/** A year of the calendar in force, and whether it was published or is built in. */
export interface CalendarYear extends HolidayYear {
  source: 'published' | 'built_in';
  /** Empty for a built-in year. */
  publishedBy: string;
  publishedAt: string;
}

/** A year of public holidays as an administrator gives it (a break from its first to last day). */
export interface HolidayYearInput {
  year: number;
  notice: string;
  holidays: { name: string; firstDay: string; lastDay: string; workdays: string[] }[];
}

const inForce = (y: HolidayYear): CalendarYear => {
  const p = published.get(y.year);
  const builtIn = HOLIDAY_YEARS.find((b) => b.year === y.year);
  return {
    ...y,
    source: p || !builtIn ? 'published' : 'built_in',
    publishedBy: p?.by ?? '',
    publishedAt: p?.at ?? '',
  };
};

export async function listHolidayYears(
  deps: WorkflowDeps,
): Promise<{ years: CalendarYear[]; warning: string }> {
  await refreshCalendar(deps.pool);
  return {
    years: holidayYears().map(inForce),
    warning: calendarWarning(deps.now?.() ?? new Date()),
  };
}

export async function publishHolidayYear(
  deps: WorkflowDeps,
  p: Principal,
  req: HolidayYearInput,
): Promise<CalendarYear> {
  requireAdmin(p, 'publishing public holidays');
  const { year, violations } = checkHolidayYear({
    year: req.year,
    notice: req.notice,
    holidays: req.holidays.map((h) => ({
      name: h.name,
      off: [h.firstDay, h.lastDay],
      workdays: h.workdays,
    })),
  });
  if (!year) throw invalidArgument(violations.map(onTheWire));
  await saveHolidayYear(deps.pool, year, p.userId);
  await refreshCalendar(deps.pool);
  deps.log.info({ year: year.year, by: p.userId }, 'public holidays published');
  return inForce(holidayYears().find((y) => y.year === year.year)!);
}

/** The wire names the two ends of a break `firstDay` and `lastDay` (the domain: `off`). */
function onTheWire(v: { field: string; reason: string }): { field: string; reason: string } {
  const field = v.field
    .replace(/\.off\[0\]$/, '.firstDay')
    .replace(/\.off\[1\]$/, '.lastDay')
    .replace(/\.off$/, /at most/.test(v.reason) ? '.lastDay' : '.firstDay');
  return { field, reason: v.reason.replace(/(holidays\[\d+\])\.off/g, '$1') };
}

/** Logs the calendar warning, if any (at start and once a day). */
export function warnAboutCalendar(log: Logger, now: Date): void {
  const warning = calendarWarning(now);
  if (warning) log.warn({ calendar: holidayYears().map((y) => y.year) }, warning);
}
