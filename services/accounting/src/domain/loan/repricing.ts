// 重定价: when a floating-rate loan takes the LPR again.
import { calendarDate, dayNumber, daysInMonth, type DayNumber } from '../schedule/calendar';

export type RepricingRule = 'january_first' | 'anniversary';

/** The next repricing date after `from`: the next 1 January, or the next anniversary of opening. */
export function nextRepricingDate(
  rule: RepricingRule,
  opened: DayNumber,
  from: DayNumber,
): DayNumber {
  const o = calendarDate(opened);
  for (let year = calendarDate(from).year; ; year++) {
    const candidate =
      rule === 'january_first'
        ? dayNumber(year, 1, 1)
        : dayNumber(year, o.month, Math.min(o.day, daysInMonth(year, o.month)));
    if (candidate > from) return candidate;
  }
}
