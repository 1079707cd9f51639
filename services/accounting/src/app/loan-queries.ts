// Reading loan accounts: one loan with its schedule, or a page of loans.
import {
  branchFilter,
  notFound,
  requireBranch,
  requireRole,
  type Principal,
} from '@loanflow/platform';
import { loadInstallments } from '../infra/loan-repo';
import { findLoan, listLoanRecords, type LoanRecord } from '../infra/loan-views';
import { repaymentsOfLoan, type AllocationRecord } from '../infra/movements-repo';
import { READERS, type AccountingDeps } from './deps';
import { Fields } from './input';
import type { LoanView } from './views';

export async function getLoan(
  deps: AccountingDeps,
  p: Principal,
  req: { id: string },
): Promise<LoanView> {
  requireRole(p, READERS, 'reading a loan');
  const f = new Fields();
  const id = f.uuid('id', req.id);
  f.done();
  const record = await findLoan(deps.pool, id!);
  if (!record) throw notFound(`loan ${id}`);
  requireBranch(p, record.meta.branchId, 'the loan');
  return { record, installments: await loadInstallments(deps.pool, id!) };
}

export async function listLoans(
  deps: AccountingDeps,
  p: Principal,
  req: {
    branchId: string;
    status: string;
    classification: string;
    minDaysPastDue: number;
    customerId: string;
    pageSize: number;
    pageToken: string;
  },
): Promise<{ loans: LoanRecord[]; nextPageToken: string }> {
  requireRole(p, READERS, 'listing loans');
  const f = new Fields();
  const branches = branchFilter(p, req.branchId);
  const status = req.status
    ? f.oneOf('status', req.status, ['active', 'closed', 'written_off'] as const)
    : undefined;
  const classification = req.classification
    ? f.oneOf('classification', req.classification, [
        'normal',
        'special_mention',
        'substandard',
        'doubtful',
        'loss',
      ] as const)
    : undefined;
  const customerId = req.customerId ? f.uuid('customerId', req.customerId) : undefined;
  const after = req.pageToken ? f.uuid('pageToken', req.pageToken) : undefined;
  const size = req.pageSize || 50;
  if (size < 1 || size > 500) f.fail('pageSize', 'must be from 1 to 500');
  f.done();
  const records = await listLoanRecords(
    deps.pool,
    {
      branches,
      status,
      classification,
      minDaysPastDue: req.minDaysPastDue,
      customerId,
      after,
    },
    size + 1,
  );
  const page = records.slice(0, size);
  return {
    loans: page,
    nextPageToken: records.length > size ? page[page.length - 1]!.state.id : '',
  };
}

/** A repayment in a loan's list: as posted, with who posted it and when. */
export interface RepaymentListed {
  id: string;
  loanId: string;
  valueDate: string;
  amount: string;
  kind: string;
  prepaymentOption: string;
  allocation: AllocationRecord;
  status: string;
  reference: string;
  source: string;
  postedBy: string;
  postedAt: string;
}

/** A loan's repayments, newest first, for whoever may read the loan (its branch scope). */
export async function listRepayments(
  deps: AccountingDeps,
  p: Principal,
  req: { loanId: string; pageSize: number; pageToken: string },
): Promise<{ repayments: RepaymentListed[]; nextPageToken: string }> {
  requireRole(p, READERS, "reading a loan's repayments");
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const before = req.pageToken ? f.uuid('pageToken', req.pageToken) : undefined;
  const size = req.pageSize || 50;
  if (size < 1 || size > 500) f.fail('pageSize', 'must be from 1 to 500');
  f.done();
  const record = await findLoan(deps.pool, loanId!);
  if (!record) throw notFound(`loan ${loanId}`);
  requireBranch(p, record.meta.branchId, 'the loan');
  const rows = await repaymentsOfLoan(deps.pool, loanId!, size + 1, before);
  const page = rows.slice(0, size);
  return {
    repayments: page.map((r) => ({
      id: r.id,
      loanId: r.loanId,
      valueDate: r.valueDate,
      amount: r.amount,
      kind: r.kind,
      prepaymentOption: r.prepaymentOption ?? '',
      allocation: r.allocation,
      status: r.status,
      reference: r.reference ?? '',
      source: r.source,
      postedBy: r.postedBy,
      postedAt: r.createdAt.toISOString(),
    })),
    nextPageToken: rows.length > size ? page[page.length - 1]!.id : '',
  };
}
