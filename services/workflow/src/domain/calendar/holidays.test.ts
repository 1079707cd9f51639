import { dateOfDay, dayNumber, isWorkingDay, workingDaysBetween } from './calendar';
import { HOLIDAY_YEARS } from './holidays';

const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
const isWeekend = (date: string) => weekday(date) === 0 || weekday(date) === 6;

describe('holiday data', () => {
  it('lists each covered year once, with its notice', () => {
    expect(HOLIDAY_YEARS.map((y) => y.year)).toEqual([2024, 2025, 2026]);
    for (const { year, notice } of HOLIDAY_YEARS)
      expect(notice).toContain(`关于${year}年部分节假日安排的通知`);
  });

  it('keeps every date inside its year, ranges in order and not overlapping', () => {
    for (const { year, holidays } of HOLIDAY_YEARS) {
      let previousLast = -Infinity;
      for (const { off, workdays } of holidays) {
        const [first, last] = [dayNumber(off[0]), dayNumber(off[1])];
        expect(first).toBeLessThanOrEqual(last);
        expect(first).toBeGreaterThan(previousLast);
        previousLast = last;
        for (const date of [...off, ...workdays]) expect(date.startsWith(`${year}-`)).toBe(true);
      }
    }
  });

  it('makes only weekend days into adjusted working days', () => {
    for (const { holidays } of HOLIDAY_YEARS)
      for (const { workdays } of holidays)
        for (const date of workdays) expect([date, isWeekend(date)]).toEqual([date, true]);
  });

  // Every adjustment moves days, it never adds or removes them: a year's working days are its
  // weekdays less the statutory holidays (11 days until 2024, 13 since the 2025 reform).
  it.each([
    [2024, 262 - 11, 28],
    [2025, 261 - 13, 28],
    [2026, 261 - 13, 33],
  ])('%i has %i working days and %i days off in its holidays', (year, workingDays, daysOff) => {
    expect(workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`)).toBe(workingDays);
    const holidays = HOLIDAY_YEARS.find((y) => y.year === year)!.holidays;
    let off = 0;
    for (const { off: range } of holidays)
      for (let day = dayNumber(range[0]); day <= dayNumber(range[1]); day++) {
        expect(isWorkingDay(dateOfDay(day))).toBe(false);
        off++;
      }
    expect(off).toBe(daysOff);
  });
});
