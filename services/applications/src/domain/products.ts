import { Decimal } from 'decimal.js';
import type { FieldViolation } from './field';
import { formatAmount } from './money';
import type { RepaymentMethod } from './schedule';

export const CUSTOMER_TYPES = ['individual', 'corporate'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

export const PRODUCT_CATEGORIES = ['consumer', 'business', 'working_capital', 'mortgage'] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

/** Codes of the document images (影像资料) a product may require. */
export const DOCUMENT_TYPES = [
  'id_card',
  'income_proof',
  'business_license',
  'financial_statements',
  'property_certificate',
  'purchase_contract',
  'bank_statements',
  'credit_report',
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
  /** Annual rates in percent, decimal strings. */
  minRatePercent: string;
  maxRatePercent: string;
  referenceRatePercent: string;
  /** Document type codes, see `DOCUMENT_TYPES`. */
  requiredDocuments: string[];
}

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
    minRatePercent: '3.00',
    maxRatePercent: '18.00',
    referenceRatePercent: '3.60',
    requiredDocuments: ['id_card', 'income_proof', 'bank_statements', 'credit_report'],
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
    repaymentMethods: ['equal_installments', 'equal_principal', 'interest_only_bullet'],
    minRatePercent: '3.00',
    maxRatePercent: '15.00',
    referenceRatePercent: '3.85',
    requiredDocuments: ['id_card', 'business_license', 'bank_statements', 'credit_report'],
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
    repaymentMethods: ['interest_only_bullet', 'equal_principal', 'lump_sum'],
    minRatePercent: '2.80',
    maxRatePercent: '10.00',
    referenceRatePercent: '3.10',
    requiredDocuments: [
      'business_license',
      'financial_statements',
      'bank_statements',
      'credit_report',
      'id_card',
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
    minRatePercent: '3.00',
    maxRatePercent: '6.00',
    referenceRatePercent: '3.50',
    requiredDocuments: [
      'id_card',
      'income_proof',
      'purchase_contract',
      'bank_statements',
      'credit_report',
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
