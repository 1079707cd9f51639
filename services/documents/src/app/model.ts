// What the use cases take and return: plain objects in the bank's words, no rows, no proto.
import type { Principal } from '@loanflow/platform';
import type { ContractTemplate, PartyRole } from '../domain/contracts/template';
import type { ContractTerms } from '../domain/contracts/terms';

export type { ContractTemplate, PartyRole };

/** Who calls, and their token, so that peers asked on their behalf apply their own rules. */
export interface Caller {
  principal: Principal;
  token: string;
}

export type OwnerKind = 'application' | 'customer' | 'loan';
export const OWNER_KINDS: readonly OwnerKind[] = ['application', 'customer', 'loan'];

export interface OwnerRef {
  kind: string;
  id: string;
}

export interface OwnerRecord {
  kind: OwnerKind;
  id: string;
  branchId: string;
  productCode: string | null;
  customerId: string | null;
  applicationId: string | null;
  status: 'open' | 'closed' | 'archived';
  archiveNumber: string | null;
}

/** An owner as the service that keeps it describes it to the caller. */
export type OwnerDescription = Omit<OwnerRecord, 'archiveNumber'>;

export type DocumentStatus = 'stored' | 'superseded' | 'archived' | 'deleted';

export interface StoredDocument {
  id: string;
  owner: OwnerRef;
  documentType: string;
  version: number;
  mediaType: string;
  /** Bytes (a bigint column, as text). */
  size: string;
  sha256: string;
  pages: number;
  fileName: string | null;
  objectKey: string;
  thumbnailKey: string | null;
  previewKey: string | null;
  status: DocumentStatus;
  uploadedBy: string;
  uploadedAt: Date;
  retainUntil: string | null;
  legalHold: boolean;
  renditions: string;
  /** Of the owner. */
  branchId: string;
  applicationId: string | null;
  archiveNumber: string | null;
  /** Whether this is the newest version of its type. */
  current: boolean;
}

export interface DocumentType {
  code: string;
  maxBytes: number;
  mediaTypes: string[];
}

export interface DocumentView {
  documentId: string;
  viewer: string;
  viewedAt: Date;
  via: string;
}

export interface ChecklistItem {
  stage: string;
  documentType: string;
  name: string;
  nameZh: string;
  present: boolean;
}

export interface Checklist {
  applicationId: string;
  productCode: string;
  items: ChecklistItem[];
  missing: string[];
  complete: boolean;
}

export interface Archive {
  archiveNumber: string;
  owner: OwnerRef;
  archivedAt: Date;
  reason: string;
  documents: number;
  branchId: string;
}

/** A document put under retention by the archive. */
export interface ArchivedObject {
  id: string;
  objectKey: string;
  /** YYYY-MM-DD */
  retainUntil: string;
}

export interface ArchiveSearch {
  archiveNumber: string;
  applicationId: string;
  customerId: string;
  /** Branches the caller may see; undefined for every branch. */
  branches: string[] | undefined;
  archivedFrom: string;
  archivedTo: string;
  documentType: string;
  after: string;
  pageSize: number;
}

export const PARTY_ROLES: readonly PartyRole[] = ['lender', 'borrower', 'guarantor'];

/** A party as the contract names it (stored as JSON with these very keys). */
export interface ContractParty {
  role: string;
  name: string;
  signerUserId: string;
  idNumberMasked: string;
  address: string;
}

export interface Installment {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  total: string;
  balance: string;
}

/** The terms as the contract fixed them, with the schedule it printed. */
export interface StoredTerms extends ContractTerms {
  amountInCapitals: string;
  firstDueDate: string;
  maturityDate: string;
  schedule: Installment[];
  totalInterest: string;
  totalPayment: string;
}

export type ContractStatus = 'generated' | 'signing' | 'signed';

export interface Contract {
  id: string;
  contractNumber: string;
  applicationId: string;
  templateCode: string;
  templateVersion: number;
  parties: ContractParty[];
  /** Contracts made before terms were fixed in full (migration 003) hold fewer fields. */
  terms: Partial<StoredTerms> & { amount: string; amountInCapitals: string };
  objectKey: string;
  sha256: string;
  status: ContractStatus;
  generatedAt: Date;
  customerId: string | null;
  branchId: string | null;
  productCode: string | null;
  borrowerName: string | null;
  loanId: string | null;
}

export interface Signature {
  partyRole: string;
  signer: string;
  signedAt: Date;
  timestampTime: Date;
  certificatePem: string;
  cms: Buffer;
  timestampToken: Buffer;
}

/** A contract with its signatures. */
export interface SignedContract {
  contract: Contract;
  signatures: Signature[];
}

export interface SignatureCheck {
  partyRole: string;
  signer: string;
  signedAt: Date | undefined;
  timestampTime: Date | undefined;
  certificateSubject: string;
  valid: boolean;
  reason: string;
}

export interface Verification {
  intact: boolean;
  allPartiesSigned: boolean;
  sha256: string;
  signatures: SignatureCheck[];
}

export interface DisbursementReview {
  applicationId: string;
  contract: SignedContract | undefined;
  verification: Verification | undefined;
  checklist: Checklist;
  ready: boolean;
  blockers: string[];
}

/** An application as a contract needs it (the applications service's answer). */
export interface ApplicationForContract {
  id: string;
  approved: boolean;
  approvedAmount: string;
  approvedRatePercent: string;
  approvedTermMonths: number;
  /** In the vocabulary's words (older names mapped). */
  repaymentMethod: string;
  customerId: string;
  branchId: string;
  productCode: string;
}

export interface BorrowerIdentity {
  name: string;
  idNumber: string;
  address: string;
}

export interface SchedulePreview {
  installments: Installment[];
  totalInterest: string;
  totalPayment: string;
}

/** The other services the documents service asks, always as the caller. */
export interface Peers {
  describeOwner(caller: Caller, kind: OwnerKind, id: string): Promise<OwnerDescription>;
  application(caller: Caller, id: string): Promise<ApplicationForContract>;
  /** The borrower's full identity, disclosed (and recorded) for printing the contract. */
  borrowerIdentity(caller: Caller, applicationId: string): Promise<BorrowerIdentity>;
  previewSchedule(caller: Caller, terms: ContractTerms): Promise<SchedulePreview>;
}
