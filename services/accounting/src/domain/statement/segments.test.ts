import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { formatMoney, parseRate, segmentInterest } from '../money';
import { day } from '../loan/test-support';
import { statementLines, type SegmentRecord } from './segments';

const rate = (text: string) => parseRate(text)!;

// A loan of 100,000.00 at 4.35 % from 1 January 2025, repriced to 3.85 % on a smaller base from
// 1 February, with an overdue installment (8,168.49 principal, 362.50 interest) charged penalty
// and compound interest at 6.525 % on ACT/365 from 10 February. Accrued through 20 February.
const A: SegmentRecord = {
  kind: 'normal',
  start: day('2025-01-01'),
  end: day('2025-02-01'),
  base: 10_000_000n,
  rate: rate('4.35'),
  denominator: 360,
};
const B: SegmentRecord = {
  kind: 'normal',
  start: day('2025-02-01'),
  end: null,
  base: 9_183_151n,
  rate: rate('3.85'),
  denominator: 360,
};
const C: SegmentRecord = {
  kind: 'penalty',
  start: day('2025-02-10'),
  end: null,
  base: 816_849n,
  rate: rate('6.525'),
  denominator: 365,
};
const D: SegmentRecord = {
  kind: 'compound',
  start: day('2025-02-10'),
  end: null,
  base: 36_250n,
  rate: rate('6.525'),
  denominator: 365,
};
const THROUGH = day('2025-02-20');

