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
