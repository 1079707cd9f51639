// What the loan use cases depend on, and who may do what.
import type { Role } from '@loanflow/platform';
import type { Cents } from '../domain/money';
import type { Pool } from '../infra/db';

export interface AccountingDeps {
  pool: Pool;
  /** Servicing rules per product (from the configuration). */
  products?: ProductRules;
  /** How far a cash repayment may exceed the payoff amount (held as credit); default 100.00. */
  overpaymentTolerance?: Cents;
  /** Who prints statements and on which calendar; DEFAULT_BANK where not configured. */
  bank?: Bank;
}

/** The bank as its statements name it, and the time zone whose calendar its business dates are. */
export interface Bank {
  name: string;
  nameZh: string;
  timeZone: string;
}

export const DEFAULT_BANK: Bank = {
  name: 'LoanFlow Demo Bank',
  nameZh: 'LoanFlow 演示银行',
  timeZone: 'Asia/Shanghai',
};

export const DEFAULT_OVERPAYMENT_TOLERANCE: Cents = 10_000n;

export interface ProductRules {
  /**
   * Products whose prepayments go wholly to principal, leaving the interest accrued to date for
   * the next bill. Every other product settles that interest first (as mainland banks do).
   */
  principalOnlyPrepayments: readonly string[];
}

/** Whether a prepayment of a loan of `productCode` first settles the interest accrued to date. */
export const prepaymentSettlesInterest = (deps: AccountingDeps, productCode: string): boolean =>
  !(deps.products?.principalOnlyPrepayments ?? []).includes(productCode);

/** The source of the events this service publishes. */
export const SOURCE = 'accounting';
/** 放款审核 (disbursement review) opens loans and pays out tranches; admin may too. */
export const DISBURSERS: Role[] = ['disbursement_reviewer', 'admin'];
/** Who posts repayments and prepayments (back office, post-loan). */
export const CASHIERS: Role[] = ['disbursement_reviewer', 'post_loan_officer', 'admin'];
/** Who may read loan accounts. */
export const READERS: Role[] = [
  'account_manager',
  'corporate_lending',
  'credit_officer',
  'disbursement_reviewer',
  'post_loan_officer',
  'risk_manager',
  'final_approver',
  'auditor',
  'admin',
];
