/**
 * The schemas of 影像资料 (documents), the central archive and contracts: what the routes of
 * ../routes/documents.ts accept and answer. Limits live here, so the document says what the
 * gateway checks; words of proto enums come from their one mapping in @loanflow/proto.
 */
import { documentTypeWords, rateBasisWords, repaymentMethodWords } from '@loanflow/proto';
import { z } from 'zod';
import { int, isoDate, money, queryBool, rate, text, timestamp, uuid } from './schemas';

/** One of `values`; the refusal names them (tests and clients read this very sentence). */
const oneOf = <const W extends readonly [string, ...string[]]>(values: W, required?: string) =>
  z.enum(values, {
    error: (issue) =>
      issue.input === undefined && required !== undefined
        ? required
        : `must be one of ${values.join(', ')}`,
  });

const words = (w: readonly string[]) => w as unknown as readonly [string, ...string[]];

export const OWNER_KINDS = ['application', 'customer', 'loan'] as const;
export const RENDITIONS = ['original', 'thumbnail', 'preview'] as const;
export const PARTY_ROLES = ['lender', 'borrower', 'guarantor'] as const;
/** What the documents service stores (it reads the type from the bytes). */
export const DOCUMENT_MEDIA_TYPES = [
  'image/jpeg',
  'image/png',
  'image/tiff',
  'application/pdf',
] as const;

export const ownerKind = oneOf(OWNER_KINDS);
export const documentType = oneOf(words(documentTypeWords.words));
const repaymentMethodWord = oneOf(words(repaymentMethodWords.words));
const rateBasisWord = oneOf(words(rateBasisWords.words));

