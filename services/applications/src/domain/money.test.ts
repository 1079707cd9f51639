import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { formatAmount, parseAmount, parseRatePercent, toFen } from './money';

const reasonOf = (check: { ok: boolean; reason?: string }) => (check.ok ? 'ok' : check.reason);

describe('parseAmount', () => {
  it.each([
    ['50000.00', '50000'],
    ['12.5', '12.5'],
    ['0.01', '0.01'],
    ['  8530.99 ', '8530.99'],
    ['999999999999999.99', '999999999999999.99'],
    [50000, '50000'],
    [999999999999999, '999999999999999'],
  ])('accepts %p', (raw, expected) => {
    const parsed = parseAmount(raw);
    expect(parsed.ok && parsed.value.toString()).toBe(expected);
  });

  it('keeps every digit of a large amount (no float on the way)', () => {
    const parsed = parseAmount('123456789012345.67');
    expect(parsed.ok && parsed.value.toFixed(2)).toBe('123456789012345.67');
  });

  it.each([
    ['0', 'must be greater than 0'],
    ['0.00', 'must be greater than 0'],
    [0, 'must be greater than 0'],
    ['-5', 'must not be negative'],
    [-5, 'must not be negative'],
    ['-0.00', 'must not be negative'],
    ['1.005', 'must have at most 2 decimal places'],
    ['1e5', 'must not use exponent notation'],
    ['1E5', 'must not use exponent notation'],
    ['007', 'must not have leading zeros'],
    ['1000000000000000', 'must have at most 15 digits before the decimal point'],
    ['', 'must not be empty'],
    ['   ', 'must not be empty'],
    ['1,000.00', 'must be a decimal string such as "50000.00"'],
    ['1.', 'must be a decimal string such as "50000.00"'],
    ['.5', 'must be a decimal string such as "50000.00"'],
    ['+5', 'must be a decimal string such as "50000.00"'],
    ['¥500', 'must be a decimal string such as "50000.00"'],
    ['NaN', 'must be a decimal string such as "50000.00"'],
    ['Infinity', 'must be a decimal string such as "50000.00"'],
    [null, 'must be a decimal string such as "50000.00"'],
    [undefined, 'must be a decimal string such as "50000.00"'],
    [{ amount: '5' }, 'must be a decimal string such as "50000.00"'],
    [12.5, 'must be a decimal string such as "50000.00" (fractional numbers are not accepted)'],
    [
      Number.NaN,
      'must be a decimal string such as "50000.00" (fractional numbers are not accepted)',
    ],
    [1e16, 'must be a decimal string such as "50000.00" (fractional numbers are not accepted)'],
    [1e15, 'must have at most 15 digits before the decimal point'],
  ])('refuses %p: %s', (raw, reason) => {
    expect(parseAmount(raw)).toEqual({ ok: false, reason });
  });

  it('accepts zero only when allowed', () => {
    expect(reasonOf(parseAmount('0', { allowZero: true }))).toBe('ok');
    expect(reasonOf(parseAmount('0.00', { allowZero: true }))).toBe('ok');
    expect(reasonOf(parseAmount('-1', { allowZero: true }))).toBe('must not be negative');
  });

  it('enforces a minimum, inclusively', () => {
    expect(parseAmount('999.99', { min: '1000' })).toEqual({
      ok: false,
      reason: 'must be at least 1000.00',
    });
    expect(reasonOf(parseAmount('1000', { min: '1000' }))).toBe('ok');
    expect(reasonOf(parseAmount('1000.01', { min: '1000' }))).toBe('ok');
  });

  it('reads back exactly what formatAmount writes, for any amount in 分', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 17n - 1n }), (fen) => {
        const amount = new Decimal(fen.toString()).div(100);
        const parsed = parseAmount(formatAmount(amount));
        expect(parsed.ok && parsed.value.equals(amount)).toBe(true);
      }),
    );
  });

  it('never accepts more than 2 decimal places', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{0,10}$/),
        fc.stringMatching(/^\d{3,6}$/),
        (integer, fraction) => {
          expect(reasonOf(parseAmount(`${integer}.${fraction}`))).toBe(
            'must have at most 2 decimal places',
          );
        },
      ),
    );
  });
});

describe('formatAmount', () => {
  it.each([
    ['8530.99', '8530.99'],
    ['12', '12.00'],
    ['12.5', '12.50'],
    ['1.005', '1.01'], // a float would say 1.00
    ['2.675', '2.68'], // a float would say 2.67
    ['1.004999', '1.00'],
    ['-1.005', '-1.01'],
    ['-0.001', '0.00'],
    ['1000000000000000', '1000000000000000.00'],
  ])('formats %s as %s (half up)', (value, expected) => {
    expect(formatAmount(new Decimal(value))).toBe(expected);
  });

  it('always writes exactly two decimals', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 20n }),
        fc.integer({ min: 0, max: 6 }),
        (n, places) => {
          const text = formatAmount(new Decimal(n.toString()).div(10 ** places));
          expect(text).toMatch(/^\d+\.\d{2}$/);
        },
      ),
    );
  });
});

describe('toFen', () => {
  it('rounds half up to 2 places and returns a plain Decimal', () => {
    const rounded = toFen(new Decimal('362.505'));
    expect(rounded.toString()).toBe('362.51');
    expect(rounded.constructor).toBe(Decimal);
  });
});

describe('parseRatePercent', () => {
  it.each([
    ['4.35', '4.35'],
    ['3.1234', '3.1234'],
    ['35.9999', '35.9999'],
    ['0.0001', '0.0001'],
    [4, '4'],
  ])('accepts %p', (raw, expected) => {
    const parsed = parseRatePercent(raw);
    expect(parsed.ok && parsed.value.toString()).toBe(expected);
  });

  it.each([
    ['0', 'must be greater than 0%'],
    ['0.0000', 'must be greater than 0%'],
    ['36', 'must be below 36% a year'],
    ['36.0000', 'must be below 36% a year'],
    ['120', 'must be below 36% a year'],
    ['-4.35', 'must not be negative'],
    ['4.35001', 'must have at most 4 decimal places'],
    ['4.35%', 'must be a decimal string such as "4.35"'],
    [4.35, 'must be a decimal string such as "4.35" (fractional numbers are not accepted)'],
    [null, 'must be a decimal string such as "4.35"'],
  ])('refuses %p: %s', (raw, reason) => {
    expect(parseRatePercent(raw)).toEqual({ ok: false, reason });
  });

  it('accepts exactly the rates strictly between 0 and 36 with up to 4 decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500000 }), (tenThousandths) => {
        const text = new Decimal(tenThousandths).div(10000).toFixed(4);
        const inRange = tenThousandths > 0 && tenThousandths < 360000;
        expect(parseRatePercent(text).ok).toBe(inRange);
      }),
    );
  });
});
