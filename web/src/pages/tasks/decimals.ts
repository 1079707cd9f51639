// Decimal text of the step forms: what their JSON Schemas' patterns ask for.

/** The decimals a pattern such as ^…\\.[0-9]{2}$ requires (undefined: not a fixed-decimals pattern). */
export function decimalPlaces(pattern: string | undefined): number | undefined {
  const m = pattern ? /\\\.\[0-9\]\{(\d)\}\$$/.exec(pattern) : null;
  return m ? Number(m[1]) : undefined;
}

/** "250000" → "250000.00", "6.5" → "6.5000" (places 2 and 4); anything else as typed. */
export function padDecimals(value: string, places: number): string {
  const m = /^\s*(\d+)(?:\.(\d*))?\s*$/.exec(value);
  if (!m || (m[2] ?? '').length > places) return value;
  return `${m[1]}.${(m[2] ?? '').padEnd(places, '0')}`;
}
