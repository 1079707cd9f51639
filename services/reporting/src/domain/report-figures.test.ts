import fc from 'fast-check';
import Decimal from 'decimal.js';
import {
  bucketOf,
  countWithin,
  daysOfBucket,
  dpdBucketOf,
  monthEnd,
  monthsBetween,
  percentileBucket,
  ratio,
  splitRange,
  toWan,
  weekStart,
} from './report-figures';

describe('the quarter-day histogram', () => {
  it('puts a decision in the bucket of its working days rounded up to a quarter', () => {
    expect(bucketOf('0')).toBe(0);
    expect(bucketOf('0.01')).toBe(1);
    expect(bucketOf('2.75')).toBe(11);
    expect(bucketOf('2.7501')).toBe(12);
    expect(bucketOf('3')).toBe(12);
    expect(bucketOf('3.0001')).toBe(13);
    expect(bucketOf('250')).toBe(400);
  });

  it('counts "within 3 working days" exactly: 3.00 is in, 3.01 is out', () => {
    const bars = ['1', '3', '3.01', '7', '7.2'].map((d) => ({ bucket: bucketOf(d), count: 1 }));
    expect(countWithin(bars, 3)).toBe(2);
    expect(countWithin(bars, 7)).toBe(4);
  });

  it('takes percentiles by nearest rank', () => {
    const bars = [
      { bucket: 4, count: 5 },
      { bucket: 8, count: 4 },
      { bucket: 40, count: 1 },
    ];
    expect(percentileBucket(bars, 0.5)).toBe(4);
    expect(percentileBucket(bars, 0.6)).toBe(8);
    expect(percentileBucket(bars, 0.9)).toBe(8);
    expect(percentileBucket(bars, 0.91)).toBe(40);
    expect(percentileBucket(bars, 1)).toBe(40);
    expect(percentileBucket([], 0.5)).toBeNull();
    expect(percentileBucket([{ bucket: 3, count: 0 }], 0.5)).toBeNull();
    expect(() => percentileBucket(bars, 0)).toThrow(RangeError);
    expect(() => percentileBucket(bars, 1.5)).toThrow(RangeError);
  });

  it('agrees with sorting every decision (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (buckets, p) => {
          const counts = new Map<number, number>();
          for (const b of buckets) counts.set(b, (counts.get(b) ?? 0) + 1);
          const bars = [...counts].map(([bucket, count]) => ({ bucket, count }));
          const sorted = [...buckets].sort((a, b) => a - b);
          expect(percentileBucket(bars, p)).toBe(sorted[Math.ceil(p * sorted.length) - 1]);
        },
      ),
    );
  });

  it('shows a bucket as working days with two places', () => {
    expect(daysOfBucket(13)).toBe('3.25');
    expect(daysOfBucket(0)).toBe('0.00');
    expect(daysOfBucket(null)).toBe('');
  });
});

describe('amounts and ratios', () => {
  it('converts yuan to 万元 half-up at two places', () => {
    expect(toWan('1234567.89')).toBe('123.46');
    expect(toWan('50.00')).toBe('0.01');
    expect(toWan('49.99')).toBe('0.00');
    expect(toWan('0')).toBe('0.00');
    expect(toWan('99999999999949.99')).toBe('9999999999.99');
    expect(toWan('99999999999999.99')).toBe('10000000000.00');
  });

  it('never passes 万元 through floating point (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 17n }), (fen) => {
        const yuan = new Decimal(fen.toString()).div(100).toFixed(2);
        // 0.01 万元 is 100 yuan, 10,000 fen: round half-up to a multiple of it.
        const expected = (fen + 5000n) / 10000n;
        expect(toWan(yuan)).toBe(new Decimal(expected.toString()).div(100).toFixed(2));
      }),
    );
  });

  it('gives ratios with four places, empty over nothing', () => {
    expect(ratio(1, 3)).toBe('0.3333');
    expect(ratio(2, 3)).toBe('0.6667');
    expect(ratio('12.50', '100')).toBe('0.1250');
    expect(ratio(5, 0)).toBe('');
    expect(ratio(0, 7)).toBe('0.0000');
  });
});

describe('overdue buckets', () => {
  it.each([
    [0, 0],
    [-3, 0],
    [1, 1],
    [30, 1],
    [31, 2],
    [60, 2],
    [61, 3],
    [90, 3],
    [91, 4],
    [180, 4],
    [181, 5],
    [360, 5],
    [361, 6],
    [5000, 6],
  ])('%i days past due is bucket %i', (dpd, bucket) => {
    expect(dpdBucketOf(dpd)).toBe(bucket);
  });
});

describe('dates', () => {
  it('finds the Monday of a week', () => {
    expect(weekStart('2026-12-07')).toBe('2026-12-07'); // a Monday
    expect(weekStart('2026-12-13')).toBe('2026-12-07'); // Sunday
    expect(weekStart('2026-12-10')).toBe('2026-12-07');
    expect(weekStart('2026-01-01')).toBe('2025-12-29');
    expect(weekStart('1969-12-31')).toBe('1969-12-29');
    expect(() => weekStart('2026-02-30')).toThrow(RangeError);
  });

  it('lists months and month ends', () => {
    expect(monthsBetween('2025-11-15', '2026-02-01')).toEqual([
      '2025-11-01',
      '2025-12-01',
      '2026-01-01',
      '2026-02-01',
    ]);
    expect(monthEnd('2024-02-10')).toBe('2024-02-29');
    expect(monthEnd('2025-12-31')).toBe('2025-12-31');
  });

  it('splits a range into whole months and partial edges', () => {
    expect(splitRange('2026-01-01', '2026-03-31')).toEqual({
      wholeMonths: { first: '2026-01-01', last: '2026-03-01' },
      edges: [],
    });
    expect(splitRange('2026-01-15', '2026-04-10')).toEqual({
      wholeMonths: { first: '2026-02-01', last: '2026-03-01' },
      edges: [
        { from: '2026-01-15', until: '2026-02-01' },
        { from: '2026-04-01', until: '2026-04-11' },
      ],
    });
    expect(splitRange('2026-01-15', '2026-02-10')).toEqual({
      wholeMonths: null,
      edges: [{ from: '2026-01-15', until: '2026-02-11' }],
    });
    expect(splitRange('2026-02-01', '2026-02-28')).toEqual({
      wholeMonths: { first: '2026-02-01', last: '2026-02-01' },
      edges: [],
    });
  });
});
