// The validators of the routers not declared yet (accounting, post-loan, documents); declared
// routes take their limits from ./api/schemas.ts. This file goes with the last of those routers.
import { invalidArgument, type FieldViolation } from '@loanflow/platform';
import { documentTypeWords, repaymentMethodWords } from '@loanflow/proto';
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

/**
 * A word of the one vocabulary (loanflow.common.v1): the enum's words are the only ones taken,
 * and a refusal names them, so an old word ("lump_sum", "business_licence") is told what to say.
 */
export const vocabularyWord = (words: readonly string[]) =>
  z.enum(words as [string, ...string[]], { error: `must be one of ${words.join(', ')}` });
export const repaymentMethod = vocabularyWord(repaymentMethodWords.words);
export const documentType = vocabularyWord(documentTypeWords.words);
