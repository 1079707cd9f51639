// Reading loan accounts: one loan with its schedule, or a page of loans.
import {
  branchFilter,
  notFound,
  requireBranch,
  requireRole,
  type Principal,
} from '@loanflow/platform';
import type { accountingV1 as pb } from '@loanflow/proto';
import { loadInstallments } from '../infra/loan-repo';
import { findLoan, listLoanRecords, loanMessage } from '../infra/loan-views';
import { READERS, type AccountingDeps } from './deps';
import { Fields } from './input';

export async function getLoan(
  deps: AccountingDeps,
  p: Principal,
  req: pb.GetLoanRequest,
): Promise<pb.GetLoanResponse> {
  requireRole(p, READERS, 'reading a loan');
  const f = new Fields();
  const id = f.uuid('id', req.id);
  f.done();
  const record = await findLoan(deps.pool, id!);
  if (!record) throw notFound(`loan ${id}`);
  requireBranch(p, record.meta.branchId, 'the loan');
  return { loan: loanMessage(record, await loadInstallments(deps.pool, id!)) };
}

export async function listLoans(
  deps: AccountingDeps,
  p: Principal,
  req: pb.ListLoansRequest,
): Promise<pb.ListLoansResponse> {
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
    loans: page.map((r) => loanMessage(r)),
    nextPageToken: records.length > size ? page[page.length - 1]!.state.id : '',
  };
}
