import fc from 'fast-check';
import {
  addWorkingDays,
  calendarCovers,
  calendarCoversRange,
  dateOfDay,
  dayNumber,
  isWorkingDay,
  workingDaysBetween,
} from './calendar';

const datesFrom = (first: string, last: string): string[] => {
  const dates: string[] = [];
  for (let day = dayNumber(first); day <= dayNumber(last); day++) dates.push(dateOfDay(day));
  return dates;
};

describe('isWorkingDay', () => {
  it('keeps the whole 2025 National Day and Mid-Autumn holiday (10-01…10-08) off', () => {
    for (const date of datesFrom('2025-10-01', '2025-10-08'))
      expect([date, isWorkingDay(date)]).toEqual([date, false]);
    expect(isWorkingDay('2025-09-30')).toBe(true);
    expect(isWorkingDay('2025-10-09')).toBe(true);
  });

  it('makes the adjusted weekend days around it working days', () => {
    expect(isWorkingDay('2025-09-28')).toBe(true); // Sunday
    expect(isWorkingDay('2025-10-11')).toBe(true); // Saturday
    expect(isWorkingDay('2025-10-12')).toBe(false); // the Sunday after stays off
  });

  it('knows the 2026 Spring Festival (02-15…02-23) and its working Saturdays', () => {
    for (const date of datesFrom('2026-02-15', '2026-02-23'))
      expect([date, isWorkingDay(date)]).toEqual([date, false]);
    expect(isWorkingDay('2026-02-14')).toBe(true);
    expect(isWorkingDay('2026-02-24')).toBe(true);
    expect(isWorkingDay('2026-02-28')).toBe(true);
    expect(isWorkingDay('2026-03-01')).toBe(false);
  });

  it('covers the other holidays of each year', () => {
    expect(
      [
        '2024-01-01',
        '2024-02-16',
        '2024-04-05',
        '2024-05-03',
        '2024-06-10',
        '2024-09-16',
        '2024-10-07',
      ].map(isWorkingDay),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(
      [
        '2025-01-01',
        '2025-01-28',
        '2025-02-04',
        '2025-04-04',
        '2025-05-02',
        '2025-05-05',
        '2025-06-02',
      ].map(isWorkingDay),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(
      [
        '2026-01-02',
        '2026-04-06',
        '2026-05-04',
        '2026-05-05',
        '2026-06-19',
        '2026-09-25',
        '2026-10-07',
      ].map(isWorkingDay),
    ).toEqual([false, false, false, false, false, false, false]);
    expect(
      [
        '2024-02-04',
        '2024-02-18',
        '2024-04-07',
        '2024-05-11',
        '2024-09-14',
        '2024-10-12',
        '2025-01-26',
        '2025-02-08',
        '2025-04-27',
        '2026-01-04',
        '2026-05-09',
        '2026-09-20',
        '2026-10-10',
      ].map(isWorkingDay),
    ).toEqual(Array(13).fill(true));
  });

  it('leaves New Year’s Eve 2024 (before the 2025 reform) a working day', () => {
    expect(isWorkingDay('2024-02-09')).toBe(true);
  });

  it('falls back to Monday–Friday outside the covered years', () => {
    expect(calendarCovers(2023)).toBe(false);
    expect(calendarCovers(2025)).toBe(true);
    expect(calendarCovers(2027)).toBe(false);
    expect(isWorkingDay('2027-10-01')).toBe(true); // a Friday; its holiday is not published yet
    expect(isWorkingDay('2027-10-02')).toBe(false);
    expect(calendarCoversRange('2025-12-20', '2026-01-10')).toBe(true);
    expect(calendarCoversRange('2026-12-20', '2027-01-10')).toBe(false);
    expect(calendarCoversRange('2027-01-10', '2026-12-20')).toBe(false);
  });

  it('refuses anything but a real YYYY-MM-DD date', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-1-01', '20250101', '', '0099-01-01'])
      expect(() => isWorkingDay(bad)).toThrow(RangeError);
    expect(isWorkingDay('2024-02-29')).toBe(true);
  });
});

describe('addWorkingDays', () => {
  it('skips the National Day holiday and counts the adjusted Saturday', () => {
    expect(addWorkingDays('2025-09-30', 1)).toBe('2025-10-09');
    expect(addWorkingDays('2025-09-26', 1)).toBe('2025-09-28'); // Friday → working Sunday
    expect(addWorkingDays('2025-09-26', 3)).toBe('2025-09-30');
    expect(addWorkingDays('2025-10-09', 2)).toBe('2025-10-11'); // Thursday → working Saturday
    expect(addWorkingDays('2025-10-03', 1)).toBe('2025-10-09'); // from inside the holiday
  });

  it('crosses the 2026 Spring Festival', () => {
    expect(addWorkingDays('2026-02-13', 1)).toBe('2026-02-14');
    expect(addWorkingDays('2026-02-13', 2)).toBe('2026-02-24');
    expect(addWorkingDays('2026-02-12', 3)).toBe('2026-02-24');
  });

  it('counts backwards for negative n and returns the start for 0', () => {
    expect(addWorkingDays('2025-10-09', -1)).toBe('2025-09-30');
    expect(addWorkingDays('2025-10-04', 0)).toBe('2025-10-04');
    expect(() => addWorkingDays('2025-10-04', 1.5)).toThrow(RangeError);
  });

  it('crosses from the last covered year into the Monday–Friday fallback', () => {
    expect(addWorkingDays('2026-12-31', 1)).toBe('2027-01-01'); // Friday; New Year 2027 not yet published
  });
});

describe('workingDaysBetween', () => {
  it('counts working days in (a, b]', () => {
    expect(workingDaysBetween('2025-09-30', '2025-10-09')).toBe(1);
    expect(workingDaysBetween('2025-09-26', '2025-10-11')).toBe(6); // 28, 29, 30, 9, 10 and 11
    expect(workingDaysBetween('2025-10-11', '2025-09-26')).toBe(-6);
    expect(workingDaysBetween('2026-02-13', '2026-02-13')).toBe(0);
  });
});

describe('properties', () => {
  // Days from mid-2023 to mid-2027: the covered years and both fallback edges.
  const date = fc
    .integer({ min: dayNumber('2023-06-01'), max: dayNumber('2027-06-30') })
    .map(dateOfDay);
  const workingDate = date.filter(isWorkingDay);
  const n = fc.integer({ min: 0, max: 300 });

  it('addWorkingDays is monotonic in the start and in n', () => {
    fc.assert(
      fc.property(date, date, n, n, (a, b, n1, n2) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        expect(addWorkingDays(early, n1) <= addWorkingDays(late, n1)).toBe(true);
        expect(addWorkingDays(a, Math.min(n1, n2)) <= addWorkingDays(a, Math.max(n1, n2))).toBe(
          true,
        );
      }),
    );
  });

  it('lands on a working day after the start for n ≥ 1', () => {
    fc.assert(
      fc.property(date, fc.integer({ min: 1, max: 300 }), (a, k) => {
        const end = addWorkingDays(a, k);
        expect(isWorkingDay(end)).toBe(true);
        expect(end > a).toBe(true);
      }),
    );
  });

  it('workingDaysBetween(a, addWorkingDays(a, n)) === n', () => {
    fc.assert(
      fc.property(date, n, (a, k) => expect(workingDaysBetween(a, addWorkingDays(a, k))).toBe(k)),
    );
    fc.assert(
      fc.property(workingDate, fc.integer({ min: -300, max: 300 }), (a, k) =>
        expect(workingDaysBetween(a, addWorkingDays(a, k))).toBe(k),
      ),
    );
  });

  it('workingDaysBetween is additive', () => {
    fc.assert(
      fc.property(date, date, date, (a, b, c) =>
        expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(workingDaysBetween(a, c)),
      ),
    );
  });
});
