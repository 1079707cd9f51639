// The arithmetic of the management reports: percentiles over the quarter-day histogram, shares,
// 万元, the overdue buckets and the date ranges. Pure: no I/O, amounts as exact decimals.
import { addDays, addMonths, dayNumberOf } from '@loanflow/platform';
import Decimal from 'decimal.js';

/** Histogram buckets are working days × 4 rounded up: bucket 12 holds (2.75, 3] days. */
export const BUCKETS_PER_DAY = 4;
/** The last bucket holds everything from 100 working days on. */
export const LAST_BUCKET = 400;

/** The bucket of a decision that took `workingDays` (what decision_histogram stores). */
export function bucketOf(workingDays: string | number): number {
  const quarters = new Decimal(workingDays).times(BUCKETS_PER_DAY).ceil().toNumber();
  return Math.min(LAST_BUCKET, Math.max(0, quarters));
}

export interface HistogramBar {
  bucket: number;
  count: number;
}

/**
 * The p-th percentile (0 < p ≤ 1) by nearest rank: the smallest bucket holding at least
 * ⌈p × n⌉ decisions. As a bucket is an upper bound, "p90 = 3.00" reads "90 % took at most 3
 * working days"; the resolution is a quarter of a working day. `null` without decisions.
 */
export function percentileBucket(bars: readonly HistogramBar[], p: number): number | null {
  if (!(p > 0 && p <= 1)) throw new RangeError(`percentile must be in (0, 1], not ${p}`);
  const sorted = [...bars].filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const n = sorted.reduce((sum, b) => sum + b.count, 0);
  if (n === 0) return null;
  const rank = Math.ceil(p * n);
  let seen = 0;
  for (const bar of sorted) {
    seen += bar.count;
    if (seen >= rank) return bar.bucket;
  }
  return sorted[sorted.length - 1]!.bucket;
}

/** Working days of a bucket as the report shows them (two places): 13 → "3.25". */
export const daysOfBucket = (bucket: number | null): string =>
  bucket === null ? '' : new Decimal(bucket).div(BUCKETS_PER_DAY).toFixed(2);

/** Decisions taken within `days` working days (buckets up to days × 4, exact by the rounding up). */
export const countWithin = (bars: readonly HistogramBar[], days: number): number =>
  bars.filter((b) => b.bucket <= days * BUCKETS_PER_DAY).reduce((sum, b) => sum + b.count, 0);

/** part / whole as a ratio of four places, half-up; empty when there is no whole. */
export function ratio(part: Decimal.Value, whole: Decimal.Value): string {
  const w = new Decimal(whole);
  if (w.isZero()) return '';
  return new Decimal(part).div(w).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
}

/** Yuan → 万元 with two places, half-up, exact ("1234567.89" → "123.46"). */
export const toWan = (yuan: Decimal.Value): string =>
  new Decimal(yuan).div(10_000).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);

/** Yuan with two places (sums come from numeric(20,2) columns: exact already). */
export const yuan = (value: Decimal.Value | null | undefined): string =>
  value === null || value === undefined ? '0.00' : new Decimal(value).toFixed(2);

export const sum = (values: readonly Decimal.Value[]): Decimal =>
  values.reduce<Decimal>((acc, v) => acc.plus(v), new Decimal(0));

/** Average of working days with four places, half-up; empty without any. */
export function averageDays(total: Decimal.Value, count: number): string {
  if (count === 0) return '';
  return new Decimal(total).div(count).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4);
}

/** The five tiers of loan quality (贷款五级分类), in the regulator's column order. */
export const TIERS = [
  { code: 'normal', zh: '正常', en: 'Normal' },
  { code: 'special_mention', zh: '关注', en: 'Special mention' },
  { code: 'substandard', zh: '次级', en: 'Substandard' },
  { code: 'doubtful', zh: '可疑', en: 'Doubtful' },
  { code: 'loss', zh: '损失', en: 'Loss' },
] as const;
export type Tier = (typeof TIERS)[number]['code'];
/** Non-performing loans: 次级 + 可疑 + 损失. */
export const NPL_TIERS: readonly Tier[] = ['substandard', 'doubtful', 'loss'];

/** Overdue buckets by days past due, as portfolio_days numbers them (0 is current). */
export const DPD_BUCKETS = [
  { bucket: 1, label: '1–30', from: 1, to: 30 },
  { bucket: 2, label: '31–60', from: 31, to: 60 },
  { bucket: 3, label: '61–90', from: 61, to: 90 },
  { bucket: 4, label: '91–180', from: 91, to: 180 },
  { bucket: 5, label: '181–360', from: 181, to: 360 },
  { bucket: 6, label: '>360', from: 361, to: Infinity },
] as const;

/** The dpd_bucket of `daysPastDue` (0: not overdue). */
export function dpdBucketOf(daysPastDue: number): number {
  if (daysPastDue <= 0) return 0;
  return DPD_BUCKETS.find((b) => daysPastDue <= b.to)!.bucket;
}

/** Monday of the week of `date` (weeks run Monday to Sunday, as in China). */
export function weekStart(date: string): string {
  const day = dayNumberOf(date);
  if (day === undefined) throw new RangeError(`not a date: ${date}`);
  // Day number 0 is 1970-01-01, a Thursday: (day + 3) mod 7 counts the days since Monday.
  const sinceMonday = (((day + 3) % 7) + 7) % 7;
  return addDays(date, -sinceMonday);
}

/** The first day of the month of `date`. */
export const monthOf = (date: string): string => `${date.slice(0, 7)}-01`;
/** The last day of the month of `date`. */
export const monthEnd = (date: string): string => addDays(addMonths(monthOf(date), 1), -1);

/** First days of the months from `from`'s to `to`'s, in order. */
export function monthsBetween(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = monthOf(from); m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

/**
 * A date range split for the monthly pre-aggregations: the whole months inside it (read from
 * the histogram) and the partial months at its edges (read from the detail rows). Dates are
 * inclusive; `edges` are half-open [from, until) in calendar dates.
 */
export interface SplitRange {
  wholeMonths: { first: string; last: string } | null;
  edges: { from: string; until: string }[];
}

export function splitRange(from: string, to: string): SplitRange {
  const first = from === monthOf(from) ? from : addMonths(monthOf(from), 1);
  const last = to === monthEnd(to) ? monthOf(to) : addMonths(monthOf(to), -1);
  const after = addDays(to, 1);
  if (first > last) return { wholeMonths: null, edges: [{ from, until: after }] };
  const edges: SplitRange['edges'] = [];
  if (from < first) edges.push({ from, until: first });
  const lastEnd = addMonths(last, 1);
  if (lastEnd < after) edges.push({ from: lastEnd, until: after });
  return { wholeMonths: { first, last }, edges };
}
