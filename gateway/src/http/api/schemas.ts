/**
 * The building blocks of route schemas. Every limit a value has at the edge lives here (length,
 * characters, ranges, formats), so the OpenAPI document and the validator say the same thing.
 */
import { isIsoDate } from '@loanflow/platform';
import { z } from 'zod';

/** C0 control characters other than tab, line feed and carriage return; NUL among them. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A string of at most `max` characters with no control characters (PostgreSQL refuses NUL). */
export const text = (max: number, min = 0) =>
  z
    .string({ error: 'must be a string' })
    .min(min, min === 1 ? 'must not be empty' : `must be at least ${min} characters`)
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters (such as NUL)');

/** A one-line name or label: trimmed length at least one. */
export const name = (max: number) => text(max).refine((s) => s.trim() !== '', 'must not be blank');

/** Money is a decimal string in yuan: a JSON number would pass through binary floating point. */
export const money = z
  .string({ error: 'must be a decimal string such as "150000.00"' })
  .regex(/^\d{1,15}(\.\d{1,2})?$/, 'must be a decimal string such as "150000.00"')
  .meta({ examples: ['150000.00'] });

/** Money that may be negative (balances, adjustments). */
export const signedMoney = z
  .string({ error: 'must be a decimal string such as "-150.00"' })
  .regex(/^-?\d{1,15}(\.\d{1,2})?$/, 'must be a decimal string such as "-150.00"');

/** An annual rate in percent with up to four fraction digits (`3.6`, `3.6000`). */
export const rate = z
  .string({ error: 'must be a decimal string such as "3.6000"' })
  .regex(/^\d{1,2}(\.\d{1,4})?$/, 'must be a decimal string such as "3.6000"')
  .meta({ description: 'Annual rate in percent', examples: ['3.6000'] });

/** A calendar date `YYYY-MM-DD` that exists (2025-02-30 does not). */
export const isoDate = z
  .string({ error: 'must be a date in the form YYYY-MM-DD' })
  .refine(isIsoDate, 'must be a real calendar date in the form YYYY-MM-DD')
  .meta({ format: 'date', examples: ['2025-06-30'] });

/** An instant, ISO 8601 with an offset. */
export const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

export const uuid = z
  .string({ error: 'must be a UUID' })
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: 'must be a UUID',
  })
  .meta({ format: 'uuid' });

/** A whole number within bounds (JSON number; strings refused). */
export const int = (min: number, max: number) =>
  z
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** A whole number in a query string (`?pageSize=20`); out of range says the whole range. */
export const queryInt = (min: number, max: number) =>
  z
    .string({ error: 'must be a whole number, given once' })
    .regex(/^\d+$/, 'must be a whole number')
    .max(12, `must be between ${min} and ${max}`)
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, `must be between ${min} and ${max}`)
        .max(max, `must be between ${min} and ${max}`),
    );

export const queryBool = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((v) => v === 'true');

/** `?pageSize=&pageToken=` of a listing. */
export const page = {
  pageSize: queryInt(1, 100).optional(),
  pageToken: text(512).optional(),
};

/** The `{id}` of a resource identified by a UUID. */
export const idParams = z.strictObject({ id: uuid });

/** The Idempotency-Key header of a write. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
    .optional(),
});

/** RFC 9457 problem details, as every error response carries them. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    code: z.string(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), reason: z.string() })).optional(),
  })
  .catchall(z.unknown())
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

/** Words of a proto enum on the wire, from its one mapping (`@loanflow/proto` words). */
export const words = <const W extends readonly [string, ...string[]]>(values: W, what: string) =>
  z.enum(values, { error: `must be one of ${values.join(', ')} (${what})` });

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deepest nesting accepted in a JSON body: real requests are a few levels deep. */
export const MAX_JSON_DEPTH = 32;

/**
 * The first problem a parsed JSON value has before any schema looks at it: too deep, or a string
 * with a NUL (in keys too). Iterative, so that a hostile body cannot overflow the stack.
 */
export function jsonHazard(value: unknown): { field: string; reason: string } | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000'))
        return { field: path || '(body)', reason: 'must not contain NUL characters' };
      // A lone surrogate (`"\ud800"`) is no character: stored, it would become U+FFFD.
      if (LONE_SURROGATE.test(v))
        return { field: path || '(body)', reason: 'must be well-formed Unicode text' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH)
      return { field: path || '(body)', reason: `nests deeper than ${MAX_JSON_DEPTH} levels` };
    const entries = Array.isArray(v)
      ? v.map((x, i) => [`[${i}]`, x] as const)
      : Object.entries(v).map(([k, x]) => [path ? `.${k}` : k, x] as const);
    for (const [k, x] of entries) {
      const p = `${path}${k}`;
      if (k.includes('\u0000')) return { field: p, reason: 'must not contain NUL characters' };
      stack.push({ v: x, path: p, depth: depth + 1 });
    }
  }
  return undefined;
}
