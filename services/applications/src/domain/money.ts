import { Decimal } from 'decimal.js';
import { accepted, refused, type Check } from './field';

/** Money is rounded half up to 2 places (yuan and 分). */
export const MONEY_ROUNDING = Decimal.ROUND_HALF_UP;

/**
 * Our own Decimal constructor for intermediate arithmetic, so that a `Decimal.set(...)`
 * anywhere else in the process cannot change our precision or rounding.
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** Rounds to 分, keeping the constructor of `d` (use on `Exact` values mid-calculation). */
export function roundFen(d: Decimal): Decimal {
  return d.toDecimalPlaces(2, MONEY_ROUNDING);
}

/** Rounds to 分 and hands back a plain `Decimal`, not one tied to our private constructor. */
export function toFen(d: Decimal): Decimal {
  return new Decimal(roundFen(d));
}

const MAX_INTEGER_DIGITS = 15;

/** Reads a plain decimal string (or a whole number), or says what is wrong with it. */
function readDecimalString(
  raw: unknown,
  maxFractionDigits: number,
  example: string,
): Check<Decimal> {
  let text: string;
  if (typeof raw === 'number') {
    // Whole numbers are exact in JSON; fractions are not, so those must come as strings.
    if (!Number.isSafeInteger(raw)) {
      return refused(
        `must be a decimal string such as "${example}" (fractional numbers are not accepted)`,
      );
    }
    text = String(raw);
  } else if (typeof raw === 'string') {
    text = raw.trim();
  } else {
    return refused(`must be a decimal string such as "${example}"`);
  }
  if (text === '') return refused('must not be empty');
  if (/e/i.test(text)) return refused('must not use exponent notation');
  if (text.startsWith('-')) return refused('must not be negative');
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return refused(`must be a decimal string such as "${example}"`);
  const [, integerPart, fractionPart = ''] = match;
  if (integerPart.length > 1 && integerPart.startsWith('0')) {
    return refused('must not have leading zeros');
  }
  if (fractionPart.length > maxFractionDigits) {
    return refused(`must have at most ${maxFractionDigits} decimal places`);
  }
  if (integerPart.length > MAX_INTEGER_DIGITS) {
    return refused(`must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point`);
  }
  return accepted(new Decimal(text));
}

/**
 * Reads a money amount in yuan: a decimal string with at most 2 decimal places (or a whole
 * number), positive unless `allowZero`, and at least `min` when given.
 */
export function parseAmount(
  raw: unknown,
  opts: { min?: string; allowZero?: boolean } = {},
): Check<Decimal> {
  const read = readDecimalString(raw, 2, '50000.00');
  if (!read.ok) return read;
  const amount = read.value;
  if (amount.isZero() && !opts.allowZero) return refused('must be greater than 0');
  if (opts.min !== undefined && amount.lessThan(opts.min)) {
    return refused(`must be at least ${formatAmount(new Decimal(opts.min))}`);
  }
  return accepted(amount);
}

/** Formats an amount with exactly 2 decimal places, e.g. "8530.99". */
export function formatAmount(d: Decimal): string {
  const text = d.toFixed(2, MONEY_ROUNDING);
  return text === '-0.00' ? '0.00' : text;
}

// Platform-wide sanity ceiling; real products are priced far below it.
const RATE_CEILING_PERCENT = 36;

/** Reads an annual interest rate in percent, e.g. "4.35": up to 4 decimal places, 0 < r < 36. */
export function parseRatePercent(raw: unknown): Check<Decimal> {
  const read = readDecimalString(raw, 4, '4.35');
  if (!read.ok) return read;
  const rate = read.value;
  if (rate.isZero()) return refused('must be greater than 0%');
  if (rate.greaterThanOrEqualTo(RATE_CEILING_PERCENT)) {
    return refused(`must be below ${RATE_CEILING_PERCENT}% a year`);
  }
  return accepted(rate);
}
