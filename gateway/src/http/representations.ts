/**
 * Customers, products and applications as the REST API shows them, with the schema of each
 * representation beside the function that makes it (the response validator holds them together).
 * Enum words come from one mapping per proto enum (`enumWords`), never from string surgery.
 */
import {
  applicationsV1 as pb,
  documentTypeWords,
  enumWords,
  repaymentMethodWords,
} from '@loanflow/proto';
import { z } from 'zod';
import { isoDate, money, rate } from './api/schemas';

export const customerTypeWords = enumWords(pb.CustomerType, 'CUSTOMER_TYPE_');
export const applicationStatusWords = enumWords(pb.ApplicationStatus, 'APPLICATION_STATUS_');
export const opinionWords = enumWords(pb.Opinion, 'OPINION_');

const orNull = (s: string) => (s === '' ? null : s);
const wordsOf = (w: { words: readonly string[] }) => w.words as [string, ...string[]];

/** The words of the lists a validator admits (the vocabulary's enums). */
export const APPLICATION_STATUSES = wordsOf(applicationStatusWords);

const CustomerType = z.enum(wordsOf(customerTypeWords));
const RepaymentMethod = z.enum(wordsOf(repaymentMethodWords));
const nullableMoney = z.string().nullable();

export const Customer = z
  .object({
    id: z.string(),
    type: CustomerType.nullable(),
    name: z.string(),
    branchId: z.string(),
    individual: z
      .object({
        residentIdMasked: z.string(),
        birthDate: isoDate.nullable().meta({
          description: 'Shown only to the roles that assess the borrower; null for others',
        }),
        sex: z.string(),
        mobileMasked: z.string(),
        address: z.string(),
        occupation: z.string(),
        employer: z.string(),
        monthlyIncome: nullableMoney,
      })
      .nullable()
      .meta({ description: 'ID number and mobile are masked' }),
    corporate: z
      .object({
        creditCode: z.string(),
        legalRepresentative: z.string(),
        registeredCapital: nullableMoney,
        industry: z.string(),
        annualRevenue: nullableMoney,
        contactMobileMasked: z.string().nullable(),
      })
      .nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Customer' });

export function customerJson(c: pb.Customer): z.output<typeof Customer> {
  return {
    id: c.id,
    type: customerTypeWords.word(c.type) ?? null,
    name: c.name,
    branchId: c.branchId,
    individual: c.individual
      ? {
          residentIdMasked: c.individual.residentIdMasked,
          birthDate: orNull(c.individual.birthDate),
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

export const Product = z
  .object({
    code: z.string(),
    name: z.string(),
    nameZh: z.string(),
    customerType: CustomerType.nullable(),
    category: z.string(),
    minAmount: money,
    maxAmount: money,
    minTermMonths: z.int(),
    maxTermMonths: z.int(),
    repaymentMethods: z.array(RepaymentMethod.nullable()),
    minRatePercent: rate,
    maxRatePercent: rate,
    referenceRatePercent: rate,
    requiredDocuments: z
      .array(z.enum(wordsOf(documentTypeWords)).nullable())
      .meta({ description: "What the product's checklists ask for across the approval steps" }),
    decisionValidityDays: z
      .int()
      .meta({ description: 'A submitted application not decided within this many days expires' }),
    approvalValidityDays: z
      .int()
      .meta({ description: 'An approval not contracted within this many days expires' }),
  })
  .meta({ id: 'Product' });

export function productJson(p: pb.Product): z.output<typeof Product> {
  return {
    code: p.code,
    name: p.name,
    nameZh: p.nameZh,
    customerType: customerTypeWords.word(p.customerType) ?? null,
    category: p.category,
    minAmount: p.minAmount,
    maxAmount: p.maxAmount,
    minTermMonths: p.minTermMonths,
    maxTermMonths: p.maxTermMonths,
    repaymentMethods: p.repaymentMethods.map((m) => repaymentMethodWords.word(m) ?? null),
    minRatePercent: p.minRatePercent,
    maxRatePercent: p.maxRatePercent,
    referenceRatePercent: p.referenceRatePercent,
    requiredDocuments: p.requiredDocuments.map((d) => documentTypeWords.word(d) ?? null),
    decisionValidityDays: p.decisionValidityDays,
    approvalValidityDays: p.approvalValidityDays,
  };
}

export const Application = z
  .object({
    id: z.string(),
    customerId: z.string(),
    customerType: CustomerType.nullable(),
    customerName: z.string(),
    productCode: z.string(),
    branchId: z.string(),
    amount: money,
    termMonths: z.int(),
    repaymentMethod: RepaymentMethod.nullable(),
    ratePercent: z.string(),
    purpose: z.string(),
    businessSituation: z.string(),
    monthlyIncome: nullableMoney,
    existingMonthlyDebtPayments: nullableMoney,
    status: z.enum(APPLICATION_STATUSES).nullable(),
    preAssessment: z
      .object({
        ruleSetVersion: z.string(),
        score: z.int(),
        opinion: z.enum(wordsOf(opinionWords)).nullable(),
        results: z.array(
          z.object({
            ruleId: z.string(),
            outcome: z.enum(['pass', 'warn', 'fail']),
            reason: z.string(),
          }),
        ),
        assessedAt: z.string(),
      })
      .nullable(),
    version: z.int(),
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    submittedAt: z.string().nullable(),
    withdrawnAt: z.string().nullable(),
    withdrawReason: z.string().nullable(),
    decidedAt: z.string().nullable(),
    approvedAmount: nullableMoney,
    approvedRatePercent: z.string().nullable(),
    approvedTermMonths: z.int().nullable(),
    contractId: z.string().nullable().meta({ description: 'The signed loan contract' }),
    contractNumber: z.string().nullable(),
    loanId: z.string().nullable().meta({ description: 'The loan paid out under it' }),
    loanNumber: z.string().nullable(),
    history: z
      .array(
        z.object({
          action: z.string(),
          at: z.string(),
          actor: z.string().nullable().meta({ description: 'User id; null for a service' }),
          reason: z.string().nullable(),
          details: z.record(z.string(), z.string()),
        }),
      )
      .meta({ description: 'Oldest first' }),
  })
  .meta({ id: 'Application' });

export function applicationJson(a: pb.Application): z.output<typeof Application> {
  return {
    id: a.id,
    customerId: a.customerId,
    customerType: customerTypeWords.word(a.customerType) ?? null,
    customerName: a.customerName,
    productCode: a.productCode,
    branchId: a.branchId,
    amount: a.amount,
    termMonths: a.termMonths,
    repaymentMethod: repaymentMethodWords.word(a.repaymentMethod) ?? null,
    ratePercent: a.ratePercent,
    purpose: a.purpose,
    businessSituation: a.businessSituation,
    monthlyIncome: orNull(a.monthlyIncome),
    existingMonthlyDebtPayments: orNull(a.existingMonthlyDebtPayments),
    status: applicationStatusWords.word(a.status) ?? null,
    preAssessment: a.preAssessment
      ? {
          ruleSetVersion: a.preAssessment.ruleSetVersion,
          score: a.preAssessment.score,
          opinion: opinionWords.word(a.preAssessment.opinion) ?? null,
          results: a.preAssessment.results.map((r) => ({
            ruleId: r.ruleId,
            outcome: r.outcome as 'pass' | 'warn' | 'fail',
            reason: r.reason,
          })),
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
