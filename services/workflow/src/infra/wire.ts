// Hygiene of every request at the gRPC edge, after authorization and before any use case runs.
import { invalidArgument, type FieldViolation } from '@loanflow/platform';

const NUL = '\u0000';

/**
 * The fields (camelCase paths as the clients name them: `formData.members[1]`) of every string
 * that holds a NUL character, in keys too. PostgreSQL cannot store one in text, and no person
 * types one: it is bad input, never a server error.
 */
export function nulViolations(value: unknown, path = ''): FieldViolation[] {
  if (typeof value === 'string')
    return value.includes(NUL)
      ? [{ field: path || 'request', reason: 'must not contain NUL characters' }]
      : [];
  if (Array.isArray(value))
    return value.flatMap((item, index) => nulViolations(item, `${path}[${index}]`));
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const field = path ? `${path}.${key}` : key;
    return key.includes(NUL)
      ? [{ field: path || 'request', reason: 'must not contain NUL characters in its keys' }]
      : nulViolations(item, field);
  });
}

/** Refuses a request with a NUL character anywhere (INVALID_ARGUMENT, every field at once). */
export function refuseNul(request: unknown): void {
  const violations = nulViolations(request);
  if (violations.length > 0) throw invalidArgument(violations);
}
