import {
  addWorkingDays,
  calendarCovers,
  holidayYears,
  isWorkingDay,
  useHolidayYears,
} from './calendar';
import { checkHolidayYear } from './holiday-year-check';
import { HOLIDAY_YEARS, type HolidayYear } from './holidays';

/** A made-up arrangement far in the future, so it cannot be mistaken for a real notice. */
const year2099: HolidayYear = {
  year: 2099,
  notice: 'test notice for 2099',
  holidays: [
    // Thursday 1 October to Wednesday 7 October; Saturday 10 October is a make-up working day.
    { name: 'National Day', off: ['2099-10-01', '2099-10-07'], workdays: ['2099-10-10'] },
  ],
};

describe('checkHolidayYear', () => {
  it('accepts every built-in year as published', () => {
    for (const y of HOLIDAY_YEARS) expect(checkHolidayYear(y)).toEqual({ violations: [], year: y });
  });

  it('accepts a New Year break that begins in the year before', () => {
    const y = {
      year: 2099,
      notice: 'n',
      holidays: [{ name: 'New Year', off: ['2098-12-31', '2099-01-02'], workdays: [] }],
    };
    expect(checkHolidayYear(y).violations).toEqual([]);
  });

  it('names every problem with its field', () => {
    const { violations, year } = checkHolidayYear({
      year: 1999,
      notice: ' ',
      holidays: [
        { name: '', off: ['2099-10-07', '2099-10-01'], workdays: ['2099-10-12'] },
        { name: 'Spring', off: ['2099-02-30', '2099-03-01'], workdays: 'none' },
        { name: 'Long', off: ['2099-07-01', '2099-07-31'], workdays: [] },
      ],
    });
    expect(year).toBeUndefined();
    expect(violations).toEqual([
      { field: 'year', reason: 'must be a year from 2000 to 2100' },
      {
        field: 'notice',
        reason: 'name the State Council notice the dates come from (1 to 500 characters)',
      },
      { field: 'holidays[0].name', reason: 'is required (1 to 100 characters)' },
      { field: 'holidays[0].off[1]', reason: 'must not be before the first day' },
      {
        field: 'holidays[0].workdays[0]',
        reason: 'must be a Saturday or Sunday (a weekday is a working day anyway)',
      },
      { field: 'holidays[1].off[0]', reason: 'must be a date YYYY-MM-DD' },
      {
        field: 'holidays[1].workdays',
        reason: 'must list at most 5 make-up working days ([] for none)',
      },
      { field: 'holidays[2].off', reason: 'must be at most 15 days' },
    ]);
  });

  it('refuses dates far from the year, overlapping breaks and make-up days inside a break', () => {
    const { violations } = checkHolidayYear({
      year: 2099,
      notice: 'n',
      holidays: [
        { name: 'A', off: ['2099-10-01', '2099-10-07'], workdays: ['2099-10-03'] },
        { name: 'B', off: ['2099-10-05', '2099-10-08'], workdays: [] },
        { name: 'C', off: ['2097-05-01', '2097-05-03'], workdays: ['2101-01-08'] },
      ],
    });
    expect(violations).toEqual([
      { field: 'holidays[2].off[0]', reason: 'must lie in 2099 (or within a month of it)' },
      { field: 'holidays[2].off[1]', reason: 'must lie in 2099 (or within a month of it)' },
      { field: 'holidays[2].workdays[0]', reason: 'must lie in 2099 (or within a month of it)' },
      { field: 'holidays[1].off', reason: 'overlaps holidays[0].off' },
      { field: 'holidays[0].workdays[0]', reason: 'falls inside holidays[0].off' },
    ]);
  });

  it('refuses what is not an arrangement at all', () => {
    expect(checkHolidayYear(undefined).violations.map((v) => v.field)).toEqual([
      'year',
      'notice',
      'holidays',
    ]);
    expect(checkHolidayYear({ year: 2099, notice: 'n', holidays: [] }).violations).toEqual([
      { field: 'holidays', reason: 'must list 1 to 20 arrangements' },
    ]);
  });
});

describe('useHolidayYears', () => {
  afterEach(() => useHolidayYears([]));

  it('adds a published year to the built-in ones and counts its breaks and make-up days', () => {
    expect(calendarCovers(2099)).toBe(false);
    expect(isWorkingDay('2099-10-05')).toBe(true); // a Monday, before the year is published
    useHolidayYears([year2099]);
    expect(calendarCovers(2099)).toBe(true);
    expect(isWorkingDay('2099-10-05')).toBe(false);
    expect(isWorkingDay('2099-10-10')).toBe(true); // the make-up Saturday
    // Wednesday 30 September + 2 working days: the break, then Thursday 8 and Friday 9 October.
    expect(addWorkingDays('2099-09-30', 2)).toBe('2099-10-09');
    expect(holidayYears().map((y) => y.year)).toEqual([...HOLIDAY_YEARS.map((y) => y.year), 2099]);
  });

  it('lets a published year replace the built-in one, and going back restores it', () => {
    const builtIn2026 = HOLIDAY_YEARS.find((y) => y.year === 2026)!;
    expect(isWorkingDay('2026-10-07')).toBe(false);
    useHolidayYears([
      {
        year: 2026,
        notice: 'corrected',
        holidays: builtIn2026.holidays.filter((h) => !h.name.startsWith('National Day')),
      },
    ]);
    expect(isWorkingDay('2026-10-07')).toBe(true);
    expect(holidayYears().find((y) => y.year === 2026)!.notice).toBe('corrected');
    useHolidayYears([]);
    expect(isWorkingDay('2026-10-07')).toBe(false);
  });
});
