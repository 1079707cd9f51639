import {
  applicationsV1 as pb,
  documentTypeWords,
  repaymentMethodWords,
  type vocabularyV1,
} from '@loanflow/proto';
import { Decimal } from 'decimal.js';
import { isRepaymentMethod, type RepaymentMethod } from '../domain/schedule';
import { validityOf, type LoanProduct } from '../domain/products';
import type { Opinion } from '../domain/preassessment';
import type { ApplicationStatus, Customer, CustomerType, LoanApplication } from '../app/model';

const CUSTOMER_TYPE: Record<CustomerType, pb.CustomerType> = {
  individual: pb.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
  corporate: pb.CustomerType.CUSTOMER_TYPE_CORPORATE,
};
const STATUS: Record<ApplicationStatus, pb.ApplicationStatus> = {
  draft: pb.ApplicationStatus.APPLICATION_STATUS_DRAFT,
  submitted: pb.ApplicationStatus.APPLICATION_STATUS_SUBMITTED,
  withdrawn: pb.ApplicationStatus.APPLICATION_STATUS_WITHDRAWN,
  approved: pb.ApplicationStatus.APPLICATION_STATUS_APPROVED,
  rejected: pb.ApplicationStatus.APPLICATION_STATUS_REJECTED,
  contracted: pb.ApplicationStatus.APPLICATION_STATUS_CONTRACTED,
  disbursed: pb.ApplicationStatus.APPLICATION_STATUS_DISBURSED,
  declined: pb.ApplicationStatus.APPLICATION_STATUS_DECLINED,
  expired: pb.ApplicationStatus.APPLICATION_STATUS_EXPIRED,
};
const OPINION: Record<Opinion, pb.Opinion> = {
  recommend: pb.Opinion.OPINION_RECOMMEND,
  caution: pb.Opinion.OPINION_CAUTION,
  decline: pb.Opinion.OPINION_DECLINE,
};

const invert = <K extends string, V extends string>(m: Record<K, V>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K | undefined>;
const customerTypeOf = invert(CUSTOMER_TYPE);
const statusOf = invert(STATUS);

/** The common vocabulary's value of a method word (methods come from the one proto enum). */
const methodValue = (m: string): vocabularyV1.RepaymentMethod =>
  repaymentMethodWords.value(m) ?? ('REPAYMENT_METHOD_UNSPECIFIED' as vocabularyV1.RepaymentMethod);
const documentValue = (d: string): vocabularyV1.DocumentType =>
  documentTypeWords.value(d) ?? ('DOCUMENT_TYPE_UNSPECIFIED' as vocabularyV1.DocumentType);

/** Every rate the service answers: percent with exactly four fraction digits ("4.2000"). */
export const rateText = (r: string): string => (r ? new Decimal(r).toFixed(4) : '');

export const toPbCustomerType = (t: CustomerType) => CUSTOMER_TYPE[t];
export const toPbMethod = methodValue;
export const toPbOpinion = (o: Opinion) => OPINION[o];
/** '' for UNSPECIFIED or unknown values: callers report the field. */
export const fromPbCustomerType = (t: pb.CustomerType): CustomerType | '' =>
  customerTypeOf[t] ?? '';
export const fromPbMethod = (m: vocabularyV1.RepaymentMethod): RepaymentMethod | '' => {
  const word = repaymentMethodWords.word(m) ?? '';
  return isRepaymentMethod(word) ? word : '';
};
export const fromPbStatus = (s: pb.ApplicationStatus): ApplicationStatus | undefined => statusOf[s];

export function customerToPb(c: Customer): pb.Customer {
  return pb.Customer.fromPartial({
    id: c.id,
    type: CUSTOMER_TYPE[c.type],
    name: c.name,
    branchId: c.branchId,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    individual:
      c.type === 'individual'
        ? { ...c.individual, monthlyIncome: c.individual.monthlyIncome ?? '' }
        : undefined,
    corporate:
      c.type === 'corporate'
        ? {
            ...c.corporate,
            registeredCapital: c.corporate.registeredCapital ?? '',
            annualRevenue: c.corporate.annualRevenue ?? '',
          }
        : undefined,
  });
}

export function productToPb(p: LoanProduct): pb.Product {
  return pb.Product.fromPartial({
    ...p,
    customerType: CUSTOMER_TYPE[p.customerType],
    repaymentMethods: p.repaymentMethods.map(methodValue),
    minRatePercent: rateText(p.minRatePercent),
    maxRatePercent: rateText(p.maxRatePercent),
    referenceRatePercent: rateText(p.referenceRatePercent),
    requiredDocuments: p.requiredDocuments.map(documentValue),
    decisionValidityDays: validityOf(p).decisionDays,
    approvalValidityDays: validityOf(p).approvalDays,
  });
}

export function applicationToPb(a: LoanApplication): pb.Application {
  const { assessment, history, ...rest } = a;
  return pb.Application.fromPartial({
    ...rest,
    customerType: CUSTOMER_TYPE[a.customerType],
    repaymentMethod: methodValue(a.repaymentMethod),
    ratePercent: rateText(a.ratePercent),
    status: STATUS[a.status],
    monthlyIncome: a.monthlyIncome ?? '',
    existingMonthlyDebtPayments: a.existingMonthlyDebtPayments ?? '',
    submittedAt: a.submittedAt ?? '',
    withdrawnAt: a.withdrawnAt ?? '',
    withdrawReason: a.withdrawReason ?? '',
    decidedAt: a.decidedAt ?? '',
    approvedAmount: a.approvedAmount ?? '',
    approvedRatePercent: rateText(a.approvedRatePercent ?? ''),
    approvedTermMonths: a.approvedTermMonths ?? 0,
    contractId: a.contractId ?? '',
    contractNumber: a.contractNumber ?? '',
    loanId: a.loanId ?? '',
    loanNumber: a.loanNumber ?? '',
    history: (history ?? []).map((h) => ({
      action: h.action,
      at: h.at,
      actor: h.actor ?? '',
      reason: h.reason ?? '',
      details: h.details,
    })),
    preAssessment: assessment
      ? {
          ruleSetVersion: assessment.ruleSetVersion,
          score: assessment.score,
          opinion: OPINION[assessment.opinion],
          results: assessment.results,
          assessedAt: assessment.assessedAt,
        }
      : undefined,
  });
}
