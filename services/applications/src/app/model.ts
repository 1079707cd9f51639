import type { Assessment } from '../domain/preassessment';
import type { RepaymentMethod } from '../domain/schedule';

export type CustomerType = 'individual' | 'corporate';

interface CustomerBase {
  id: string;
  name: string;
  branchId: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** Blind index of the identity number; used for the blacklist, never shown. */
  identityIndex?: string;
}

export interface IndividualCustomer extends CustomerBase {
  type: 'individual';
  individual: {
    residentIdMasked: string;
    birthDate: string;
    sex: 'male' | 'female';
    mobileMasked: string;
    address: string;
    occupation: string;
    employer: string;
    monthlyIncome?: string;
  };
}

export interface CorporateCustomer extends CustomerBase {
  type: 'corporate';
  corporate: {
    creditCode: string;
    legalRepresentative: string;
    registeredCapital?: string;
    industry: string;
    annualRevenue?: string;
    contactMobileMasked: string;
  };
}

export type Customer = IndividualCustomer | CorporateCustomer;

/**
 * draft → submitted → approved → contracted → disbursed; or withdrawn (draft, submitted,
 * approved), rejected (by the approval process), declined (by a knockout rule at submission),
 * expired (submitted or approved too long).
 */
export type ApplicationStatus =
  | 'draft'
  | 'submitted'
  | 'withdrawn'
  | 'approved'
  | 'rejected'
  | 'contracted'
  | 'disbursed'
  | 'declined'
  | 'expired';

export type HistoryAction = Exclude<ApplicationStatus, 'draft'>;

/** One step of an application's life, as GET shows it. */
export interface HistoryEntry {
  action: HistoryAction;
  at: string;
  /** User id; absent when a service did it. */
  actor?: string;
  reason?: string;
  details: Record<string, string>;
}

export interface StoredAssessment extends Assessment {
  assessedAt: string;
}

export interface LoanApplication {
  id: string;
  customerId: string;
  customerType: CustomerType;
  customerName: string;
  productCode: string;
  branchId: string;
  amount: string;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  ratePercent: string;
  purpose: string;
  businessSituation: string;
  monthlyIncome?: string;
  existingMonthlyDebtPayments?: string;
  status: ApplicationStatus;
  assessment?: StoredAssessment;
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  submittedAt?: string;
  withdrawnAt?: string;
  withdrawReason?: string;
  decidedAt?: string;
  approvedAmount?: string;
  approvedRatePercent?: string;
  approvedTermMonths?: number;
  contractId?: string;
  contractNumber?: string;
  loanId?: string;
  loanNumber?: string;
  /** Oldest first; loaded for one application, not for lists. */
  history?: HistoryEntry[];
}
