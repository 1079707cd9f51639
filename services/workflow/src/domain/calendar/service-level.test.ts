import fc from 'fast-check';
import { isWorkingDay } from './calendar';
import {
  dueAt,
  isOverdue,
  reminderAt,
  workingDaysTaken,
  workingHoursBetween,
} from './service-level';

/** An instant given in Shanghai local time, e.g. at('2025-09-30 10:00'). */
const at = (local: string) => new Date(`${local.replace(' ', 'T')}:00+08:00`);
/** The Shanghai local time of an instant, as 'YYYY-MM-DD HH:mm'. */
const local = (instant: Date) =>
  new Date(instant.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('dueAt', () => {
  it('gives a task created before the cutoff on a working day n working days (T+n) to the cutoff', () => {
    expect(local(dueAt(at('2025-09-22 10:00'), 3))).toBe('2025-09-25 18:00');
    expect(local(dueAt(at('2025-09-22 10:00'), 0))).toBe('2025-09-22 18:00');
  });

  it('counts from the next working day when created after the cutoff', () => {
    expect(local(dueAt(at('2025-09-22 18:00'), 1))).toBe('2025-09-24 18:00');
    expect(local(dueAt(at('2025-09-22 19:30'), 1))).toBe('2025-09-24 18:00');
  });

  it('counts from the next working day when created on a non-working day', () => {
    expect(local(dueAt(at('2025-09-27 10:00'), 1))).toBe('2025-09-29 18:00'); // Saturday → the working Sunday 28th
    expect(local(dueAt(at('2025-10-03 10:00'), 2))).toBe('2025-10-11 18:00'); // T = 10-09
  });

  it('crosses the National Day holiday', () => {
    expect(local(dueAt(at('2025-09-30 09:00'), 1))).toBe('2025-10-09 18:00');
    expect(local(dueAt(at('2025-09-30 20:00'), 0))).toBe('2025-10-09 18:00');
    expect(local(dueAt(at('2026-02-13 12:00'), 3))).toBe('2026-02-25 18:00'); // 14th, 24th, 25th
  });

  it('works in Shanghai time whatever the UTC date is', () => {
    // 2025-09-30 17:00 UTC is 2025-10-01 01:00 in Shanghai, a holiday.
    expect(local(dueAt(new Date('2025-09-30T17:00:00Z'), 1))).toBe('2025-10-10 18:00');
    expect(local(dueAt(at('2025-09-29 10:00'), 2, 17))).toBe('2025-10-09 17:00');
  });

  it('refuses a negative or fractional number of days and a bad cutoff', () => {
    expect(() => dueAt(at('2025-09-29 10:00'), -1)).toThrow(RangeError);
    expect(() => dueAt(at('2025-09-29 10:00'), 1.5)).toThrow(RangeError);
    expect(() => dueAt(at('2025-09-29 10:00'), 1, 25)).toThrow(RangeError);
    expect(() => dueAt(new Date(Number.NaN), 1)).toThrow(RangeError);
  });
});

describe('overdue', () => {
  const due = at('2025-09-30 18:00');

  it('is overdue from the first moment after due', () => {
    expect(isOverdue(due, at('2025-09-30 18:00'))).toBe(false);
    expect(isOverdue(due, new Date(due.getTime() + 1))).toBe(true);
  });

  it('counts only office hours on working days', () => {
    expect(workingHoursBetween(due, at('2025-09-30 12:00'))).toBe(0);
    expect(workingHoursBetween(due, at('2025-10-05 12:00'))).toBe(0); // all holiday
    expect(workingHoursBetween(due, at('2025-10-09 10:30'))).toBe(1.5);
    expect(workingHoursBetween(due, at('2025-10-10 20:00'))).toBe(18);
    expect(workingHoursBetween(at('2025-10-09 12:00'), at('2025-10-09 13:00'))).toBe(1);
  });
});

describe('reminderAt', () => {
  it('goes back through office hours only', () => {
    expect(local(reminderAt(at('2025-09-25 18:00'), 4))).toBe('2025-09-25 14:00');
    expect(local(reminderAt(at('2025-09-25 18:00'), 9))).toBe('2025-09-25 09:00'); // stays in the morning
    expect(local(reminderAt(at('2025-09-25 18:00'), 10))).toBe('2025-09-24 17:00');
    expect(local(reminderAt(at('2025-10-09 18:00'), 12))).toBe('2025-09-30 15:00'); // across the holiday
  });

  it('moves a due instant outside office hours back onto working time', () => {
    expect(local(reminderAt(at('2025-10-09 20:00'), 0))).toBe('2025-10-09 18:00');
    expect(local(reminderAt(at('2025-10-09 07:00'), 1))).toBe('2025-09-30 17:00');
    expect(local(reminderAt(at('2025-10-12 10:00'), 2))).toBe('2025-10-11 16:00'); // Sunday → working Saturday
  });

  it('refuses a negative lead time', () => {
    expect(() => reminderAt(at('2025-10-09 18:00'), -1)).toThrow(RangeError);
  });

  it('is never after due, always in office hours on a working day, and exactly hoursBefore back', () => {
    const instant = fc
      .integer({ min: at('2024-01-01 00:00').getTime(), max: at('2027-03-01 00:00').getTime() })
      .map((t) => new Date(t));
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 200 }), (due, hours) => {
        const reminder = reminderAt(due, hours);
        expect(reminder.getTime()).toBeLessThanOrEqual(due.getTime());
        const [date, time] = local(reminder).split(' ') as [string, string];
        expect(isWorkingDay(date)).toBe(true);
        expect(time >= '09:00' && time <= '18:00').toBe(true);
        // Working hours from the reminder to the due time, measured with the overdue counter.
        expect(workingHoursBetween(reminder, due)).toBeCloseTo(hours, 6);
      }),
    );
  });

  it('dueAt always lands at the cutoff of a working day, later than the start', () => {
    const instant = fc
      .integer({ min: at('2024-01-01 00:00').getTime(), max: at('2026-12-01 00:00').getTime() })
      .map((t) => new Date(t));
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 30 }), (start, days) => {
        const due = dueAt(start, days);
        const [date, time] = local(due).split(' ') as [string, string];
        expect(isWorkingDay(date)).toBe(true);
        expect(time).toBe('18:00');
        expect(due.getTime()).toBeGreaterThan(start.getTime());
      }),
    );
  });
});

