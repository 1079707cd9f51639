import { invalidArgument, type FieldViolation } from '@loanflow/platform';
import {
  applicationsV1,
  documentTypeWords,
  enumWords,
  repaymentMethodWords,
} from '@loanflow/proto';
import { z } from 'zod';

/** Parses a body or query with a strict schema; every problem becomes a field violation. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix = '',
): z.infer<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const violations: FieldViolation[] = [];
  for (const issue of parsed.error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        violations.push({
          field: [path, key].filter(Boolean).join('.'),
          reason: 'is not a known field',
        });
    } else {
      violations.push({ field: path || '(body)', reason: issue.message });
    }
  }
  throw invalidArgument(violations);
}

// Money travels as a decimal string: a JSON number would pass through binary floating point.
export const money = z.string({ error: 'must be a decimal string such as "150000.00"' }).max(32);
const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

export const customerBody = z.strictObject({
  type: z.enum(['individual', 'corporate'], { error: 'must be individual or corporate' }),
  name: text(200),
  branchId: text(32).optional(),
  individual: z
    .strictObject({
      residentId: text(32),
      mobile: text(32),
      address: text(500).optional(),
      occupation: text(100).optional(),
      employer: text(200).optional(),
      monthlyIncome: money.optional(),
    })
    .optional(),
  corporate: z
    .strictObject({
      creditCode: text(32),
      legalRepresentative: text(100),
      registeredCapital: money.optional(),
      industry: text(100).optional(),
      annualRevenue: money.optional(),
      contactMobile: text(32).optional(),
    })
    .optional(),
});

/**
 * A word of the one vocabulary (loanflow.common.v1): the enum's words are the only ones taken,
 * and a refusal names them, so an old word ("lump_sum", "business_licence") is told what to say.
 */
export const vocabularyWord = (words: readonly string[]) =>
  z.enum(words as [string, ...string[]], { error: `must be one of ${words.join(', ')}` });
export const repaymentMethod = vocabularyWord(repaymentMethodWords.words);
export const documentType = vocabularyWord(documentTypeWords.words);

const draftShape = {
  customerId: text(64),
  productCode: text(64),
  amount: money,
  termMonths: z
    .number({ error: 'must be a whole number of months' })
    .int('must be a whole number of months'),
  repaymentMethod,
  ratePercent: z.string({ error: 'must be a decimal string such as "4.35"' }).max(16).optional(),
  purpose: text(1000),
  businessSituation: text(4000).optional(),
  monthlyIncome: money.optional(),
  existingMonthlyDebtPayments: money.optional(),
};

export const applicationBody = z.strictObject(draftShape);
export const applicationPatch = z.strictObject(
  Object.fromEntries(Object.entries(draftShape).map(([k, v]) => [k, v.optional()])) as {
    [K in keyof typeof draftShape]: z.ZodOptional<(typeof draftShape)[K]>;
  },
);

export const APPLICATION_STATUSES = enumWords(
  applicationsV1.ApplicationStatus,
  'APPLICATION_STATUS_',
).words as [string, ...string[]];

export const withdrawBody = z.strictObject({ reason: text(1000) });
export const loginBody = z.strictObject({ username: text(64), password: text(256) });

// Without their own messages, int/min/max would report the type's message ("must be a number") for 0 or 500.
const pageSize = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be between 1 and 100')
  .max(100, 'must be between 1 and 100')
  .optional();
export const customerQuery = z.strictObject({
  residentId: text(32).optional(),
  creditCode: text(32).optional(),
  mobile: text(32).optional(),
  name: text(200).optional(),
  pageSize,
  pageToken: text(512).optional(),
});
export const applicationQuery = z.strictObject({
  status: z
    .enum(APPLICATION_STATUSES, { error: `must be one of ${APPLICATION_STATUSES.join(', ')}` })
    .optional(),
  customerId: text(64).optional(),
  productCode: text(64).optional(),
  branchId: text(32).optional(),
  pageSize,
  pageToken: text(512).optional(),
});
