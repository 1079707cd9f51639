import {
  applicationsV1 as pb,
  documentTypeWords,
  repaymentMethodWords,
  type vocabularyV1,
} from '@loanflow/proto';

/** Proto enum names → the lower-case words of the REST API. */
const word = (value: string, prefix: string): string | null =>
  value.startsWith(prefix) && !value.endsWith('UNSPECIFIED')
    ? value.slice(prefix.length).toLowerCase()
    : null;

export const customerTypeWord = (t: pb.CustomerType) => word(t, 'CUSTOMER_TYPE_');
export const methodWord = (m: vocabularyV1.RepaymentMethod) => repaymentMethodWords.word(m) ?? null;
const orNull = (s: string) => (s === '' ? null : s);

export function toPbCustomerType(t: 'individual' | 'corporate'): pb.CustomerType {
  return t === 'individual'
    ? pb.CustomerType.CUSTOMER_TYPE_INDIVIDUAL
    : pb.CustomerType.CUSTOMER_TYPE_CORPORATE;
}
/** The validators admit only the vocabulary's words, so an unknown one never gets here. */
export function toPbMethod(m: string | undefined): vocabularyV1.RepaymentMethod {
  return (
    (m && repaymentMethodWords.value(m)) ||
    ('REPAYMENT_METHOD_UNSPECIFIED' as vocabularyV1.RepaymentMethod)
  );
}
export function toPbStatus(s: string | undefined): pb.ApplicationStatus {
  return s
    ? (`APPLICATION_STATUS_${s.toUpperCase()}` as pb.ApplicationStatus)
    : pb.ApplicationStatus.APPLICATION_STATUS_UNSPECIFIED;
}

export function customerJson(c: pb.Customer) {
  return {
    id: c.id,
    type: customerTypeWord(c.type),
    name: c.name,
    branchId: c.branchId,
    individual: c.individual
      ? {
          residentIdMasked: c.individual.residentIdMasked,
          birthDate: c.individual.birthDate,
          sex: c.individual.sex,
          mobileMasked: c.individual.mobileMasked,
          address: c.individual.address,
          occupation: c.individual.occupation,
          employer: c.individual.employer,
          monthlyIncome: orNull(c.individual.monthlyIncome),
        }
      : null,
    corporate: c.corporate
      ? {
          creditCode: c.corporate.creditCode,
          legalRepresentative: c.corporate.legalRepresentative,
          registeredCapital: orNull(c.corporate.registeredCapital),
          industry: c.corporate.industry,
          annualRevenue: orNull(c.corporate.annualRevenue),
          contactMobileMasked: orNull(c.corporate.contactMobileMasked),
        }
      : null,
    createdBy: c.createdBy,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export function productJson(p: pb.Product) {
  return {
    ...p,
    customerType: customerTypeWord(p.customerType),
    repaymentMethods: p.repaymentMethods.map(methodWord),
    requiredDocuments: p.requiredDocuments.map((d) => documentTypeWords.word(d) ?? null),
  };
}

export function applicationJson(a: pb.Application) {
  return {
    id: a.id,
    customerId: a.customerId,
    customerType: customerTypeWord(a.customerType),
    customerName: a.customerName,
    productCode: a.productCode,
    branchId: a.branchId,
    amount: a.amount,
    termMonths: a.termMonths,
    repaymentMethod: methodWord(a.repaymentMethod),
    ratePercent: a.ratePercent,
    purpose: a.purpose,
    businessSituation: a.businessSituation,
    monthlyIncome: orNull(a.monthlyIncome),
    existingMonthlyDebtPayments: orNull(a.existingMonthlyDebtPayments),
    status: word(a.status, 'APPLICATION_STATUS_'),
    preAssessment: a.preAssessment
      ? {
          ruleSetVersion: a.preAssessment.ruleSetVersion,
          score: a.preAssessment.score,
          opinion: word(a.preAssessment.opinion, 'OPINION_'),
          results: a.preAssessment.results,
          assessedAt: a.preAssessment.assessedAt,
        }
      : null,
    version: a.version,
    createdBy: a.createdBy,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
    submittedAt: orNull(a.submittedAt),
    withdrawnAt: orNull(a.withdrawnAt),
    withdrawReason: orNull(a.withdrawReason),
    decidedAt: orNull(a.decidedAt),
    approvedAmount: orNull(a.approvedAmount),
    approvedRatePercent: orNull(a.approvedRatePercent),
    approvedTermMonths: a.approvedTermMonths || null,
    contractId: orNull(a.contractId),
    contractNumber: orNull(a.contractNumber),
    loanId: orNull(a.loanId),
    loanNumber: orNull(a.loanNumber),
    history: a.history.map((h) => ({
      action: h.action,
      at: h.at,
      actor: orNull(h.actor),
      reason: orNull(h.reason),
      details: h.details,
    })),
  };
}
