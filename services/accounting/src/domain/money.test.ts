import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  RATE_SCALE,
  divideHalfUp,
  formatMoney,
  formatRate,
  minCents,
  parseMoney,
  parseRate,
  penaltyRate,
  ratePlaces,
  segmentInterest,
  sumCents,
} from './money';

/** A rate from its decimal text, failing the test when the text is refused. */
const rate = (text: string): bigint => {
  const r = parseRate(text);
  if (r === undefined) throw new Error(`refused rate ${text}`);
  return r;
};

describe('parseMoney', () => {
  it.each([
    ['0', 0n],
    ['0.00', 0n],
    ['1', 100n],
    ['1.5', 150n],
    ['1.05', 105n],
    ['1234.5', 123450n],
    ['100000.00', 10_000_000n],
    ['007.50', 750n],
    ['-0.5', -50n],
    ['-12.34', -1234n],
    ['999999999999999999.99', 99_999_999_999_999_999_999n],
  ])('reads %p as %p fen', (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '1.234',
    '1e3',
    '1E3',
    '+1',
    '.5',
    '1.',
    '1,000.00',
    '--1',
    '-',
    '0x10',
    'NaN',
    '１',
    '1000000000000000000', // 19 digits before the point
  ])('refuses %p', (text) => {
    expect(parseMoney(text)).toBeUndefined();
  });

  it('reads "-0" and "-0.00" as zero', () => {
    expect(parseMoney('-0')).toBe(0n);
    expect(parseMoney('-0.00')).toBe(0n);
    expect(formatMoney(parseMoney('-0.00')!)).toBe('0.00');
  });
});

describe('formatMoney', () => {
  it.each([
    [0n, '0.00'],
    [1n, '0.01'],
    [10n, '0.10'],
    [100n, '1.00'],
    [123450n, '1234.50'],
    [-1n, '-0.01'],
    [-50n, '-0.50'],
    [-123456n, '-1234.56'],
    [10_000_000n, '100000.00'],
  ])('writes %p fen as %p', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it('round-trips every amount of up to 18 integer digits', () => {
    const cents = fc.bigInt({ min: -(10n ** 20n) + 1n, max: 10n ** 20n - 1n });
    fc.assert(
      fc.property(cents, (c) => {
        const text = formatMoney(c);
        expect(text).toMatch(/^-?\d+\.\d\d$/);
        expect(parseMoney(text)).toBe(c);
      }),
    );
  });

  it('gives back the canonical text of a canonical amount', () => {
    const canonical = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.integer({ min: 0, max: 99 }))
      .filter(([neg, whole, fen]) => !neg || whole > 0n || fen > 0)
      .map(([neg, whole, fen]) => `${neg ? '-' : ''}${whole}.${String(fen).padStart(2, '0')}`);
    fc.assert(fc.property(canonical, (text) => expect(formatMoney(parseMoney(text)!)).toBe(text)));
  });
});

describe('parseRate, formatRate, ratePlaces', () => {
  it.each([
    ['4.35', 43_500_000_000n, '4.35', 2],
    ['4.350', 43_500_000_000n, '4.35', 2],
    ['0', 0n, '0', 0],
    ['24', 240_000_000_000n, '24', 0],
    ['6.525', 65_250_000_000n, '6.525', 3],
    ['3.85', 38_500_000_000n, '3.85', 2],
    ['0.0000000001', 1n, '0.0000000001', 10],
    ['99.9999999999', 999_999_999_999n, '99.9999999999', 10],
    ['4.123456', 41_234_560_000n, '4.123456', 6],
  ])('reads %p as %p, writes it back as %p with %p places', (text, scaled, shortest, places) => {
    const r = parseRate(text);
    expect(r).toBe(scaled);
    expect(formatRate(r!)).toBe(shortest);
    expect(ratePlaces(r!)).toBe(places);
  });

  it.each(['', '100', '100.0', '4.35000000001', '-1', '+4', '4.', '.5', ' 4.35', '4,35', '1e1'])(
    'refuses %p',
    (text) => {
      expect(parseRate(text)).toBeUndefined();
    },
  );

  it('round-trips every rate below 100 % with up to 10 places', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 100n * RATE_SCALE - 1n }), (r) => {
        const text = formatRate(r);
        expect(parseRate(text)).toBe(r);
        const [, fraction = ''] = text.split('.');
        expect(ratePlaces(r)).toBe(fraction.length);
        expect(fraction.endsWith('0')).toBe(false);
      }),
    );
  });
});

describe('divideHalfUp', () => {
  it.each([
    [0n, 7n, 0n],
    [1n, 2n, 1n],
    [5n, 2n, 3n],
    [3n, 2n, 2n],
    [7n, 2n, 4n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [4n, 3n, 1n],
    [5n, 3n, 2n],
    [10n, 5n, 2n],
    [-1n, 2n, -1n],
    [-5n, 2n, -3n],
    [-3n, 2n, -2n],
    [-1n, 3n, 0n],
    [-2n, 3n, -1n],
    [-4n, 3n, -1n],
    [-5n, 3n, -2n],
    [-10n, 5n, -2n],
    [14_999n, 10_000n, 1n],
    [15_000n, 10_000n, 2n],
    [-15_000n, 10_000n, -2n],
    [-14_999n, 10_000n, -1n],
  ])('%p / %p → %p', (n, d, q) => {
    expect(divideHalfUp(n, d)).toBe(q);
  });

  it('is the nearest integer, ties away from zero, and odd: f(−n) = −f(n)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        (n, d) => {
          const q = divideHalfUp(n, d);
          const twiceError = 2n * (n - q * d); // 2 × (n/d − q) × d
          expect(twiceError <= d && twiceError >= -d).toBe(true);
          // Exactly half-way: away from zero.
          if (twiceError === d) expect(n < 0n).toBe(true);
          if (twiceError === -d) expect(n > 0n).toBe(true);
          expect(divideHalfUp(-n, d)).toBe(-q);
        },
      ),
    );
  });
});

