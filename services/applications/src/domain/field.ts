/** One problem with one input field, reported back to the client as-is. */
export interface FieldViolation {
  /** JSON path of the field, e.g. `amount` or `applicant.monthlyIncome`. */
  field: string;
  reason: string;
}

/** The result of checking one raw value: the parsed value, or why it was refused. */
export type Check<T> = { ok: true; value: T } | { ok: false; reason: string };

export function accepted<T>(value: T): Check<T> {
  return { ok: true, value };
}

export function refused<T>(reason: string): Check<T> {
  return { ok: false, reason };
}
