import fc from 'fast-check';
import {
  addMonths,
  ageOn,
  daysInMonth,
  formatIsoDate,
  parseIsoDate,
  todayInChina,
} from './calendar';

describe('parseIsoDate', () => {
  it('reads a real date', () => {
    expect(parseIsoDate('2024-02-29')).toEqual({
      ok: true,
      value: { year: 2024, month: 2, day: 29 },
    });
  });

  it.each(['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00'])(
    'refuses the impossible day %s',
    (raw) => {
      expect(parseIsoDate(raw)).toEqual({
        ok: false,
        reason: `${raw} is not a real calendar date`,
      });
    },
  );

  it.each(['2026-3-1', '20260301', '2026/03/01', '', '2026-03-01T00:00:00Z'])(
    'refuses %p, which is not YYYY-MM-DD',
    (raw) => {
      const parsed = parseIsoDate(raw);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.reason).toContain('YYYY-MM-DD');
    },
  );

  it('accepts 2000-02-29 (divisible by 400) but not 2100-02-29', () => {
    expect(parseIsoDate('2000-02-29').ok).toBe(true);
    expect(parseIsoDate('2100-02-29').ok).toBe(false);
  });

  it('agrees with the JavaScript calendar on every day it accepts or refuses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        (year, month, day) => {
          const text = formatIsoDate({ year, month, day });
          const jsDate = new Date(Date.UTC(year, month - 1, day));
          const real = jsDate.getUTCMonth() === month - 1 && jsDate.getUTCDate() === day;
          expect(parseIsoDate(text).ok).toBe(real);
        },
      ),
    );
  });
});

describe('daysInMonth', () => {
  it('knows the short months and leap Februaries', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2026, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(1900, 2)).toBe(28);
  });
});

describe('addMonths', () => {
  it.each([
    ['2026-03-01', 12, '2027-03-01'],
    ['2026-03-01', 60, '2031-03-01'],
    ['2025-12-15', 1, '2026-01-15'],
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-08-31', 1, '2026-09-30'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2026-03-01', 0, '2026-03-01'],
    ['2026-03-01', 360, '2056-03-01'],
  ])('%s + %i months = %s', (date, months, expected) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it('refuses a fractional month count and a malformed date', () => {
    expect(() => addMonths('2026-03-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError);
  });

  it('for days up to the 28th, matches the JavaScript calendar', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1950, max: 2100 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 0, max: 480 }),
        (year, month, day, months) => {
          const expected = new Date(Date.UTC(year, month - 1 + months, day))
            .toISOString()
            .slice(0, 10);
          expect(addMonths(formatIsoDate({ year, month, day }), months)).toBe(expected);
        },
      ),
    );
  });
});

describe('ageOn', () => {
  it('counts completed years only', () => {
    expect(ageOn('1990-03-07', '2026-03-06')).toBe(35);
    expect(ageOn('1990-03-07', '2026-03-07')).toBe(36);
    expect(ageOn('1990-03-07', '1990-03-07')).toBe(0);
    expect(ageOn('1990-12-31', '1991-12-30')).toBe(0);
  });

  it('ages someone born on 29 February on 1 March in common years', () => {
    expect(ageOn('2000-02-29', '2023-02-28')).toBe(22);
    expect(ageOn('2000-02-29', '2023-03-01')).toBe(23);
    expect(ageOn('2000-02-29', '2024-02-29')).toBe(24);
  });

  it('refuses a day before birth and malformed dates', () => {
    expect(() => ageOn('1990-03-07', '1990-03-06')).toThrow(RangeError);
    expect(() => ageOn('1990-02-30', '2026-03-01')).toThrow(RangeError);
  });

  it('is k exactly k years after birth and k-1 the day before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1900, max: 2050 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 1, max: 100 }),
        (year, month, day, k) => {
          const birth = formatIsoDate({ year, month, day });
          const birthday = formatIsoDate({ year: year + k, month, day });
          const dayBefore = new Date(Date.UTC(year + k, month - 1, day - 1))
            .toISOString()
            .slice(0, 10);
          expect(ageOn(birth, birthday)).toBe(k);
          expect(ageOn(birth, dayBefore)).toBe(k - 1);
        },
      ),
    );
  });
});

describe('todayInChina', () => {
  it('is already the next day in Beijing from 16:00 UTC', () => {
    expect(todayInChina(new Date('2026-03-01T15:59:59Z'))).toBe('2026-03-01');
    expect(todayInChina(new Date('2026-03-01T16:00:00Z'))).toBe('2026-03-02');
  });
});
