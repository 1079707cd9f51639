/** An RFC 9457 problem from the gateway, with its field errors (`errors`: where and why). */
export interface FieldError {
  /** The field's path as the API names it (`amount`, `body.termMonths`, `items.0.price`). */
  field: string;
  message: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail?: string;
  readonly errors: FieldError[];
  readonly type?: string;

  constructor(status: number, problem: unknown) {
    const p = (problem ?? {}) as Record<string, unknown>;
    const title = typeof p.title === 'string' ? p.title : `HTTP ${status}`;
    const detail = typeof p.detail === 'string' ? p.detail : undefined;
    super(detail ?? title);
    this.name = 'ApiError';
    this.status = status;
    this.title = title;
    this.detail = detail;
    this.type = typeof p.type === 'string' ? p.type : undefined;
    this.errors = fieldErrors(p.errors);
  }
}

/** The `errors` member of a problem, whatever its shape (a list of {field|pointer, message}). */
export function fieldErrors(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e): FieldError[] => {
    if (typeof e !== 'object' || e === null) return [];
    const r = e as Record<string, unknown>;
    const where = [r.field, r.path, r.pointer, r.name].find((v) => typeof v === 'string') as
      string | undefined;
    const message = [r.message, r.detail, r.reason].find((v) => typeof v === 'string') as
      string | undefined;
    if (!message) return [];
    return [{ field: normaliseField(where ?? ''), message }];
  });
}

/** `/body/amount`, `body.amount`, `amount` → `amount`; `items/0/price` → `items.0.price`. */
export function normaliseField(field: string): string {
  return field
    .replace(/^#?\//, '')
    .replace(/\//g, '.')
    .replace(/^(body|query|params|headers)\./, '');
}

/**
 * For an antd Form: the errors as `form.setFields` takes them, each under the field it names
 * (a dotted path becomes the name path); those naming no field of the form come back in `rest`.
 */
export function formFieldErrors(
  error: unknown,
  fieldNames: readonly string[],
): { fields: { name: (string | number)[]; errors: string[] }[]; rest: string[] } {
  if (!(error instanceof ApiError)) return { fields: [], rest: [String(error)] };
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  for (const e of error.errors) {
    const top = e.field.split('.')[0] ?? '';
    if (e.field && fieldNames.includes(top)) {
      byField.set(e.field, [...(byField.get(e.field) ?? []), e.message]);
    } else rest.push(e.field ? `${e.field}: ${e.message}` : e.message);
  }
  if (error.errors.length === 0) rest.push(error.message);
  return {
    fields: [...byField].map(([field, errors]) => ({
      name: field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors,
    })),
    rest,
  };
}
