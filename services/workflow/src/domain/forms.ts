// The form of a user task: a JSON Schema (draft 2020-12) of the formData its completion takes,
// embedded in the BPMN (so it is deployed and versioned with the definition) and checked with
// ajv. Two annotations of our own carry what a schema cannot say alone:
//   x-loanflow-assigns: "<user task id>"  — the field names the user(s) who will hold that step's
//     task; they must exist, be active and hold one of its candidate groups (checked in app/).
//   x-loanflow-required-when: "<FEEL>"     — the field is required when the condition holds over
//     the process variables (e.g. only loans that go to the committee need committee members).
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import type { Feel, JsonValue, Variables } from './feel';

export type FormSchema = { [key: string]: JsonValue };

export const ASSIGNS = 'x-loanflow-assigns';
export const REQUIRED_WHEN = 'x-loanflow-required-when';

export interface FormViolation {
  /** Path from the request body, e.g. `formData.committeeMembers[1]`. */
  field: string;
  reason: string;
}

// verbose: errors carry their schema, whose description words the reason.
const ajv = new Ajv2020({ allErrors: true, strict: true, verbose: true });
ajv.addKeyword({ keyword: ASSIGNS, schemaType: 'string' });
ajv.addKeyword({ keyword: REQUIRED_WHEN, schemaType: 'string' });

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Compiled validators by schema text: a definition's forms never change once deployed. */
const compiled = new Map<string, ValidateFunction>();
const COMPILED_KEPT = 500;

function validatorOf(schema: FormSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    if (compiled.size >= COMPILED_KEPT) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, validate);
  }
  return validate;
}

/** The fields of a form (its top-level properties). */
export function formFields(schema: FormSchema): Record<string, FormSchema> {
  return isObject(schema.properties) ? (schema.properties as Record<string, FormSchema>) : {};
}

