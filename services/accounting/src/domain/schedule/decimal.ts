import { Decimal } from 'decimal.js';

/**
 * The schedule library's own Decimal constructor, so that a `Decimal.set(...)` elsewhere in the
 * process cannot change our precision or rounding. 40 significant digits keep a 360-period
 * annuity factor exact far beyond the cent.
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Exact = InstanceType<typeof Exact>;

export type RoundingMode = 'half_up' | 'half_even';

const DECIMAL_ROUNDING: Record<RoundingMode, Decimal.Rounding> = {
  half_up: Decimal.ROUND_HALF_UP,
  half_even: Decimal.ROUND_HALF_EVEN,
};

/** How amounts are rounded: the mode, the number of decimal places and an optional multiple. */
export interface Rounding {
  mode: RoundingMode;
  decimals: number;
}

export function roundAmount(d: Exact, rounding: Rounding): Exact {
  return d.toDecimalPlaces(rounding.decimals, DECIMAL_ROUNDING[rounding.mode]);
}

/** Rounds to the nearest multiple (e.g. whole yuan), ties broken by the rounding mode. */
export function roundToMultiple(d: Exact, multiple: Exact, rounding: Rounding): Exact {
  return d.div(multiple).toDecimalPlaces(0, DECIMAL_ROUNDING[rounding.mode]).times(multiple);
}

export function formatAmount(d: Exact, decimals: number): string {
  const text = d.toFixed(decimals);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}
