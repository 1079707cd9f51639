// 核销: writing off a loan against the loss allowance, and recoveries on a written-off loan.
import {
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
} from '@loanflow/platform';
import { accountingEventsV1 as events } from '@loanflow/proto';
import { ACCOUNTS, posting } from '../domain/loan/ledger';
import { resegment, segmentTargets, type LoanState } from '../domain/loan/state';
import { formatMoney } from '../domain/money';
import { postLoanEntry, toIso } from '../infra/loan-repo';
import { findLoan } from '../infra/loan-views';
import { insertRecovery, insertWriteOff, writeOffRecovery } from '../infra/movements-repo';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { CASHIERS, SOURCE, type AccountingDeps } from './deps';
import { Fields } from './input';
import { loadBook, lockedLoan, persistChange } from './loan-book';
import type { LoanView, Reply } from './views';

/** The postings that move every balance of a loan to the loss allowance, and the amounts. */
function writeOffPostings(s: LoanState) {
  const L = ACCOUNTS;
  const postings = [
    ...posting('write_off', L.lossAllowance, L.principal, s.principal + s.duePrincipal),
    ...posting('write_off', L.lossAllowance, L.overduePrincipal, s.overduePrincipal),
    ...posting('write_off', L.lossAllowance, L.accruedInterest, s.accruedInterest),
    ...posting('write_off', L.lossAllowance, L.billedInterest, s.dueInterest + s.overdueInterest),
    ...posting('write_off', L.lossAllowance, L.penaltyReceivable, s.penaltyInterest),
    ...posting('write_off', L.lossAllowance, L.compoundReceivable, s.compoundInterest),
    // A credit the borrower held reduces the loss.
    ...posting('write_off', L.advanceReceipts, L.lossAllowance, s.creditBalance),
  ];
  const principal = s.principal + s.duePrincipal + s.overduePrincipal;
  const interest =
    s.accruedInterest + s.dueInterest + s.overdueInterest + s.penaltyInterest + s.compoundInterest;
  return { postings, principal, interest, total: principal + interest - s.creditBalance };
}

/** The state of a written-off loan: every balance nought, accrual stopped. */
const writtenOff = (s: LoanState): LoanState => ({
  ...s,
  status: 'written_off',
  principal: 0n,
  duePrincipal: 0n,
  dueInterest: 0n,
  dueSince: null,
  overduePrincipal: 0n,
  overdueInterest: 0n,
  accruedInterest: 0n,
  penaltyInterest: 0n,
  compoundInterest: 0n,
  creditBalance: 0n,
  nextPeriod: null,
  nextDueDate: null,
  nextPrincipal: null,
});

/** 核销: writes off every balance of a loan against the loss allowance; accrual stops. */
export async function writeOffLoan<R>(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; loanId: string; reason: string },
  reply: Reply<{ loan: LoanView; amountWrittenOff: string }, R>,
): Promise<R> {
  requireRole(p, ['risk_manager', 'admin'], 'writing off a loan');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'WriteOffLoan', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      const s = book.state;
      if (s.status !== 'active') throw failedPrecondition(`the loan is ${s.status}`);
      if (s.classification !== 'loss' && s.classification !== 'doubtful') {
        throw failedPrecondition(
          `only a loan classified doubtful or loss can be written off (it is ${s.classification})`,
        );
      }
      const { postings, principal, interest, total } = writeOffPostings(s);
      const zeroed = writtenOff(s);
      const { state, closed } = resegment(
        zeroed,
        today,
        segmentTargets(zeroed, zeroed.normal.denominator),
      );
      await persistChange(
        tx,
        {
          book: { ...book, state },
          postings,
          closedSegments: closed,
          changedInstallments: [],
          rescheduled: false,
        },
        {
          businessDate: today,
          kind: 'write_off',
          description: `Write-off of loan ${record.meta.loanNumber}: ${reason}`,
        },
      );
      await insertWriteOff(tx, {
        loanId: loanId!,
        businessDate: today,
        principal,
        interest,
        total,
        reason: reason!,
        by: p.userId,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.written-off',
        subjectId: loanId!,
        data: events.LoanWrittenOff.toJSON({
          loanId: loanId!,
          loanNumber: record.meta.loanNumber,
          branchId: record.meta.branchId,
          customerId: record.meta.customerId,
          productCode: record.meta.productCode,
          businessDate: toIso(today),
          principal: formatMoney(principal),
          interest: formatMoney(interest),
          total: formatMoney(total),
          reason: reason!,
          writtenOffBy: p.userId,
        }),
      });
      const after = await findLoan(tx, loanId!);
      return reply({ loan: { record: after! }, amountWrittenOff: formatMoney(total) });
    }),
  );
}

/** Money recovered on a written-off loan goes back to the loss allowance. */
export async function recordRecovery<R>(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; loanId: string; amount: string; reference: string },
  reply: Reply<{ loan: LoanView; recoveredTotal: string }, R>,
): Promise<R> {
  requireRole(p, CASHIERS, 'recording a recovery');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const reference = f.text('reference', req.reference, { max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RecordRecovery', p, async () => {
      const today = await postingDate(tx);
      const record = await lockedLoan(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (record.state.status !== 'written_off')
        throw failedPrecondition('recoveries are recorded on written-off loans');
      const { total, recovered } = await writeOffRecovery(tx, loanId!);
      if (recovered + amount! > total) {
        throw invalidArgument([
          {
            field: 'amount',
            reason: `exceeds what is left to recover (${formatMoney(total - recovered)})`,
          },
        ]);
      }
      await postLoanEntry(tx, {
        businessDate: today,
        kind: 'recovery',
        loanId: loanId!,
        description: `Recovery on written-off loan ${record.meta.loanNumber}`,
        postings: posting('recovery', ACCOUNTS.settlement, ACCOUNTS.lossAllowance, amount!),
      });
      const recoveryId = uuidv7();
      await insertRecovery(tx, {
        id: recoveryId,
        loanId: loanId!,
        businessDate: today,
        amount: amount!,
        reference,
        by: p.userId,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.recovery-recorded',
        subjectId: loanId!,
        data: events.RecoveryRecorded.toJSON({
          recoveryId,
          loanId: loanId!,
          branchId: record.meta.branchId,
          businessDate: toIso(today),
          amount: formatMoney(amount!),
          recordedBy: p.userId,
        }),
      });
      return reply({ loan: { record }, recoveredTotal: formatMoney(recovered + amount!) });
    }),
  );
}
