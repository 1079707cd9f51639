// The use cases' objects as the gRPC API and the events carry them, and back: the one place that
// knows the proto.
import {
  documentTypeWords,
  rateBasisWords,
  repaymentMethodWords,
  documentsV1 as pb,
  vocabularyV1,
} from '@loanflow/proto';
import type {
  Archive,
  Checklist,
  Contract,
  ContractParty,
  DocumentView,
  SignedContract,
  StoredDocument,
  Verification,
} from '../app/model';
import type { RateBasisWord, RepaymentMethodWord } from '../domain/contracts/terms';

export const rateBasisEnum = (w: RateBasisWord): vocabularyV1.RateBasis => rateBasisWords.value(w)!;
export const repaymentMethodEnum = (w: RepaymentMethodWord): vocabularyV1.RepaymentMethod =>
  repaymentMethodWords.value(w)!;

/** The repayment method of an application in the vocabulary's words (older names mapped). */
export function repaymentMethodWord(method: vocabularyV1.RepaymentMethod | string): string {
  const prefix = 'REPAYMENT_METHOD_';
  const word =
    repaymentMethodWords.word(method as vocabularyV1.RepaymentMethod) ??
    (method.startsWith(prefix) ? method.slice(prefix.length).toLowerCase() : '');
  const legacy: Record<string, string> = {
    interest_only_bullet: 'interest_only',
    lump_sum: 'bullet',
  };
  return legacy[word] ?? word;
}

export function documentToPb(d: StoredDocument): pb.Document {
  return {
    id: d.id,
    owner: { kind: d.owner.kind, id: d.owner.id },
    applicationId: d.applicationId ?? '',
    branchId: d.branchId,
    documentType: d.documentType,
    version: d.version,
    current: d.current && d.status !== 'deleted',
    mediaType: d.mediaType,
    size: d.size,
    sha256: d.sha256,
    pages: d.pages,
    fileName: d.fileName ?? '',
    uploadedBy: d.uploadedBy,
    uploadedAt: d.uploadedAt.toISOString(),
    status: d.status,
    hasThumbnail: d.thumbnailKey !== null,
    hasPreview: d.previewKey !== null,
    archiveNumber: d.archiveNumber ?? '',
    retainUntil: d.retainUntil ?? '',
    legalHold: d.legalHold,
  };
}

export const viewToPb = (v: DocumentView): pb.DocumentView => ({
  documentId: v.documentId,
  viewer: v.viewer,
  viewedAt: v.viewedAt.toISOString(),
  via: v.via,
});

export const checklistToPb = (c: Checklist): pb.GetChecklistResponse => ({
  applicationId: c.applicationId,
  productCode: c.productCode,
  items: c.items.map((i) => ({ ...i })),
  missing: c.missing,
  complete: c.complete,
});

export const archiveToPb = (a: Archive): pb.Archive => ({
  archiveNumber: a.archiveNumber,
  owner: { kind: a.owner.kind, id: a.owner.id },
  archivedAt: a.archivedAt.toISOString(),
  reason: a.reason,
  documents: a.documents,
  branchId: a.branchId,
});

/** A party as the caller named it; the keys are those stored with the contract. */
export const partyFromPb = (p: pb.ContractParty): ContractParty => ({
  role: p.role,
  name: p.name,
  signerUserId: p.signerUserId,
  idNumberMasked: p.idNumberMasked,
  address: p.address,
});

/** The terms of a contract as the wire carries them (LoanTerms); none for a contract made before. */
export function loanTermsOf(t: Contract['terms']): pb.LoanTerms | undefined {
  if (!t.schedule || !t.repaymentMethod || !t.annualRatePercent) return undefined;
  return pb.LoanTerms.fromPartial({
    amount: t.amount,
    annualRatePercent: t.annualRatePercent,
    rateBasis: rateBasisEnum(t.rateBasis ?? 'fixed'),
    spreadBp: t.spreadBp ?? 0,
    repricing: t.repricing ?? '',
    termMonths: t.termMonths,
    repaymentMethod: repaymentMethodEnum(t.repaymentMethod),
    repaymentDay: t.repaymentDay ?? '',
    disbursementDate: t.disbursementDate,
    firstDueDate: t.firstDueDate,
    maturityDate: t.maturityDate,
    penaltyMarkupPercent: t.penaltyMarkupPercent,
    schedule: t.schedule,
    totalInterest: t.totalInterest,
    totalPayment: t.totalPayment,
  });
}

export function contractToPb({ contract: c, signatures }: SignedContract): pb.Contract {
  return pb.Contract.fromPartial({
    id: c.id,
    contractNumber: c.contractNumber,
    applicationId: c.applicationId,
    templateCode: c.templateCode,
    templateVersion: c.templateVersion,
    parties: c.parties,
    sha256: c.sha256,
    status: c.status,
    signatures: signatures.map((s) => ({
      partyRole: s.partyRole,
      signer: s.signer,
      signedAt: s.signedAt.toISOString(),
      timestampTime: s.timestampTime.toISOString(),
      certificateSubject: '',
      valid: true,
      reason: '',
    })),
    generatedAt: c.generatedAt.toISOString(),
    amount: c.terms.amount,
    amountInCapitals: c.terms.amountInCapitals,
    loanId: c.loanId ?? '',
    terms: loanTermsOf(c.terms),
    customerId: c.customerId ?? '',
    branchId: c.branchId ?? '',
    productCode: c.productCode ?? '',
  });
}

export const verificationToPb = (v: Verification): pb.VerifyContractResponse => ({
  intact: v.intact,
  allPartiesSigned: v.allPartiesSigned,
  sha256: v.sha256,
  signatures: v.signatures.map((s) => ({
    partyRole: s.partyRole,
    signer: s.signer,
    signedAt: s.signedAt ? s.signedAt.toISOString() : '',
    timestampTime: s.timestampTime ? s.timestampTime.toISOString() : '',
    certificateSubject: s.certificateSubject,
    valid: s.valid,
    reason: s.reason,
  })),
});

/** The document types of the vocabulary (proto DocumentType), for telling a caller the choice. */
export const DOCUMENT_TYPES: readonly string[] = documentTypeWords.words;