describe('workingDaysTaken (step cycle times)', () => {
  it('is the working hours over one office day (9 h), to two decimals', () => {
    expect(workingDaysTaken(at('2025-09-22 09:00'), at('2025-09-22 18:00'))).toBe('1.00');
    expect(workingDaysTaken(at('2025-09-22 10:00'), at('2025-09-22 11:00'))).toBe('0.11');
    expect(workingDaysTaken(at('2025-09-22 09:00'), at('2025-09-25 13:30'))).toBe('3.50');
  });

  it('leaves out evenings, weekends and the National Day week, and counts the adjusted Saturday', () => {
    // Friday 26 Sep 17:00 → the working Sunday 28 Sep (调休) 10:00: 1 h + 1 h.
    expect(workingDaysTaken(at('2025-09-26 17:00'), at('2025-09-28 10:00'))).toBe('0.22');
    // Tuesday 30 Sep 17:00 → Thursday 9 Oct 09:00: the holiday week counts nothing.
    expect(workingDaysTaken(at('2025-09-30 17:00'), at('2025-10-09 09:00'))).toBe('0.11');
  });

  it('is 0.00 for an instant step or one done outside office hours, never negative', () => {
    const t = at('2025-09-22 10:00');
    expect(workingDaysTaken(t, t)).toBe('0.00');
    expect(workingDaysTaken(at('2025-09-22 19:00'), at('2025-09-22 23:00'))).toBe('0.00');
    expect(workingDaysTaken(at('2025-09-23 10:00'), at('2025-09-22 10:00'))).toBe('0.00');
  });
});
