import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween } from '@loanflow/platform';
import { formatFen, readAmount, readDate, toFen, Violations } from './fields';

describe('readAmount', () => {
  it.each([
    ['1500', '1500.00'],
    ['1500.5', '1500.50'],
    ['1500.05', '1500.05'],
    ['0.01', '0.01'],
    [' 88 ', '88.00'],
    ['1000000000000', '1000000000000.00'],
  ])('reads %j as %s', (raw, value) => {
    expect(readAmount(raw)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'is required'],
    ['   ', 'is required'],
    ['-5.00', 'must not be negative'],
    ['1.234', 'must have at most 2 decimal places'],
    ['0.001', 'must have at most 2 decimal places'],
    ['1e5', 'must be a decimal string of yuan such as "1500.00"'],
    ['1,000.00', 'must be a decimal string of yuan such as "1500.00"'],
    ['.5', 'must be a decimal string of yuan such as "1500.00"'],
    ['5.', 'must be a decimal string of yuan such as "1500.00"'],
    ['¥100', 'must be a decimal string of yuan such as "1500.00"'],
    ['NaN', 'must be a decimal string of yuan such as "1500.00"'],
    ['0100', 'must not have leading zeros'],
    ['1000000000000000', 'must have at most 15 digits before the decimal point'],
    ['0', 'must be greater than 0'],
    ['0.00', 'must be greater than 0'],
    // The ceiling of every amount: one trillion yuan (issue 9: absurd amounts are refused).
    ['1000000000000.01', 'must be at most 1000000000000.00 (one trillion yuan)'],
    ['999999999999999.99', 'must be at most 1000000000000.00 (one trillion yuan)'],
  ])('refuses %j: %s', (raw, reason) => {
    expect(readAmount(raw)).toEqual({ ok: false, reason });
  });

  it('takes zero when zero is allowed', () => {
    expect(readAmount('0', { allowZero: true })).toEqual({ ok: true, value: '0.00' });
  });

  it('keeps every fen exactly (no floating point on the way)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 14n }), (fen) => {
        const text = formatFen(fen);
        const read = readAmount(text);
        expect(read).toEqual({ ok: true, value: text });
        expect(toFen(text)).toBe(fen);
      }),
    );
  });
});

describe('fen arithmetic', () => {
  it('formats negative and small amounts', () => {
    expect(formatFen(-5n)).toBe('-0.05');
    expect(formatFen(0n)).toBe('0.00');
    expect(formatFen(-123456n)).toBe('-1234.56');
    expect(toFen('0.10')).toBe(10n);
    expect(toFen('12')).toBe(1200n);
  });
});

describe('readDate', () => {
  it.each(['2024-02-29', '2025-12-31', '2000-02-29', '2026-01-01'])('takes %s', (raw) => {
    expect(readDate(raw)).toEqual({ ok: true, value: raw });
  });

  it.each([
    ['', 'is required'],
    ['2025-2-1', 'must be a date in the form YYYY-MM-DD'],
    ['2025/02/01', 'must be a date in the form YYYY-MM-DD'],
    ['2025-02-01T00:00:00Z', 'must be a date in the form YYYY-MM-DD'],
    ['20250201', 'must be a date in the form YYYY-MM-DD'],
    ['2025-02-29', '2025-02-29 is not a real calendar date'],
    ['1900-02-29', '1900-02-29 is not a real calendar date'],
    ['2025-04-31', '2025-04-31 is not a real calendar date'],
    ['2025-13-01', '2025-13-01 is not a real calendar date'],
    ['2025-00-10', '2025-00-10 is not a real calendar date'],
  ])('refuses %j: %s', (raw, reason) => {
    expect(readDate(raw)).toEqual({ ok: false, reason });
  });
});

describe('day arithmetic', () => {
  it.each([
    ['2025-01-31', 1, '2025-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2025-12-01', 31, '2026-01-01'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2025-03-01', -1, '2025-02-28'],
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it('refuses what is not a date', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => daysBetween('x', '2025-01-01')).toThrow(RangeError);
  });
});

describe('Violations', () => {
  it('collects every problem under its field and gives no value', () => {
    const v = new Violations();
    v.text('name', '  ', { required: true, max: 10 });
    v.text('note', 'x'.repeat(11), { max: 10 });
    v.amount('amount', '1.234');
    v.date('on', '2025-02-30');
    v.oneOf('kind', 'phone', ['call', 'visit'] as const);
    v.requestId('requestId', '');
    v.requestId('requestId2', 'has space');
    expect(v.result(() => 'built')).toEqual({
      ok: false,
      violations: [
        { field: 'name', reason: 'is required' },
        { field: 'note', reason: 'must be at most 10 characters' },
        { field: 'amount', reason: 'must have at most 2 decimal places' },
        { field: 'on', reason: '2025-02-30 is not a real calendar date' },
        { field: 'kind', reason: 'must be one of call, visit' },
        {
          field: 'requestId',
          reason: 'is required: 1 to 128 visible ASCII characters chosen by the client',
        },
        {
          field: 'requestId2',
          reason: 'is required: 1 to 128 visible ASCII characters chosen by the client',
        },
      ],
    });
  });

  it('bounds a date below by a named floor and above by today', () => {
    const v = new Violations();
    const floor = { date: '2025-03-01', what: 'the day the loan was opened' };
    expect(v.dateBetween('a', '2025-03-01', floor, '2025-06-30')).toBe('2025-03-01');
    expect(v.dateBetween('b', '2025-06-30', floor, '2025-06-30')).toBe('2025-06-30');
    expect(v.dateBetween('c', '2025-02-28', floor, '2025-06-30')).toBeUndefined();
    expect(v.dateBetween('d', '2025-07-01', floor, '2025-06-30')).toBeUndefined();
    expect(v.list).toEqual([
      { field: 'c', reason: 'must not be before the day the loan was opened (2025-03-01)' },
      { field: 'd', reason: 'must not be in the future (today is 2025-06-30)' },
    ]);
  });

  it('leaves an optional amount out when empty and checks it when given', () => {
    const v = new Violations();
    expect(v.optionalAmount('a', '')).toBeUndefined();
    expect(v.optionalAmount('b', '0', { allowZero: true })).toBe('0.00');
    expect(v.optionalAmount('c', '-1')).toBeUndefined();
    expect(v.list).toEqual([{ field: 'c', reason: 'must not be negative' }]);
  });
});
