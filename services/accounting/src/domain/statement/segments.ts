import { formatIsoDate, type DayNumber } from '../schedule/calendar';
import { formatMoney, formatRatePercent, segmentInterest, type Cents, type Rate } from '../money';
import type { SegmentKind } from '../loan/state';
import type { StatementLine } from './types';

/** A segment as stored (closed) or open on the loan (end = null). */
export interface SegmentRecord {
  kind: SegmentKind;
  start: DayNumber;
  /** Exclusive; null while open. */
  end: DayNumber | null;
  base: Cents;
  rate: Rate;
  denominator: number;
}

const KIND_ORDER: Record<SegmentKind, number> = { normal: 0, penalty: 1, compound: 2 };

/**
 * 分段利息清单: the lines of the statement for [from, to] (inclusive), interest accrued through
 * `accruedThrough`. A segment cut by the range counts the interest of its days inside it as the
 * difference of the segment's cumulative interest, exactly as the daily accrual did, so the
 * lines of consecutive ranges add up to the accruals to the fen.
 */
export function statementLines(
  segments: readonly SegmentRecord[],
  from: DayNumber,
  to: DayNumber,
  accruedThrough: DayNumber,
): { lines: StatementLine[]; totals: Record<SegmentKind, Cents> } {
  const totals: Record<SegmentKind, Cents> = { normal: 0n, penalty: 0n, compound: 0n };
  const lines: (StatementLine & { order: [number, number] })[] = [];
  const last = Math.min(to, accruedThrough) + 1;
  for (const g of segments) {
    if (g.base === 0n) continue;
    const start = Math.max(g.start, from);
    const end = Math.min(g.end ?? last, last);
    if (end <= start) continue;
    const cumulative = (d: DayNumber) =>
      segmentInterest(g.base, g.rate, d - g.start, g.denominator);
    const interest = cumulative(end) - cumulative(start);
    totals[g.kind] += interest;
    lines.push({
      kind: g.kind,
      start: formatIsoDate(start),
      end: formatIsoDate(end - 1),
      days: end - start,
      base: formatMoney(g.base),
      annualRatePercent: formatRatePercent(g.rate),
      interest: formatMoney(interest),
      order: [start, KIND_ORDER[g.kind]],
    });
  }
  lines.sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1]);
  return { lines: lines.map(({ order: _order, ...line }) => line), totals };
}