describe('statementLines', () => {
  it('lists each segment with its days, base, rate and interest, and totals per kind', () => {
    const { lines, totals } = statementLines([A, B, C, D], day('2025-01-01'), THROUGH, THROUGH);
    // A: 100000 × 4.35 % × 31 / 360 = 374.5833 → 374.58
    // B: 91831.51 × 3.85 % × 20 / 360 = 196.4213 → 196.42
    // C: 8168.49 × 6.525 % × 11 / 365 = 16.0627 → 16.06
    // D: 362.50 × 6.525 % × 11 / 365 = 0.7128 → 0.71
    expect(lines).toEqual([
      {
        kind: 'normal',
        start: '2025-01-01',
        end: '2025-01-31',
        days: 31,
        base: '100000.00',
        annualRatePercent: '4.3500',
        interest: '374.58',
      },
      {
        kind: 'normal',
        start: '2025-02-01',
        end: '2025-02-20',
        days: 20,
        base: '91831.51',
        annualRatePercent: '3.8500',
        interest: '196.42',
      },
      {
        kind: 'penalty',
        start: '2025-02-10',
        end: '2025-02-20',
        days: 11,
        base: '8168.49',
        annualRatePercent: '6.5250',
        interest: '16.06',
      },
      {
        kind: 'compound',
        start: '2025-02-10',
        end: '2025-02-20',
        days: 11,
        base: '362.50',
        annualRatePercent: '6.5250',
        interest: '0.71',
      },
    ]);
    expect(totals).toEqual({ normal: 57_100n, penalty: 1_606n, compound: 71n });
  });

  it('orders lines by start day, then normal before penalty before compound, whatever the input order', () => {
    const penaltyFirstDay: SegmentRecord = { ...C, start: day('2025-02-01') };
    const { lines } = statementLines(
      [D, C, penaltyFirstDay, B, A],
      day('2025-01-01'),
      THROUGH,
      THROUGH,
    );
    expect(lines.map((l) => `${l.start} ${l.kind}`)).toEqual([
      '2025-01-01 normal',
      '2025-02-01 normal',
      '2025-02-01 penalty',
      '2025-02-10 penalty',
      '2025-02-10 compound',
    ]);
  });

  it('clips a segment to the range and counts the interest of its days inside as a difference of its cumulative interest', () => {
    const { lines, totals } = statementLines([A], day('2025-01-10'), day('2025-01-20'), THROUGH);
    // Through 20 Jan (20 days) 241.67, through 9 Jan (9 days) 108.75: the 11 days in the range 132.92.
    expect(lines).toEqual([
      {
        kind: 'normal',
        start: '2025-01-10',
        end: '2025-01-20',
        days: 11,
        base: '100000.00',
        annualRatePercent: '4.3500',
        interest: '132.92',
      },
    ]);
    expect(totals.normal).toBe(13_292n);
  });

  it('stops open segments at the day accrued through, even when the range goes further', () => {
    const { lines } = statementLines([B], day('2025-02-01'), day('2025-03-31'), THROUGH);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ start: '2025-02-01', end: '2025-02-20', days: 20 });
    // A closed segment is also cut at the day accrued through.
    const early = statementLines([A], day('2025-01-01'), day('2025-03-31'), day('2025-01-15'));
    expect(early.lines[0]).toMatchObject({ end: '2025-01-15', days: 15 });
    // 100000 × 4.35 % × 15 / 360 = 181.25
    expect(early.totals.normal).toBe(18_125n);
  });

  it('leaves out segments with a zero base and segments outside the range', () => {
    const zero: SegmentRecord = { ...C, base: 0n, start: day('2025-01-05') };
    expect(statementLines([zero], day('2025-01-01'), THROUGH, THROUGH)).toEqual({
      lines: [],
      totals: { normal: 0n, penalty: 0n, compound: 0n },
    });
    const afterA = statementLines([A], day('2025-02-01'), THROUGH, THROUGH);
    expect(afterA.lines).toEqual([]);
    const beforeC = statementLines([C, D], day('2025-01-01'), day('2025-02-09'), THROUGH);
    expect(beforeC.lines).toEqual([]);
    // An open segment that starts after the day accrued through has no line yet.
    const tomorrow: SegmentRecord = { ...B, start: THROUGH + 1 };
    expect(statementLines([tomorrow], day('2025-01-01'), THROUGH + 30, THROUGH).lines).toEqual([]);
  });

  it('gives a one-day range a one-day line', () => {
    const { lines } = statementLines([C], day('2025-02-15'), day('2025-02-15'), THROUGH);
    expect(lines).toEqual([
      expect.objectContaining({ start: '2025-02-15', end: '2025-02-15', days: 1 }),
    ]);
  });

  it('splits into consecutive ranges whose lines add up to the whole range to the fen', () => {
    const segments = [A, B, C, D];
    const whole = statementLines(segments, day('2025-01-01'), THROUGH, THROUGH).totals;
    const first = statementLines(segments, day('2025-01-01'), day('2025-02-14'), THROUGH).totals;
    const second = statementLines(segments, day('2025-02-15'), THROUGH, THROUGH).totals;
    // Penalty: 5 days to 14 Feb 7.30, then 16.06 − 7.30 = 8.76 (6 days on their own would be 8.76 too).
    expect(first.penalty).toBe(730n);
    expect(second.penalty).toBe(876n);
    // Compound: 0.32 then 0.39.
    expect(first.compound).toBe(32n);
    expect(second.compound).toBe(39n);
    for (const kind of ['normal', 'penalty', 'compound'] as const) {
      expect(first[kind] + second[kind]).toBe(whole[kind]);
    }
  });

  it('totals any split of random segments to the sum of the segments’ own interest', () => {
    const segment = fc
      .record({
        kind: fc.constantFrom('normal' as const, 'penalty' as const, 'compound' as const),
        start: fc.integer({ min: 0, max: 400 }),
        length: fc.option(fc.integer({ min: 1, max: 400 })),
        base: fc.bigInt({ min: 0n, max: 10n ** 10n }),
        rate: fc.bigInt({ min: 1n, max: 36n * 10n ** 10n }),
        denominator: fc.constantFrom(360, 365, 336, 372),
      })
      .map((g): SegmentRecord => ({
        kind: g.kind,
        start: day('2024-01-01') + g.start,
        end: g.length === null ? null : day('2024-01-01') + g.start + g.length,
        base: g.base,
        rate: g.rate,
        denominator: g.denominator,
      }));
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 8 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 900 }),
        (segments, cut, through) => {
          const from = day('2024-01-01');
          const to = from + 900;
          const accruedThrough = from + through;
          const whole = statementLines(segments, from, to, accruedThrough);
          const left = statementLines(segments, from, from + cut - 1, accruedThrough);
          const right = statementLines(segments, from + cut, to, accruedThrough);
          for (const kind of ['normal', 'penalty', 'compound'] as const) {
            // Each segment's own interest from its start to where it ends (or accrual stops).
            let expected = 0n;
            for (const g of segments) {
              if (g.kind !== kind) continue;
              const end = Math.min(g.end ?? accruedThrough + 1, accruedThrough + 1);
              expected += segmentInterest(g.base, g.rate, end - g.start, g.denominator);
            }
            expect(whole.totals[kind]).toBe(expected);
            expect(left.totals[kind] + right.totals[kind]).toBe(expected);
          }
          // Each line's interest, days and dates are consistent, and no zero-base line appears.
          let sum = 0n;
          for (const line of whole.lines) {
            expect(line.base).not.toBe('0.00');
            expect(line.days).toBeGreaterThan(0);
            expect(day(line.end) - day(line.start) + 1).toBe(line.days);
            sum += BigInt(line.interest.replace('.', ''));
          }
          expect(formatMoney(sum)).toBe(
            formatMoney(whole.totals.normal + whole.totals.penalty + whole.totals.compound),
          );
          // Sorted by start, then kind.
          const keys = whole.lines.map(
            (l) => `${l.start} ${['normal', 'penalty', 'compound'].indexOf(l.kind)}`,
          );
          expect(keys).toEqual([...keys].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
