// Loan rows as the API shows them.
import type { Queryable } from '@loanflow/platform';
import { accountingV1 as pb } from '@loanflow/proto';
import { formatMoney, formatRatePercent } from '../domain/money';
import { payoffAmount } from '../domain/loan/repayment';
import { penaltyRateOf, type LoanState } from '../domain/loan/state';
import type { InstallmentRow } from '../domain/loan/repayment';
import {
  LOANS_WITH_ACCRUALS,
  STATE_COLUMNS,
  stateFromRow,
  toIso,
  type StateRow,
} from './loan-repo';

export const META_COLUMNS = `loan_number, application_id, customer_id, branch_id, product_code, currency,
  approved_amount, opened_on, maturity_date, rate_type, lpr_term, spread_bp, next_repricing_date,
  allocation_order, version, terms->>'repaymentMethod' AS repayment_method, contract_number, contract_id, origin, import_id, borrower_name,
  (SELECT COALESCE(sum(amount), 0) FROM disbursements d WHERE d.loan_id = loans.id) AS disbursed_amount`;

export interface LoanMeta {
  loanNumber: string;
  applicationId: string | null;
  customerId: string;
  branchId: string;
  productCode: string;
  currency: string;
  approvedAmount: string;
  disbursedAmount: string;
  openedOn: string;
  maturityDate: string;
  rateType: string;
  lprTerm: string | null;
  spreadBp: number | null;
  nextRepricingDate: string | null;
  allocationOrder: string[];
  version: number;
  repaymentMethod: string;
  contractNumber: string | null;
  contractId: string | null;
  origin: 'contract' | 'import';
  importId: string | null;
  /** The borrower's name kept at opening; null for loans booked before names were kept. */
  borrowerName: string | null;
  /** The schedule request the loan was opened with, as stored (read by findLoan only). */
  terms: unknown;
}

export interface LoanRecord {
  meta: LoanMeta;
  state: LoanState;
}

function recordFromRow(r: Record<string, unknown>): LoanRecord {
  return {
    state: stateFromRow(r as StateRow),
    meta: {
      loanNumber: r.loan_number as string,
      applicationId: (r.application_id as string | null) ?? null,
      customerId: r.customer_id as string,
      branchId: r.branch_id as string,
      productCode: r.product_code as string,
      currency: (r.currency as string).trim(),
      approvedAmount: r.approved_amount as string,
      disbursedAmount: r.disbursed_amount as string,
      openedOn: r.opened_on as string,
      maturityDate: r.maturity_date as string,
      rateType: r.rate_type as string,
      lprTerm: (r.lpr_term as string | null) ?? null,
      spreadBp: (r.spread_bp as number | null) ?? null,
      nextRepricingDate: (r.next_repricing_date as string | null) ?? null,
      allocationOrder: r.allocation_order as string[],
      version: r.version as number,
      repaymentMethod: r.repayment_method as string,
      contractNumber: (r.contract_number as string | null) ?? null,
      contractId: (r.contract_id as string | null) ?? null,
      origin: r.origin as 'contract' | 'import',
      importId: (r.import_id as string | null) ?? null,
      borrowerName: (r.borrower_name as string | null) ?? null,
      terms: r.terms,
    },
  };
}

export async function findLoan(
  tx: Queryable,
  id: string,
  lock = false,
): Promise<LoanRecord | undefined> {
  const { rows } = await tx.query<Record<string, unknown>>(
    `SELECT ${STATE_COLUMNS}, ${META_COLUMNS}, terms FROM ${LOANS_WITH_ACCRUALS} WHERE loans.id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] ? recordFromRow(rows[0]) : undefined;
}

/** What a list of loans may be narrowed to; every condition given must hold. */
export interface LoanFilter {
  /** null: every branch. */
  branches?: readonly string[] | null;
  status?: string;
  classification?: string;
  minDaysPastDue?: number;
  customerId?: string;
  /** The page after this loan id. */
  after?: string;
}

/** Loans in id order, at most `limit`. */
export async function listLoanRecords(
  db: Queryable,
  filter: LoanFilter,
  limit: number,
): Promise<LoanRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (filter.branches) add('branch_id = ANY(?)', filter.branches);
  if (filter.status) add('status = ?', filter.status);
  if (filter.classification) add('classification = ?', filter.classification);
  if (filter.minDaysPastDue) add('days_past_due >= ?', filter.minDaysPastDue);
  if (filter.customerId) add('customer_id = ?', filter.customerId);
  if (filter.after) add('id > ?', filter.after);
  params.push(limit);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${STATE_COLUMNS}, ${META_COLUMNS} FROM ${LOANS_WITH_ACCRUALS}
      WHERE ${where.length ? where.join(' AND ') : 'true'} ORDER BY id LIMIT $${params.length}`,
    params,
  );
  return rows.map(recordFromRow);
}

