// Field checks shared by the post-loan registers. Input arrives as strings off the wire; each
// check records what is wrong under the field's path and hands back the normalized value.
import type { FieldViolation } from '@loanflow/platform';
import { MAX_AMOUNT, MAX_AMOUNT_REASON } from '../money';
import { parseIsoDate } from '../schedule/calendar';

export type Validated<T> = { ok: true; value: T } | { ok: false; violations: FieldViolation[] };

/** A plain decimal; yuan with at most 2 places and 15 whole digits fit numeric(20, 2) with room. */
const AMOUNT = /^(\d+)(?:\.(\d+))?$/;
const MAX_WHOLE_DIGITS = 15;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Client-chosen ids of a create: visible ASCII, e.g. a UUID or the Idempotency-Key. */
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;

/** Reads a money amount: "1500", "1500.5" and "1500.50" all give "1500.50". */
export function readAmount(
  raw: string,
  opts: { allowZero?: boolean } = {},
): { ok: true; value: string } | { ok: false; reason: string } {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'is required' };
  if (text.startsWith('-')) return { ok: false, reason: 'must not be negative' };
  const m = AMOUNT.exec(text);
  if (!m) return { ok: false, reason: 'must be a decimal string of yuan such as "1500.00"' };
  const [, whole, fraction = ''] = m;
  if (fraction.length > 2) return { ok: false, reason: 'must have at most 2 decimal places' };
  if (whole!.length > MAX_WHOLE_DIGITS)
    return {
      ok: false,
      reason: `must have at most ${MAX_WHOLE_DIGITS} digits before the decimal point`,
    };
  if (whole!.length > 1 && whole!.startsWith('0'))
    return { ok: false, reason: 'must not have leading zeros' };
  const value = `${whole}.${fraction.padEnd(2, '0')}`;
  if (!opts.allowZero && /^0\.00$/.test(value))
    return { ok: false, reason: 'must be greater than 0' };
  if (toFen(value) > MAX_AMOUNT) return { ok: false, reason: MAX_AMOUNT_REASON };
  return { ok: true, value };
}

/** An amount as fen, for the little arithmetic the registers do (no floating point). */
export function toFen(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, '0'));
}

export function formatFen(fen: bigint): string {
  const sign = fen < 0n ? '-' : '';
  const abs = fen < 0n ? -fen : fen;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** Reads a strict YYYY-MM-DD naming a real calendar day (2025-02-29 is refused). */
export function readDate(raw: string): { ok: true; value: string } | { ok: false; reason: string } {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'is required' };
  if (!ISO_DATE.test(text)) return { ok: false, reason: 'must be a date in the form YYYY-MM-DD' };
  if (parseIsoDate(text) === undefined)
    return { ok: false, reason: `${text} is not a real calendar date` };
  return { ok: true, value: text };
}

/** Collects the violations of one request; every check runs, so the client sees them all. */
export class Violations {
  readonly list: FieldViolation[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  has(field: string): boolean {
    return this.list.some((v) => v.field === field);
  }

  text(field: string, raw: string, opts: { required?: boolean; max: number }): string {
    const value = raw.trim();
    if (opts.required && value === '') this.add(field, 'is required');
    else if (value.length > opts.max) this.add(field, `must be at most ${opts.max} characters`);
    return value;
  }

  amount(field: string, raw: string, opts: { allowZero?: boolean } = {}): string | undefined {
    const read = readAmount(raw, opts);
    if (read.ok) return read.value;
    this.add(field, read.reason);
    return undefined;
  }

  /** An amount that may be left out (empty string); checked like any other when given. */
  optionalAmount(field: string, raw: string, opts: { allowZero?: boolean } = {}) {
    return raw.trim() === '' ? undefined : this.amount(field, raw, opts);
  }

  date(field: string, raw: string): string | undefined {
    const read = readDate(raw);
    if (read.ok) return read.value;
    this.add(field, read.reason);
    return undefined;
  }

  /** A date no earlier than `floor` (with what the floor is, for the reason) and not after `today`. */
  dateBetween(
    field: string,
    raw: string,
    floor: { date: string; what: string } | undefined,
    today: string,
  ): string | undefined {
    const date = this.date(field, raw);
    if (date === undefined) return undefined;
    if (floor && date < floor.date) {
      this.add(field, `must not be before ${floor.what} (${floor.date})`);
      return undefined;
    }
    if (date > today) {
      this.add(field, `must not be in the future (today is ${today})`);
      return undefined;
    }
    return date;
  }

  oneOf<T extends string>(field: string, raw: string, allowed: readonly T[]): T | undefined {
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.add(field, `must be one of ${allowed.join(', ')}`);
    return undefined;
  }

  requestId(field: string, raw: string): string {
    if (!REQUEST_ID.test(raw))
      this.add(field, 'is required: 1 to 128 visible ASCII characters chosen by the client');
    return raw;
  }

  /** The value when nothing was refused, for the caller to assemble its record. */
  result<T>(build: () => T): Validated<T> {
    return this.list.length > 0
      ? { ok: false, violations: this.list }
      : { ok: true, value: build() };
  }
}
