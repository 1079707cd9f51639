import {
  dateInMonth,
  days30360,
  formatIsoDate,
  monthIndex,
  parseIsoDate,
  yearFraction,
  type DayCount,
} from './calendar';

const day = (text: string) => {
  const parsed = parseIsoDate(text);
  if (parsed === undefined) throw new Error(`bad test date ${text}`);
  return parsed;
};

describe('calendar dates', () => {
  it.each(['2025-02-29', '2025-13-01', '2025-00-10', '2025-04-31', '2025-1-01', '25-01-01', ''])(
    'refuses the impossible or malformed date %p',
    (text) => expect(parseIsoDate(text)).toBeUndefined(),
  );

  it('accepts 29 February in a leap year and round-trips it', () => {
    expect(formatIsoDate(day('2024-02-29'))).toBe('2024-02-29');
  });

  it('rolls a day-31 rule 31 Jan → 28/29 Feb → 31 Mar without drifting', () => {
    const jan = monthIndex(day('2025-01-31'));
    expect([0, 1, 2, 3].map((k) => formatIsoDate(dateInMonth(jan + k, 31)))).toEqual([
      '2025-01-31',
      '2025-02-28',
      '2025-03-31',
      '2025-04-30',
    ]);
    expect(formatIsoDate(dateInMonth(monthIndex(day('2024-02-01')), 'month_end'))).toBe(
      '2024-02-29',
    );
  });
});

describe('day counts', () => {
  // ISDA, "EMU and market conventions" (1998), example period 1 Nov 2003 – 1 May 2004.
  const start = day('2003-11-01');
  const end = day('2004-05-01');
  it.each<[DayCount, string]>([
    ['ACT/ACT', '0.49772'], // 61/365 + 121/366
    ['ACT/365', '0.49863'], // 182/365
    ['ACT/360', '0.50556'], // 182/360
    ['30/360', '0.50000'], // 180/360
  ])('%s on the ISDA example period is %s', (dayCount, expected) => {
    expect(yearFraction(dayCount, start, end).toFixed(5)).toBe(expected);
  });

  it('ACT/ACT (ISDA) splits the period at the year end exactly', () => {
    expect(
      yearFraction('ACT/ACT', start, end).equals(
        yearFraction('ACT/365', start, day('2004-01-01')).plus(
          yearFraction('ACT/360', day('2004-01-01'), end).times(360).div(366),
        ),
      ),
    ).toBe(true);
  });

  // Hull, Options, Futures and Other Derivatives, example 6.1: 1 March to 3 July is 124 actual
  // days and 122 days on 30/360.
  it('counts 1 Mar – 3 Jul as 124 actual days and 122 on 30/360 (Hull ex. 6.1)', () => {
    expect(day('2024-07-03') - day('2024-03-01')).toBe(124);
    expect(days30360(day('2024-03-01'), day('2024-07-03'))).toBe(122);
  });

  // ISDA 2006 Definitions §4.16(f): D1 = 31 becomes 30; D2 = 31 becomes 30 only if D1 ≥ 30.
  it.each([
    ['2007-01-31', '2007-02-28', 28],
    ['2007-02-28', '2007-03-31', 33],
    ['2007-01-30', '2007-03-31', 60],
    ['2007-01-31', '2007-03-31', 60],
    ['2007-01-15', '2007-01-31', 16],
    ['2006-08-31', '2007-02-28', 178],
  ])('30/360 from %s to %s is %i days', (from, to, expected) => {
    expect(days30360(day(from), day(to))).toBe(expected);
  });

  it('textbook daily interest: 1,000,000 at 6% for 181 days is 30,166.67 on ACT/360 and 29,753.42 on ACT/365', () => {
    const interest = (dayCount: DayCount) =>
      yearFraction(dayCount, day('2025-01-01'), day('2025-07-01'))
        .times('1000000')
        .times('0.06')
        .toFixed(2);
    expect(interest('ACT/360')).toBe('30166.67');
    expect(interest('ACT/365')).toBe('29753.42');
  });
});