/** Problems of a form as deployed: it must be an object schema ajv compiles. */
export function formSchemaProblems(schema: unknown): string[] {
  if (!isObject(schema)) return ['the form must be a JSON Schema object'];
  if (schema.type !== 'object') return ['the form must be a schema of "type": "object"'];
  try {
    ajv.compile(schema);
  } catch (error) {
    return [`the form is not a valid JSON Schema: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  for (const [name, field] of Object.entries(formFields(schema as FormSchema))) {
    const when = field[REQUIRED_WHEN];
    if (when !== undefined && (typeof when !== 'string' || when.trim() === ''))
      problems.push(`field "${name}": ${REQUIRED_WHEN} must be a FEEL condition`);
  }
  return problems;
}

const pathOf = (instancePath: string): string =>
  instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');

function violationOf(error: ErrorObject, schema: FormSchema): FormViolation {
  const at = `formData${pathOf(error.instancePath)}`;
  switch (error.keyword) {
    case 'required':
      return { field: `${at}.${String(error.params.missingProperty)}`, reason: 'is required' };
    case 'additionalProperties':
      return {
        field: `${at}.${String(error.params.additionalProperty)}`,
        reason: `is not a field of this form (fields: ${Object.keys(formFields(schema)).join(', ') || 'none'})`,
      };
    case 'pattern': {
      const examples = (error.parentSchema as { examples?: unknown[] } | undefined)?.examples;
      const example = Array.isArray(examples) && examples.length > 0 ? examples[0] : undefined;
      const description = (error.parentSchema as { description?: unknown } | undefined)
        ?.description;
      return {
        field: at,
        reason:
          typeof description === 'string'
            ? `must be ${description}${example === undefined ? '' : ` (e.g. ${JSON.stringify(example)})`}`
            : `must match ${String(error.params.pattern)}`,
      };
    }
    default:
      return { field: at, reason: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Checks formData against the form. Approving needs every required field; rejecting (or sending
 * back) needs none, but what is given must still be right. Conditionally required fields
 * (`x-loanflow-required-when`) are judged on the process variables with the formData merged in.
 */
export function validateFormData(
  schema: FormSchema,
  formData: Variables,
  opts: { approving: boolean; variables: Variables; feel: Feel },
): FormViolation[] {
  const effective = opts.approving ? schema : { ...schema, required: [] };
  const validate = validatorOf(effective);
  const violations: FormViolation[] = validate(formData)
    ? []
    : (validate.errors ?? []).map((error) => violationOf(error, schema));
  if (!opts.approving) return violations;
  const variables = { ...opts.variables, ...formData };
  for (const [name, field] of Object.entries(formFields(schema))) {
    const when = field[REQUIRED_WHEN];
    if (typeof when !== 'string' || formData[name] !== undefined) continue;
    let required: boolean;
    try {
      required = opts.feel.isTrue(when, variables);
    } catch {
      // A condition that cannot be judged (a variable not set yet) asks for nothing.
      required = false;
    }
    if (required)
      violations.push({ field: `formData.${name}`, reason: `is required when ${when}` });
  }
  return violations;
}

/** Integer hundredths (amounts) or ten-thousandths (rates) of a decimal string, if it is one. */
function scaled(text: unknown, places: number): bigint | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m || (m[2] ?? '').length > places) return undefined;
  return BigInt(m[1]! + (m[2] ?? '').padEnd(places, '0'));
}

/** The platform's ceiling on annual rates (applications refuses a decision at or above it). */
const RATE_CEILING = scaled('36', 4)!;

/**
 * A recommendation or approval stays within what was applied for: an amount above nought and
 * at most the amount applied for, a rate above nought and below the platform's ceiling, a term
 * of at most the months applied for. A decision beyond that would be refused by the applications
 * service after the process had ended, leaving the application with no step to act on.
 */
export function termsWithinApplication(formData: Variables, variables: Variables): FormViolation[] {
  const violations: FormViolation[] = [];
  const applied = scaled(variables.amountText, 2);
  for (const name of ['recommendedAmount', 'approvedAmount']) {
    const amount = scaled(formData[name], 2);
    if (amount === undefined) continue;
    if (amount <= 0n) violations.push({ field: `formData.${name}`, reason: 'must be above 0.00' });
    else if (applied !== undefined && amount > applied)
      violations.push({
        field: `formData.${name}`,
        reason: `must not exceed the ${String(variables.amountText)} applied for`,
      });
  }
  for (const name of ['recommendedRatePercent', 'approvedRatePercent']) {
    const rate = scaled(formData[name], 4);
    if (rate === undefined) continue;
    if (rate <= 0n || rate >= RATE_CEILING)
      violations.push({
        field: `formData.${name}`,
        reason: 'must be above 0 and below 36 % a year',
      });
  }
  const appliedTerm = typeof variables.termMonths === 'number' ? variables.termMonths : undefined;
  for (const name of ['recommendedTermMonths', 'approvedTermMonths']) {
    const term = formData[name];
    if (typeof term !== 'number') continue;
    if (term < 1)
      violations.push({ field: `formData.${name}`, reason: 'must be at least 1 month' });
    else if (appliedTerm !== undefined && term > appliedTerm)
      violations.push({
        field: `formData.${name}`,
        reason: `must not exceed the ${appliedTerm} months applied for`,
      });
  }
  return violations;
}

/** A user named in formData, and the step whose task they will hold. */
export interface UserReference {
  field: string;
  value: string;
  /** The user task id named by `x-loanflow-assigns`. */
  step: string;
}

/** The users a (valid) formData names in fields marked `x-loanflow-assigns`. */
export function userReferences(schema: FormSchema, formData: Variables): UserReference[] {
  const references: UserReference[] = [];
  for (const [name, field] of Object.entries(formFields(schema))) {
    const step = field[ASSIGNS];
    const value = formData[name];
    if (typeof step !== 'string' || value === undefined || value === null) continue;
    if (typeof value === 'string') references.push({ field: `formData.${name}`, value, step });
    else if (Array.isArray(value))
      value.forEach((item, index) => {
        if (typeof item === 'string')
          references.push({ field: `formData.${name}[${index}]`, value: item, step });
      });
  }
  return references;
}

/** formData with each named user replaced by their id (a username given is stored as the id). */
export function withUserIds(formData: Variables, ids: Map<string, string>): Variables {
  const out: Variables = { ...formData };
  for (const [field, id] of ids) {
    const m = /^formData\.([^.[]+)(?:\[(\d+)\])?$/.exec(field);
    if (!m) continue;
    const name = m[1]!;
    if (m[2] === undefined) out[name] = id;
    else {
      const list = [...((out[name] as JsonValue[] | undefined) ?? [])];
      list[Number(m[2])] = id;
      out[name] = list;
    }
  }
  return out;
}
