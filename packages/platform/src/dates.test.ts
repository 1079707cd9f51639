import {
  addDays,
  addMonths,
  bankCalendar,
  businessDateInChina,
  calendarDateIn,
  daysBetween,
  isIsoDate,
  isTimeZone,
} from './dates';

describe('calendar dates', () => {
  it.each([
    ['2025-02-28', true],
    ['2024-02-29', true],
    ['2025-02-29', false],
    ['2025-02-30', false],
    ['2025-13-01', false],
    ['2025-1-01', false],
    ['2025-01-01T00:00', false],
  ])('isIsoDate(%s) is %s', (text, ok) => {
    expect(isIsoDate(text)).toBe(ok);
  });

  it('reads years before 100 as themselves, not as 19xx', () => {
    expect(isIsoDate('0099-02-29')).toBe(false);
    expect(isIsoDate('0096-02-29')).toBe(true);
    expect(addMonths('0099-01-31', 1)).toBe('0099-02-28');
    expect(isIsoDate('0000-01-01')).toBe(false);
    expect(() => addDays('0001-01-01', -1)).toThrow(RangeError);
    expect(daysBetween('0099-12-31', '0100-01-01')).toBe(1);
  });

  it('adds and counts days across month and year ends', () => {
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-01-10', '2025-01-01')).toBe(-9);
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
  });

  it.each([
    ['2025-01-31', 1, '2025-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2025-01-31', 2, '2025-03-31'],
    ['2025-08-31', 6, '2026-02-28'],
    ['2024-02-29', 12, '2025-02-28'],
    ['2024-02-29', 48, '2028-02-29'],
    ['2025-03-31', -1, '2025-02-28'],
    ['2025-01-15', -1, '2024-12-15'],
    ['2025-12-31', 1, '2026-01-31'],
  ])('%s plus %i months is %s (clamped to the month end)', (from, months, to) => {
    expect(addMonths(from, months)).toBe(to);
  });

  it('takes today in the bank time zone from the injected clock', () => {
    // 2025-06-30 17:00 UTC is already 1 July in Shanghai.
    const instant = new Date('2025-06-30T17:00:00Z');
    expect(businessDateInChina(instant)).toBe('2025-07-01');
    expect(calendarDateIn('UTC', instant)).toBe('2025-06-30');
    expect(bankCalendar('Asia/Shanghai', () => instant).today()).toBe('2025-07-01');
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
