// The post-loan records as the use cases hand them out (plain objects; the repository makes them).
import type {
  ActionKind,
  ActionOutcome,
  CaseStatus,
  CloseReason,
  PromiseStatus,
} from './collections';
import type { InspectionKind, InspectionPlan, InspectionResult } from './inspections';
import type { LitigationStatus } from './litigation';
import type { AssetType, DisposalMethod } from './repossessed-assets';

/** What the registers need to know of a loan of the loan book. */
export interface LoanRef {
  loanId: string;
  loanNumber: string;
  branchId: string;
  customerId: string;
  productCode: string;
  openedOn: string;
  status: 'active' | 'closed' | 'written_off';
  daysPastDue: number;
}

export interface PlanRecord extends InspectionPlan {
  updatedBy: string;
  updatedAt: string;
}

export interface InspectionRecord {
  id: string;
  requestId: string;
  loanId: string;
  inspectedOn: string;
  inspector: string;
  kind: InspectionKind;
  findings: string;
  riskSignals: string[];
  result: InspectionResult;
  recordedBy: string;
  createdAt: string;
}

export interface DueInspectionRecord {
  loan: LoanRef;
  lastInspectedOn?: string;
  dueOn: string;
  daysOverdue: number;
  plan: PlanRecord;
}

export interface ActionRecord {
  id: string;
  requestId: string;
  caseId: string;
  kind: ActionKind;
  actionOn: string;
  officer: string;
  contactPerson: string;
  notes: string;
  outcome: ActionOutcome;
  recordedBy: string;
  createdAt: string;
}

export interface PromiseRecord {
  id: string;
  requestId: string;
  caseId: string;
  amount: string;
  promisedDate: string;
  notes: string;
  status: PromiseStatus;
  resolvedOn?: string;
  resolutionNotes?: string;
  resolvedBy?: string;
  recordedBy: string;
  createdAt: string;
}

export interface CaseRecord {
  id: string;
  requestId: string;
  loan: LoanRef;
  status: CaseStatus;
  openedOn: string;
  officer: string;
  reason: string;
  daysPastDueAtOpen: number;
  openedBy: string;
  closedOn?: string;
  closeReason?: CloseReason;
  closeNotes?: string;
  closedBy?: string;
  createdAt: string;
  updatedAt: string;
  /** Filled when one case is read; lists leave them empty. */
  actions: ActionRecord[];
  promises: PromiseRecord[];
}

export interface StatusChangeRecord {
  /** Undefined for the filing itself. */
  fromStatus?: LitigationStatus;
  toStatus: LitigationStatus;
  changedOn: string;
  changedBy: string;
  notes: string;
  createdAt: string;
}

export interface LitigationRecord {
  id: string;
  requestId: string;
  loan: LoanRef;
  court: string;
  caseNumber: string;
  filedOn: string;
  status: LitigationStatus;
  judgementAmount?: string;
  judgementDate?: string;
  legalCosts?: string;
  notes: string;
  filedBy: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest first, starting with the filing. */
  history: StatusChangeRecord[];
}

export interface AssetRecord {
  id: string;
  requestId: string;
  loan: LoanRef;
  assetType: AssetType;
  description: string;
  valuationAmount: string;
  valuationDate: string;
  acquiredOn: string;
  settledAmount: string;
  bookValue: string;
  notes: string;
  registeredBy: string;
  createdAt: string;
  updatedAt: string;
  disposal?: {
    disposedOn: string;
    proceeds: string;
    method: DisposalMethod;
    notes: string;
    disposedBy: string;
    gainOrLoss: string;
  };
}
