// Exact money and rates for the loan book. Amounts are bigint fen (0.01 yuan); rates are bigint
// percent a year scaled by 10^10, which holds a contract rate of 6 places times a penalty markup
// of 2 places exactly. Nothing here ever passes through a JavaScript number.

export type Cents = bigint;
export type Rate = bigint;

export const RATE_SCALE = 10n ** 10n;
const HUNDRED_PERCENT: Rate = 100n * RATE_SCALE;

/**
 * No loan rate reaches this (percent a year): the judicial protection ceiling for private lending
 * is four times the 1-year LPR; 36 % is the absolute line no product or rate change may cross.
 */
export const RATE_CEILING_PERCENT = 36;
export const RATE_CEILING: Rate = BigInt(RATE_CEILING_PERCENT) * RATE_SCALE;

const MONEY = /^(-?)(\d{1,18})(?:\.(\d{1,2}))?$/;
const RATE = /^(\d{1,2})(?:\.(\d{1,10}))?$/;

/** "1234.5" → 123450n; undefined for anything that is not a plain decimal with ≤ 2 places. */
export function parseMoney(text: string): Cents | undefined {
  const m = MONEY.exec(text);
  if (!m) return undefined;
  const cents = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

/** 123450n → "1234.50" */
export function formatMoney(cents: Cents): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

/** "4.35" → 4.35 % scaled; undefined beyond 10 places or at 100 % and above. */
export function parseRate(text: string): Rate | undefined {
  const m = RATE.exec(text);
  if (!m) return undefined;
  return BigInt(m[1]!) * RATE_SCALE + BigInt((m[2] ?? '').padEnd(10, '0'));
}

/** A rate as the shortest decimal: 65250000000n → "6.525". */
/** A rate as a plain decimal, trailing zeros dropped, or with every one of its ten places. */
export function formatRate(rate: Rate, places: 'trimmed' | 10 = 'trimmed'): string {
  const whole = rate / RATE_SCALE;
  const digits = (rate % RATE_SCALE).toString().padStart(10, '0');
  const fraction = places === 10 ? digits : digits.replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}

/**
 * A rate as the API and events carry it: percent with four fraction digits ("4.2000", the shared
 * vocabulary's word), more only where the rate itself has more (a penalty rate of 4.3512 % × 1.5
 * is "6.5268"; of 4.123456 % × 1.5, "6.185184"), never rounded.
 */
export function formatRatePercent(rate: Rate): string {
  const [whole, fraction = ''] = formatRate(rate).split('.');
  return `${whole}.${fraction.padEnd(4, '0')}`;
}

/** Places after the decimal point of a rate (to refuse more precision than a contract has). */
export function ratePlaces(rate: Rate): number {
  const fraction = (rate % RATE_SCALE).toString().padStart(10, '0').replace(/0+$/, '');
  return fraction.length;
}

/** n / d rounded half away from zero; d > 0. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  if (n >= 0n) return (n * 2n + d) / (d * 2n);
  return -((-n * 2n + d) / (d * 2n));
}

/** The penalty rate: the contract rate × (1 + markup), exact for a markup of ≤ 2 places. */
export function penaltyRate(contract: Rate, markupPercent: Rate): Rate {
  return (contract * (HUNDRED_PERCENT + markupPercent)) / HUNDRED_PERCENT;
}

/**
 * Interest of `days` days on `base` at `rate` a year, with `denominator` days to the year (360
 * or 365 on the daily basis; 12 × the period's days on the monthly period basis), rounded half-up
 * to the fen. Accrual takes the difference of this between consecutive days, so the daily
 * amounts of a segment add up to exactly this figure.
 */
export function segmentInterest(base: Cents, rate: Rate, days: number, denominator: number): Cents {
  if (days <= 0 || base === 0n || rate === 0n) return 0n;
  return divideHalfUp(base * rate * BigInt(days), BigInt(denominator) * HUNDRED_PERCENT);
}

/**
 * The largest amount any command takes: one trillion yuan. Far beyond any single loan a bank
 * books, well inside numeric(20, 2) with room for the sums the book makes of it; anything larger
 * is a typing error, refused with the field.
 */
export const MAX_AMOUNT: Cents = 1_000_000_000_000_00n;
export const MAX_AMOUNT_REASON = 'must be at most 1000000000000.00 (one trillion yuan)';

export const minCents = (a: Cents, b: Cents): Cents => (a < b ? a : b);
export const sumCents = (values: Iterable<Cents>): Cents => {
  let total = 0n;
  for (const v of values) total += v;
  return total;
};
