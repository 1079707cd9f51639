import { invalidArgument, type FieldViolation } from './errors';

/**
 * Every string of a request that holds a NUL character, by field path (`individual.address`,
 * `ids[2]`). PostgreSQL refuses U+0000 in text, and no name, purpose or address of the bank has
 * one: such input is refused as a bad argument before any SQL, not failed on as a server error.
 */
export function nulViolations(value: unknown, path = ''): FieldViolation[] {
  if (typeof value === 'string')
    return value.includes('\u0000')
      ? [{ field: path || 'request', reason: 'must not contain a NUL character' }]
      : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => nulViolations(item, `${path}[${i}]`));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array))
    return Object.entries(value).flatMap(([key, item]) =>
      nulViolations(item, path ? `${path}.${key}` : key),
    );
  return [];
}

/** Refuses (INVALID_ARGUMENT, each field named) a request with a NUL character in any string. */
export function rejectNulCharacters(request: unknown): void {
  const found = nulViolations(request);
  if (found.length > 0) throw invalidArgument(found);
}

/** The handlers, each refusing a request with a NUL character before it runs (see nulViolations). */
export function refusingNul<
  S extends Record<string, (request: never, ...rest: never[]) => unknown>,
>(handlers: S): S {
  return Object.fromEntries(
    Object.entries(handlers).map(([method, handler]) => [
      method,
      async (request: unknown, ...rest: unknown[]) => {
        rejectNulCharacters(request);
        return (handler as (request: unknown, ...rest: unknown[]) => unknown)(request, ...rest);
      },
    ]),
  ) as unknown as S;
}