/** A code of the bank's own making (product, template, step): upper or lower snake case. */
const code = (max: number, reason: string) =>
  z.string({ error: reason }).regex(new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`), reason);
const productCode = z
  .string({ error: 'must be a product code such as MORTGAGE' })
  .regex(/^[A-Z][A-Z0-9_]{0,63}$/, 'must be a product code such as MORTGAGE');
const branchId = z
  .string({ error: 'must be a branch id such as SH001' })
  .regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be a branch id such as SH001');
const archiveNumber = z
  .string({ error: 'must be an archive number such as DA202600000001' })
  .regex(/^[A-Za-z0-9]{1,40}$/, 'must be an archive number such as DA202600000001');
/** A reason a person gives: required, one paragraph at most. */
const reason = z
  .string({ error: 'is required' })
  .refine((s) => s.trim() !== '', 'is required')
  .pipe(text(1000));

// Requests.

export const ownerQuery = z.strictObject({
  ownerKind,
  ownerId: uuid,
  includeSuperseded: queryBool.optional(),
});

export const renditionQuery = z.strictObject({
  rendition: oneOf(RENDITIONS).optional().meta({ description: 'Default: original' }),
});

export const DeleteDocumentRequest = z
  .strictObject({ reason: reason })
  .meta({ id: 'DeleteDocumentRequest' });

export const LegalHoldRequest = z
  .strictObject({
    hold: z.boolean({ error: 'must be true or false' }),
    reason: reason,
  })
  .meta({ id: 'LegalHoldRequest' });

export const checklistQuery = z.strictObject({
  stage: code(64, 'must be a step code such as market_routing').optional().meta({
    description: 'A step code, e.g. market_routing or investigation; default: every stage',
  }),
});

export const ArchiveRequest = z
  .strictObject({ ownerKind, ownerId: uuid, reason: reason })
  .meta({ id: 'ArchiveRequest' });

export const archiveQuery = z.strictObject({
  archiveNumber: archiveNumber.optional(),
  applicationId: uuid.optional(),
  customerId: uuid.optional(),
  branchId: branchId.optional(),
  documentType: documentType.optional(),
  archivedFrom: isoDate.optional(),
  archivedTo: isoDate.optional(),
  pageSize: z
    .string()
    .regex(/^\d{1,9}$/, 'must be from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be from 1 to 200').max(200, 'must be from 1 to 200'))
    .optional(),
  pageToken: archiveNumber.optional(),
});

export const ContractPartyInput = z
  .strictObject({
    // The service names the allowed roles (with the party's index) when one is wrong.
    role: code(20, 'must be one of lender, borrower, guarantor'),
    name: text(200),
    signerUserId: uuid.meta({
      description: 'The id of the active user who signs for the party (GET /users)',
    }),
    idNumberMasked: text(40).optional(),
    address: text(400).optional(),
  })
  .meta({ id: 'ContractPartyInput' });

export const GenerateContractRequest = z
  .strictObject({
    applicationId: uuid,
    templateCode: code(64, 'must be a template code such as MORTGAGE_LOAN').optional(),
    parties: z
      .array(ContractPartyInput, { error: 'must be a list of parties' })
      .min(2, 'needs the lender and the borrower')
      .max(6, 'names at most 6 parties'),
    amount: money.optional(),
    annualRatePercent: rate.optional(),
    termMonths: int(1, 360).optional(),
    repaymentMethod: repaymentMethodWord.optional(),
    disbursementDate: isoDate.meta({
      description: 'The loan can be opened on this business date only',
    }),
    repaymentAccount: text(60).optional(),
    // The service checks the words and ranges, reporting every problem of the terms at once.
    rateBasis: code(20, `must be one of ${rateBasisWords.words.join(', ')}`)
      .optional()
      .meta({ description: `${rateBasisWords.words.join(', ')}; default fixed` }),
    spreadBp: int(-10_000, 10_000)
      .optional()
      .meta({ description: 'LPR bases: basis points over the LPR' }),
    repricing: code(20, 'must be january_first or anniversary')
      .optional()
      .meta({ description: 'LPR bases: january_first or anniversary' }),
    repaymentDay: z
      .string()
      .regex(/^(\d{1,2}|month_end)$/, 'must be "1" to "28" or "month_end"')
      .optional()
      .meta({ description: '"1" to "28" or "month_end"; default: the disbursement date’s day' }),
    collateral: text(400)
      .optional()
      .meta({ description: 'The mortgaged property (templates with a collateral clause)' }),
  })
  .meta({ id: 'GenerateContractRequest' });

export const templateQuery = z.strictObject({ productCode: productCode.optional() });

export const SignContractRequest = z
  .strictObject({ partyRole: oneOf(PARTY_ROLES, 'is required') })
  .meta({ id: 'SignContractRequest' });

export const VerifyContractRequest = z
  .strictObject({
    pdfBase64: z
      .string({ error: 'must be the PDF in base64' })
      .max(90_000_000, 'must be at most 90000000 characters')
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be the PDF in base64')
      .optional()
      .meta({ description: 'Bytes to verify instead of the stored PDF (a copy someone received)' }),
  })
  .meta({ id: 'VerifyContractRequest' });

// Responses: field for field what the documents service answers.

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const orEmpty = <T extends z.ZodType>(s: T) => z.union([s, z.literal('')]);

export const DocumentOwner = z
  .object({ kind: z.enum(OWNER_KINDS), id: uuid })
  .meta({ id: 'DocumentOwner', description: 'The application, customer or loan a document is of' });

export const Document = z
  .object({
    id: uuid,
    owner: DocumentOwner.optional(),
    applicationId: orEmpty(uuid),
    branchId: z.string(),
    documentType: z.enum(words(documentTypeWords.words)),
    version: z.int(),
    current: z.boolean(),
    mediaType: z.enum(DOCUMENT_MEDIA_TYPES),
    size: z.string().regex(/^\d+$/).meta({ description: 'bytes (int64 as a string)' }),
    sha256,
    pages: z.int().meta({ description: '0 until known' }),
    fileName: z.string(),
    uploadedBy: z.string(),
    uploadedAt: timestamp,
    status: z.enum(['stored', 'superseded', 'archived', 'deleted']),
    hasThumbnail: z.boolean(),
    hasPreview: z.boolean(),
    archiveNumber: z.string(),
    retainUntil: orEmpty(isoDate),
    legalHold: z.boolean(),
  })
  .meta({ id: 'Document' });

export const UploadResponse = z.object({
  document: Document.optional(),
  duplicate: z
    .boolean()
    .meta({ description: 'The same bytes were already filed: that document, nothing new' }),
});
export const DocumentResponse = z.object({ document: Document.optional() });
export const DocumentList = z.object({ documents: z.array(Document) });
export const VersionList = z.object({ versions: z.array(Document) });

export const DocumentView = z
  .object({
    documentId: uuid,
    viewer: z.string(),
    viewedAt: timestamp,
    via: z.enum(['stream', 'presigned', 'thumbnail', 'preview']),
  })
  .meta({ id: 'DocumentView', description: '调阅记录: who viewed a document, when, how' });
export const ViewList = z.object({ views: z.array(DocumentView) });

export const PresignedUrl = z.object({ url: z.url(), expiresAt: timestamp });

export const ChecklistItem = z
  .object({
    stage: z.string(),
    documentType: z.enum(words(documentTypeWords.words)),
    name: z.string(),
    nameZh: z.string(),
    present: z.boolean(),
  })
  .meta({ id: 'ChecklistItem' });

export const Checklist = z
  .object({
    applicationId: uuid,
    productCode: z.string(),
    items: z.array(ChecklistItem),
    missing: z.array(z.enum(words(documentTypeWords.words))),
    complete: z.boolean(),
  })
  .meta({ id: 'Checklist', description: 'Required documents per stage, and what is missing' });

export const Archive = z
  .object({
    archiveNumber: z.string().meta({ examples: ['DA202600000001'] }),
    owner: DocumentOwner.optional(),
    archivedAt: timestamp,
    reason: z.string(),
    documents: z.int(),
    branchId: z.string(),
  })
  .meta({ id: 'Archive' });

export const ArchiveResponse = z.object({
  archive: Archive.optional(),
  alreadyArchived: z.boolean(),
});
export const ArchiveSearch = z.object({
  archives: z.array(Archive),
  documents: z.array(Document),
  nextPageToken: z.string(),
});

export const ContractParty = z
  .object({
    role: z.enum(PARTY_ROLES),
    name: z.string(),
    signerUserId: z.string().meta({ description: 'The user who signs for the party' }),
    idNumberMasked: z.string(),
    address: z.string(),
  })
  .meta({ id: 'ContractParty' });

export const ContractSignature = z
  .object({
    partyRole: z.enum(PARTY_ROLES),
    signer: z.string(),
    signedAt: orEmpty(timestamp).meta({
      description: 'Empty when verifying bytes whose signature does not say',
    }),
    timestampTime: orEmpty(timestamp).meta({ description: 'genTime of the RFC 3161 token' }),
    certificateSubject: z.string(),
    valid: z.boolean(),
    reason: z.string(),
  })
  .meta({ id: 'ContractSignature' });

export const ContractInstallment = z
  .object({
    period: z.int(),
    dueDate: isoDate,
    principal: money,
    interest: money,
    total: money,
    balance: money.meta({ description: 'Principal still owed after this installment' }),
  })
  .meta({ id: 'ContractInstallment' });

export const LoanTerms = z
  .object({
    amount: money,
    annualRatePercent: rate,
    rateBasis: rateBasisWord,
    spreadBp: z.int(),
    repricing: z.enum(['', 'january_first', 'anniversary']),
    termMonths: z.int(),
    repaymentMethod: repaymentMethodWord,
    repaymentDay: z
      .string()
      .regex(/^(|[1-9]|1\d|2[0-8]|month_end)$/)
      .meta({ examples: ['7', 'month_end'], description: 'Empty for bullet loans' }),
    disbursementDate: isoDate,
    firstDueDate: isoDate,
    maturityDate: isoDate,
    penaltyMarkupPercent: z
      .string()
      .regex(/^\d{1,4}(\.\d{1,4})?$/)
      .meta({ examples: ['50.00'] }),
    schedule: z.array(ContractInstallment),
    totalInterest: money,
    totalPayment: money,
  })
  .meta({
    id: 'LoanTerms',
    description: 'The terms the contract fixes; the loan opened under it takes every one of them',
  });

export const Contract = z
  .object({
    id: uuid,
    contractNumber: z.string(),
    applicationId: uuid,
    templateCode: z.string(),
    templateVersion: z.int(),
    parties: z.array(ContractParty),
    sha256,
    status: z.enum(['generated', 'signing', 'signed']),
    signatures: z.array(ContractSignature),
    generatedAt: timestamp,
    amount: money,
    amountInCapitals: z.string().meta({ examples: ['壹拾万元整'] }),
    loanId: orEmpty(uuid).meta({
      description: 'The loan opened under the contract, once disbursed',
    }),
    customerId: orEmpty(uuid),
    branchId: z.string(),
    productCode: z.string(),
    terms: LoanTerms.optional().meta({
      description: 'Absent on contracts made before terms were fixed in full',
    }),
  })
  .meta({ id: 'Contract' });

export const ContractResponse = z.object({ contract: Contract.optional() });

export const ContractsQuery = z.strictObject({
  applicationId: uuid.meta({ description: 'The application whose contracts are listed' }),
});
export const ContractList = z.object({ items: z.array(Contract) }).meta({
  id: 'ContractList',
  description: 'Newest first; a regenerated contract supersedes the one before',
});

export const ContractVerification = z
  .object({
    intact: z
      .boolean()
      .meta({ description: 'Every signature and timestamp verifies over these exact bytes' }),
    allPartiesSigned: z.boolean(),
    signatures: z.array(ContractSignature),
    sha256,
  })
  .meta({ id: 'ContractVerification' });

export const ContractTemplate = z
  .object({
    code: z.string().meta({ examples: ['SMALL_BUSINESS_LOAN'] }),
    version: z.int(),
    productCodes: z.array(z.string()),
    title: z.string().meta({ examples: ['小微企业经营借款合同'] }),
    requiredParties: z.array(z.enum(PARTY_ROLES)),
    clausesSummary: z
      .array(z.string())
      .meta({ description: 'Clause headings in order (借款金额, 保证担保, 抵押担保, ...)' }),
  })
  .meta({ id: 'ContractTemplate' });
export const TemplateList = z.object({ templates: z.array(ContractTemplate) });

export const DisbursementReview = z
  .object({
    applicationId: uuid,
    contract: Contract.optional().meta({ description: 'Absent when none was generated' }),
    verification: ContractVerification.optional(),
    checklist: Checklist.optional().meta({ description: 'The checklist of stage disbursement' }),
    ready: z.boolean().meta({
      description: 'Signed by every party, intact, nothing missing: a loan may be opened',
    }),
    blockers: z.array(z.string()).meta({ description: 'Why not, in words' }),
  })
  .meta({ id: 'DisbursementReview' });

// The multipart upload, as the document describes it (the handler reads the stream itself).

const beforeTheFile = 'is required (send the fields before the file)';

/** The fields of an upload, sent before the file part. */
export const uploadFields = z.strictObject({
  ownerKind: z.enum(OWNER_KINDS, {
    error: `must be one of ${OWNER_KINDS.join(', ')} (send the fields before the file)`,
  }),
  ownerId: z.string({ error: beforeTheFile }).min(1, beforeTheFile).pipe(uuid),
  documentType: z.enum(words(documentTypeWords.words), {
    error: (issue) =>
      issue.input === undefined
        ? beforeTheFile
        : `must be one of ${documentTypeWords.words.join(', ')}`,
  }),
  size: z
    .string()
    .regex(/^\d{1,12}$/, 'must be the size of the file in bytes')
    .optional()
    .meta({ description: 'Optional: the file size, checked against the bytes' }),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 of the file as 64 lower-case hex digits')
    .optional()
    .meta({
      description:
        'Optional: the SHA-256 the client computed; an upload whose bytes hash otherwise is refused',
    }),
});

export const UploadForm = uploadFields
  .extend({
    file: z.string().meta({
      format: 'binary',
      description: 'Last part (after the fields); JPEG, PNG, TIFF or PDF',
    }),
  })
  .meta({ id: 'DocumentUpload' });

/** The file part's name and declared type, as the documents service stores them. */
export const uploadFile = z.strictObject({
  fileName: text(255),
  declaredMediaType: z
    .string()
    .regex(/^[\w.+-]{1,64}\/[\w.+-]{1,64}$/, 'must be a media type such as image/jpeg'),
});
