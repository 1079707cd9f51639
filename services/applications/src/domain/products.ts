import { Decimal } from 'decimal.js';
import type { FieldViolation } from './field';
import { formatAmount } from './money';
import type { RepaymentMethod } from './schedule';

export const CUSTOMER_TYPES = ['individual', 'corporate'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const PRODUCT_CATEGORIES = ['consumer', 'business', 'working_capital', 'mortgage'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/**
 * The document images (影像资料) a product may require: the words of
 * loanflow.common.v1.DocumentType (a unit test holds the two together).
 */
export const DOCUMENT_TYPES = [
  'id_card_front',
  'id_card_back',
  'income_proof',
  'bank_statement',
  'business_license',
  'financial_statements',
  'credit_report',
  'property_certificate',
  'collateral_papers',
  'purchase_contract',
  'guarantee_agreement',
  'investigation_report',
  'review_minutes',
  'loan_contract',
  'bulk_scan',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export interface LoanProduct {
  code: string;
  name: string;
  nameZh: string;
  customerType: CustomerType;
  category: ProductCategory;
  /** Yuan, decimal strings. */
  minAmount: string;
  maxAmount: string;
  minTermMonths: number;
  maxTermMonths: number;
  repaymentMethods: RepaymentMethod[];
  /** Annual rates in percent, decimal strings with four fraction digits. */
  minRatePercent: string;
  maxRatePercent: string;
  referenceRatePercent: string;
  /**
   * What the documents service's checklists of the product ask for across the approval steps
   * (an end-to-end test holds the two together).
   */
  requiredDocuments: DocumentType[];
  /** Days a submitted application may wait for its decision (审批时效) before it expires. */
  decisionValidityDays?: number;
  /** Days an approval stays good for (批复有效期): not contracted by then, it expires. */
  approvalValidityDays?: number;
}

/** Products stored before the validities were part of the catalogue get these. */
export const DEFAULT_VALIDITY = { decisionDays: 90, approvalDays: 180 } as const;

export function validityOf(p: LoanProduct): { decisionDays: number; approvalDays: number } {
  return {
    decisionDays: p.decisionValidityDays ?? DEFAULT_VALIDITY.decisionDays,
    approvalDays: p.approvalValidityDays ?? DEFAULT_VALIDITY.approvalDays,
  };
}

/** What every individual borrower files at entry: both sides of the ID card, statements, credit report. */
const PERSON = ['id_card_front', 'id_card_back', 'bank_statement', 'credit_report'] as const;

// Reference rates sit on the loan prime rate (1-year 3.00%, 5-year 3.50%) plus a typical spread.
export const SEED_PRODUCTS: LoanProduct[] = [
  {
    code: 'PERSONAL_CONSUMER',
    name: 'Personal consumer loan',
    nameZh: '个人消费贷款',
    customerType: 'individual',
    category: 'consumer',
    minAmount: '10000.00',
    maxAmount: '500000.00',
    minTermMonths: 6,
    maxTermMonths: 60,
    repaymentMethods: ['equal_installments', 'equal_principal'],
    minRatePercent: '3.0000',
    maxRatePercent: '18.0000',
    referenceRatePercent: '3.6000',
    requiredDocuments: [...PERSON, 'income_proof', 'investigation_report'],
    decisionValidityDays: 30,
    approvalValidityDays: 90,
  },
  {
    code: 'SMALL_BUSINESS',
    name: 'Small and micro business loan',
    nameZh: '小微企业经营贷款',
    // Lent to the owner of a sole proprietorship or micro business, who is liable in person.
    customerType: 'individual',
    category: 'business',
    minAmount: '50000.00',
    maxAmount: '3000000.00',
    minTermMonths: 12,
    maxTermMonths: 36,
    repaymentMethods: ['equal_installments', 'equal_principal', 'interest_only'],
    minRatePercent: '3.0000',
    maxRatePercent: '15.0000',
    referenceRatePercent: '3.8500',
    requiredDocuments: [...PERSON, 'business_license', 'investigation_report'],
    decisionValidityDays: 60,
    approvalValidityDays: 90,
  },
  {
    code: 'CORP_WORKING_CAPITAL',
    name: 'Working capital loan',
    nameZh: '流动资金贷款',
    customerType: 'corporate',
    category: 'working_capital',
    minAmount: '500000.00',
    maxAmount: '50000000.00',
    minTermMonths: 6,
    maxTermMonths: 36,
    repaymentMethods: ['interest_only', 'interest_only_quarterly', 'equal_principal', 'bullet'],
    minRatePercent: '2.8000',
    maxRatePercent: '10.0000',
    referenceRatePercent: '3.1000',
    // The legal representative's ID card; the company's licence, accounts, statements and credit
    // report; the collateral or guarantee papers the investigation gathers.
    requiredDocuments: [
      ...PERSON,
      'business_license',
      'financial_statements',
      'investigation_report',
      'collateral_papers',
    ],
  },
  {
    code: 'MORTGAGE',
    name: 'Personal housing loan',
    nameZh: '个人住房贷款',
    customerType: 'individual',
    category: 'mortgage',
    minAmount: '100000.00',
    maxAmount: '10000000.00',
    minTermMonths: 60,
    maxTermMonths: 360,
    repaymentMethods: ['equal_installments', 'equal_principal'],
    minRatePercent: '3.0000',
    maxRatePercent: '6.0000',
    referenceRatePercent: '3.5000',
    requiredDocuments: [
      ...PERSON,
      'income_proof',
      'purchase_contract',
      'investigation_report',
      'collateral_papers',
    ],
  },
];

export function findProduct(
  code: string,
  products: LoanProduct[] = SEED_PRODUCTS,
): LoanProduct | undefined {
  return products.find((p) => p.code === code);
}

export interface LoanDraft {
  customerType: CustomerType;
  amount: Decimal;
  termMonths: number;
  repaymentMethod: string;
  ratePercent?: Decimal;
}

/** "3" → "3.00%", "4.3125" → "4.3125%": never hides a digit of the configured rate. */
function formatPercent(text: string): string {
  const rate = new Decimal(text);
  return `${rate.toFixed(Math.max(2, rate.decimalPlaces()))}%`;
}

/** Where a draft application falls outside what the product offers, field by field. */
export function checkDraftAgainstProduct(draft: LoanDraft, product: LoanProduct): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const productLabel = `${product.name} (${product.code})`;

  if (draft.customerType !== product.customerType) {
    violations.push({
      field: 'customerId',
      reason:
        `${productLabel} is for ${product.customerType} customers, ` +
        `not ${draft.customerType} customers`,
    });
  }

  if (draft.amount.lessThan(product.minAmount) || draft.amount.greaterThan(product.maxAmount)) {
    const range = `${formatAmount(new Decimal(product.minAmount))} and ${formatAmount(new Decimal(product.maxAmount))}`;
    violations.push({
      field: 'amount',
      reason: `must be between ${range} yuan for ${productLabel} (got ${formatAmount(draft.amount)})`,
    });
  }

  if (
    !Number.isInteger(draft.termMonths) ||
    draft.termMonths < product.minTermMonths ||
    draft.termMonths > product.maxTermMonths
  ) {
    violations.push({
      field: 'termMonths',
      reason:
        `must be a whole number of months between ${product.minTermMonths} and ` +
        `${product.maxTermMonths} for ${productLabel} (got ${draft.termMonths})`,
    });
  }

  if (!(product.repaymentMethods as string[]).includes(draft.repaymentMethod)) {
    violations.push({
      field: 'repaymentMethod',
      reason:
        `${draft.repaymentMethod} is not offered for ${productLabel}; ` +
        `allowed: ${product.repaymentMethods.join(', ')}`,
    });
  }

  const rate = draft.ratePercent;
  if (
    rate !== undefined &&
    (rate.lessThan(product.minRatePercent) || rate.greaterThan(product.maxRatePercent))
  ) {
    violations.push({
      field: 'ratePercent',
      reason:
        `must be between ${formatPercent(product.minRatePercent)} and ` +
        `${formatPercent(product.maxRatePercent)} for ${productLabel} (got ${formatPercent(rate.toString())})`,
    });
  }

  return violations;
}
