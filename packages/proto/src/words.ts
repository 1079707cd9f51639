import * as vocabularyV1 from './gen/loanflow/common/v1/vocabulary';

/**
 * A proto enum as the API and the events speak it: each value's name without the enum prefix,
 * in lower snake case (REPAYMENT_METHOD_INTEREST_ONLY ↔ "interest_only"). The one mapping per
 * enum, so no service or validator retypes the list.
 */
export interface Words<E extends string> {
  /** Every word, in the proto's order, without UNSPECIFIED. */
  readonly words: readonly string[];
  /** The word of a value; undefined for UNSPECIFIED and values this build does not know. */
  word(value: E): string | undefined;
  /** The value of a word; undefined for a word that is not one. */
  value(word: string): E | undefined;
}

export function enumWords<E extends string>(values: Record<string, E>, prefix: string): Words<E> {
  const byWord = new Map<string, E>();
  for (const v of Object.values(values)) {
    if (v.startsWith(prefix) && v !== `${prefix}UNSPECIFIED`)
      byWord.set(v.slice(prefix.length).toLowerCase(), v);
  }
  const byValue = new Map([...byWord].map(([w, v]) => [v, w]));
  return {
    words: [...byWord.keys()],
    word: (value) => byValue.get(value),
    value: (word) => byWord.get(word),
  };
}

export const repaymentMethodWords = enumWords(vocabularyV1.RepaymentMethod, 'REPAYMENT_METHOD_');
export const documentTypeWords = enumWords(vocabularyV1.DocumentType, 'DOCUMENT_TYPE_');
export const rateBasisWords = enumWords(vocabularyV1.RateBasis, 'RATE_BASIS_');
export const roleWords = enumWords(vocabularyV1.Role, 'ROLE_');
