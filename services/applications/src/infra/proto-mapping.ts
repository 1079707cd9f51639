import { applicationsV1 as pb } from '@loanflow/proto';
import type { RepaymentMethod } from '../domain/schedule';
import type { LoanProduct } from '../domain/products';
import type { Opinion } from '../domain/preassessment';
import type { ApplicationStatus, Customer, CustomerType, LoanApplication } from '../app/model';

const CUSTOMER_TYPE: Record<CustomerType, pb.CustomerType> = {
  individual: pb.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
  corporate: pb.CustomerType.CUSTOMER_TYPE_CORPORATE,
};
const METHOD: Record<RepaymentMethod, pb.RepaymentMethod> = {
  equal_installments: pb.RepaymentMethod.REPAYMENT_METHOD_EQUAL_INSTALLMENTS,
  equal_principal: pb.RepaymentMethod.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
  interest_only_bullet: pb.RepaymentMethod.REPAYMENT_METHOD_INTEREST_ONLY_BULLET,
  lump_sum: pb.RepaymentMethod.REPAYMENT_METHOD_LUMP_SUM,
};
const STATUS: Record<ApplicationStatus, pb.ApplicationStatus> = {
  draft: pb.ApplicationStatus.APPLICATION_STATUS_DRAFT,
  submitted: pb.ApplicationStatus.APPLICATION_STATUS_SUBMITTED,
  withdrawn: pb.ApplicationStatus.APPLICATION_STATUS_WITHDRAWN,
  approved: pb.ApplicationStatus.APPLICATION_STATUS_APPROVED,
  rejected: pb.ApplicationStatus.APPLICATION_STATUS_REJECTED,
};
const OPINION: Record<Opinion, pb.Opinion> = {
  recommend: pb.Opinion.OPINION_RECOMMEND,
  caution: pb.Opinion.OPINION_CAUTION,
  decline: pb.Opinion.OPINION_DECLINE,
};

const invert = <K extends string, V extends string>(m: Record<K, V>) =>
  Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k])) as Record<string, K | undefined>;
const customerTypeOf = invert(CUSTOMER_TYPE);
const methodOf = invert(METHOD);
const statusOf = invert(STATUS);

export const toPbCustomerType = (t: CustomerType) => CUSTOMER_TYPE[t];
export const toPbMethod = (m: RepaymentMethod) => METHOD[m];
export const toPbOpinion = (o: Opinion) => OPINION[o];
/** '' for UNSPECIFIED or unknown values: callers report the field. */
export const fromPbCustomerType = (t: pb.CustomerType): CustomerType | '' =>
  customerTypeOf[t] ?? '';
export const fromPbMethod = (m: pb.RepaymentMethod): RepaymentMethod | '' => methodOf[m] ?? '';
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
    repaymentMethods: p.repaymentMethods.map((m) => METHOD[m]),
  });
}

export function applicationToPb(a: LoanApplication): pb.Application {
  const { assessment, ...rest } = a;
  return pb.Application.fromPartial({
    ...rest,
    customerType: CUSTOMER_TYPE[a.customerType],
    repaymentMethod: METHOD[a.repaymentMethod],
    status: STATUS[a.status],
    monthlyIncome: a.monthlyIncome ?? '',
    existingMonthlyDebtPayments: a.existingMonthlyDebtPayments ?? '',
    submittedAt: a.submittedAt ?? '',
    withdrawnAt: a.withdrawnAt ?? '',
    withdrawReason: a.withdrawReason ?? '',
    decidedAt: a.decidedAt ?? '',
    approvedAmount: a.approvedAmount ?? '',
    approvedRatePercent: a.approvedRatePercent ?? '',
    approvedTermMonths: a.approvedTermMonths ?? 0,
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
