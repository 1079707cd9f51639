/**
 * The words of the post-loan enums on the wire (INSPECTION_KIND_ON_SITE ↔ on_site): one mapping
 * per proto enum, built from the generated enum, so the API, its document and the service agree.
 */
import { enumWords, postLoanV1 as pb, type Words } from '@loanflow/proto';

export const inspectionKindWords = enumWords(pb.InspectionKind, 'INSPECTION_KIND_');
export const inspectionResultWords = enumWords(pb.InspectionResult, 'INSPECTION_RESULT_');
export const caseStatusWords = enumWords(pb.CollectionCaseStatus, 'COLLECTION_CASE_STATUS_');
export const actionKindWords = enumWords(pb.CollectionActionKind, 'COLLECTION_ACTION_KIND_');
export const outcomeWords = enumWords(pb.CollectionOutcome, 'COLLECTION_OUTCOME_');
export const closeReasonWords = enumWords(pb.CaseCloseReason, 'CASE_CLOSE_REASON_');
export const promiseStatusWords = enumWords(pb.PaymentPromiseStatus, 'PAYMENT_PROMISE_STATUS_');
export const litigationStatusWords = enumWords(pb.LitigationStatus, 'LITIGATION_STATUS_');
export const assetTypeWords = enumWords(pb.RepossessedAssetType, 'REPOSSESSED_ASSET_TYPE_');
export const disposalMethodWords = enumWords(pb.DisposalMethod, 'DISPOSAL_METHOD_');

/** The proto value of a word the schema let through (so always one of `w.words`). */
export function valueOf<E extends string>(w: Words<E>, word: string): E {
  const value = w.value(word);
  if (value === undefined) throw new Error(`"${word}" is not one of ${w.words.join(', ')}`);
  return value;
}

/** The word of a value, null for UNSPECIFIED (a case not closed has no close reason). */
export const wordOf = <E extends string>(w: Words<E>, value: E): string | null =>
  w.word(value) ?? null;

/** The words as a zod enum's values. */
export const list = <E extends string>(w: Words<E>) => w.words as [string, ...string[]];