describe('penaltyRate', () => {
  it.each([
    ['4.35', '50', '6.525'],
    ['3.85', '50', '5.775'],
    ['3.1', '33.33', '4.13323'],
    ['4.123456', '49.99', '6.1847716544'],
    ['4.35', '0', '4.35'],
    ['24', '99.99', '47.9976'],
    ['0.5', '30', '0.65'],
  ])('%p % × (1 + %p %) = %p %', (contract, markup, expected) => {
    expect(formatRate(penaltyRate(rate(contract), rate(markup)))).toBe(expected);
  });

  it('is exact for a contract rate of ≤ 6 places and a markup of ≤ 2 places', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 36n * 10n ** 6n }), // millionths of a percent
        fc.bigInt({ min: 0n, max: 9999n }), // hundredths of a percent
        (micro, hundredths) => {
          const contract = micro * 10n ** 4n;
          const markup = hundredths * 10n ** 8n;
          const p = penaltyRate(contract, markup);
          // p = contract × (100 + markup) / 100, with nothing dropped.
          expect(p * 100n * RATE_SCALE).toBe(contract * (100n * RATE_SCALE + markup));
          expect(p >= contract).toBe(true);
        },
      ),
    );
  });
});

describe('segmentInterest', () => {
  const P = 10_000_000n; // 100,000.00 yuan

  it('100,000.00 at 4.35 % for 31 days: 374.58 on ACT/360, 369.45 on ACT/365', () => {
    // 100000 × 0.0435 × 31 / 360 = 374.5833…; / 365 = 369.4520…
    expect(segmentInterest(P, rate('4.35'), 31, 360)).toBe(37_458n);
    expect(segmentInterest(P, rate('4.35'), 31, 365)).toBe(36_945n);
  });

  it('a regular month on the period basis is annual / 12 whatever its length', () => {
    // 100000 × 4.35 % / 12 = 362.50, spread over 31 days (denominator 12 × 31) or 28 (12 × 28).
    expect(segmentInterest(P, rate('4.35'), 31, 12 * 31)).toBe(36_250n);
    expect(segmentInterest(P, rate('4.35'), 28, 12 * 28)).toBe(36_250n);
    // A quarter (repayEvery 3) of 90 days: denominator 12 × 90 / 3 = 360 → 1087.50.
    expect(segmentInterest(P, rate('4.35'), 90, 360)).toBe(108_750n);
  });

  it('a year of 365 days on ACT/365 is exactly the annual rate', () => {
    expect(segmentInterest(P, rate('4.35'), 365, 365)).toBe(435_000n);
    expect(segmentInterest(P, rate('4.35'), 360, 360)).toBe(435_000n);
  });

  it('penalty on 8,168.49 at 6.525 % for 10 days is 14.81', () => {
    // 8168.49 × 0.06525 × 10 / 360 = 14.8054
    expect(segmentInterest(816_849n, rate('6.525'), 10, 360)).toBe(1_481n);
  });

  it('rounds half a fen up and less than half down', () => {
    // 10.00 × 18 % / 360 = 0.005 yuan = half a fen.
    expect(segmentInterest(1_000n, rate('18'), 1, 360)).toBe(1n);
    // 10.00 × 18 % / 365 = 0.00493 yuan.
    expect(segmentInterest(1_000n, rate('18'), 1, 365)).toBe(0n);
    // 30.00 × 6 % / 360 = 0.005 yuan.
    expect(segmentInterest(3_000n, rate('6'), 1, 360)).toBe(1n);
    // 29.99 × 6 % / 360 = 0.0049983 yuan.
    expect(segmentInterest(2_999n, rate('6'), 1, 360)).toBe(0n);
  });

  it('is zero for no days, no base or no rate', () => {
    expect(segmentInterest(P, rate('4.35'), 0, 360)).toBe(0n);
    expect(segmentInterest(P, rate('4.35'), -3, 360)).toBe(0n);
    expect(segmentInterest(0n, rate('4.35'), 31, 360)).toBe(0n);
    expect(segmentInterest(P, 0n, 31, 360)).toBe(0n);
  });

  it('never decreases as days go by, and daily differences add up to the whole', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 11n }),
        fc.bigInt({ min: 1n, max: 48n * RATE_SCALE }),
        fc.integer({ min: 1, max: 400 }),
        fc.constantFrom(360, 365, 336, 348, 360, 372),
        (base, r, days, denominator) => {
          let total = 0n;
          let previous = 0n;
          for (let d = 1; d <= days; d++) {
            const through = segmentInterest(base, r, d, denominator);
            expect(through >= previous).toBe(true);
            total += through - previous;
            previous = through;
          }
          expect(total).toBe(segmentInterest(base, r, days, denominator));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('minCents and sumCents', () => {
  it('take the smaller amount and add amounts exactly', () => {
    expect(minCents(5n, -3n)).toBe(-3n);
    expect(minCents(7n, 7n)).toBe(7n);
    expect(sumCents([])).toBe(0n);
    expect(sumCents([10n ** 20n, 1n, -2n])).toBe(10n ** 20n - 1n);
  });
});
