import { invalidArgument, isUuid, type FieldViolation } from '@loanflow/platform';
import { parseIsoDate, type DayNumber } from '../domain/schedule/calendar';
import {
  MAX_AMOUNT,
  MAX_AMOUNT_REASON,
  parseMoney,
  parseRate,
  ratePlaces,
  type Cents,
  type Rate,
} from '../domain/money';
import type { Payee } from '../infra/movements-repo';

/** Collects every problem of a request, then refuses it once with all of them (nothing written). */
export class Fields {
  readonly errors: FieldViolation[] = [];

  fail(field: string, reason: string): undefined {
    this.errors.push({ field, reason });
    return undefined;
  }

  /** A positive amount of yuan with at most two places. */
  amount(field: string, text: string | undefined): Cents | undefined {
    if (!text) return this.fail(field, 'is required');
    const c = parseMoney(text);
    if (c === undefined)
      return this.fail(field, 'must be a decimal amount with at most 2 places, e.g. "1234.50"');
    if (c <= 0n) return this.fail(field, 'must be greater than zero');
    if (c > MAX_AMOUNT) return this.fail(field, MAX_AMOUNT_REASON);
    return c;
  }

  rate(field: string, text: string | undefined, places = 6): Rate | undefined {
    if (!text) return this.fail(field, 'is required');
    const r = parseRate(text);
    if (r === undefined || ratePlaces(r) > places) {
      return this.fail(
        field,
        `must be a percentage from 0 to 99 with at most ${places} places, e.g. "4.35"`,
      );
    }
    return r;
  }

  date(field: string, text: string | undefined): DayNumber | undefined {
    if (!text) return this.fail(field, 'is required');
    const d = parseIsoDate(text);
    return d === undefined ? this.fail(field, 'must be a real date as YYYY-MM-DD') : d;
  }

  uuid(field: string, text: string | undefined, required = true): string | undefined {
    if (!text) return required ? this.fail(field, 'is required') : undefined;
    return isUuid(text) ? text.toLowerCase() : this.fail(field, 'must be a UUID');
  }

  text(
    field: string,
    text: string | undefined,
    opts: { required?: boolean; max?: number } = {},
  ): string | undefined {
    const value = text?.trim();
    if (!value) return opts.required ? this.fail(field, 'is required') : undefined;
    if (value.length > (opts.max ?? 200))
      return this.fail(field, `must be at most ${opts.max ?? 200} characters`);
    return value;
  }

  oneOf<T extends string>(
    field: string,
    value: string | undefined,
    options: readonly T[],
    fallback?: T,
  ): T | undefined {
    if (!value) return fallback ?? this.fail(field, `is required (one of ${options.join(', ')})`);
    return (options as readonly string[]).includes(value)
      ? (value as T)
      : this.fail(field, `must be one of ${options.join(', ')}`);
  }

  /** Throws INVALID_ARGUMENT listing every problem, if there is any. */
  done(): void {
    if (this.errors.length > 0) throw invalidArgument(this.errors);
  }
}

/** How a tranche is paid out, as a request names it. */
export interface PayeeRequest {
  paymentMethod: string;
  counterpartyName: string;
  counterpartyAccount: string;
  counterpartyBank: string;
}

/** 受托支付 names the counterparty and its account; 自主支付 pays the borrower. */
export function validatePayee(f: Fields, payee: PayeeRequest | undefined): Payee {
  const method = f.oneOf('payee.paymentMethod', payee?.paymentMethod, [
    'entrusted',
    'self',
  ] as const);
  const name = f.text('payee.counterpartyName', payee?.counterpartyName, {
    required: method === 'entrusted',
    max: 200,
  });
  const account = f.text('payee.counterpartyAccount', payee?.counterpartyAccount, {
    required: method === 'entrusted',
    max: 40,
  });
  if (account && !/^[0-9 -]{6,40}$/.test(account))
    f.fail('payee.counterpartyAccount', 'must be a bank account number');
  const bank = f.text('payee.counterpartyBank', payee?.counterpartyBank, { max: 200 });
  return { method, name, account, bank };
}