/** Each installment with the principal still owed after it (the principal of the later ones). */
function withBalances(rows: readonly InstallmentRow[]) {
  const sorted = [...rows].sort((a, b) => a.period - b.period);
  let after = sorted.reduce((t, r) => t + r.principal, 0n);
  return sorted.map((row) => {
    after -= row.principal;
    return { row, balance: after };
  });
}

export function loanMessage(rec: LoanRecord, installments?: readonly InstallmentRow[]): pb.Loan {
  const { meta, state: s } = rec;
  return pb.Loan.fromPartial({
    id: s.id,
    loanNumber: meta.loanNumber,
    applicationId: meta.applicationId ?? '',
    customerId: meta.customerId,
    branchId: meta.branchId,
    productCode: meta.productCode,
    currency: meta.currency,
    approvedAmount: meta.approvedAmount,
    disbursedAmount: meta.disbursedAmount,
    status: s.status,
    openedOn: meta.openedOn,
    maturityDate: meta.maturityDate,
    rateType: meta.rateType,
    annualRatePercent: formatRatePercent(s.annualRate),
    penaltyRatePercent: formatRatePercent(penaltyRateOf(s)),
    lprTerm: meta.lprTerm ?? '',
    spreadBp: meta.spreadBp ?? 0,
    nextRepricingDate: meta.nextRepricingDate ?? '',
    graceDays: s.graceDays,
    balances: {
      principal: formatMoney(s.principal),
      duePrincipal: formatMoney(s.duePrincipal),
      dueInterest: formatMoney(s.dueInterest),
      overduePrincipal: formatMoney(s.overduePrincipal),
      overdueInterest: formatMoney(s.overdueInterest),
      accruedInterest: formatMoney(s.accruedInterest),
      penaltyInterest: formatMoney(s.penaltyInterest),
      compoundInterest: formatMoney(s.compoundInterest),
      creditBalance: formatMoney(s.creditBalance),
      payoffAmount: formatMoney(s.status === 'active' ? payoffAmount(s) : 0n),
    },
    daysPastDue: s.daysPastDue,
    classification: s.classification,
    nextDueDate: s.nextDueDate === null ? '' : toIso(s.nextDueDate),
    accruedThrough: toIso(s.accruedThrough),
    version: meta.version,
    allocationOrder: meta.allocationOrder,
    repaymentMethod: meta.repaymentMethod,
    contractNumber: meta.contractNumber ?? '',
    contractId: meta.contractId ?? '',
    origin: meta.origin,
    importId: meta.importId ?? '',
    installments: withBalances(installments ?? []).map(({ row: i, balance }) => ({
      period: i.period,
      total: formatMoney(i.principal + (i.billedInterest ?? i.scheduledInterest)),
      balance: formatMoney(balance),
      dueDate: toIso(i.dueDate),
      principal: formatMoney(i.principal),
      scheduledInterest: formatMoney(i.scheduledInterest),
      billedInterest: i.billedInterest === null ? '' : formatMoney(i.billedInterest),
      principalPaid: formatMoney(i.principalPaid),
      interestPaid: formatMoney(i.interestPaid),
      status: i.status,
      paidOn: i.paidOn === null ? '' : toIso(i.paidOn),
    })),
  });
}
