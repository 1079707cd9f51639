// Corrections and judgements on a loan: reversal of a repayment, manual classification (maker-checker).
import {
  appendToOutbox,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  requireBranch,
  requireRole,
  uuidv7,
  withTransaction,
  type Principal,
} from '@loanflow/platform';
import { accountingEventsV1 as events } from '@loanflow/proto';
import {
  classificationFloor,
  isBetterThan,
  type ClassificationPolicy,
} from '../domain/loan/classification';
import { ACCOUNTS } from '../domain/loan/ledger';
import { validateLoanTerms } from '../domain/loan/opening';
import { replayLoan } from '../domain/loan/replay';
import { correctingEntry, netPerAccount, postingsInOrder } from '../domain/loan/reversal';
import type { Bucket } from '../domain/loan/repayment';
import { CLASSIFICATIONS, type Classification } from '../domain/loan/state';
import { formatMoney, formatRate } from '../domain/money';
import * as classifications from '../infra/classification-repo';
import type { ClassificationChange } from '../infra/classification-repo';
import { ledgerBalancesOfLoan, segmentInterestTotals } from '../infra/ledger-repo';
import {
  cents,
  postLoanEntry,
  replaceInstallments,
  replaceSegments,
  saveState,
  toDay,
  toIso,
} from '../infra/loan-repo';
import { findLoan } from '../infra/loan-views';
import {
  allocationRecord,
  creditRefunds,
  laterTranches,
  markRepaymentReversed,
  postedRepaymentsExcept,
  repaymentById,
  setRepaymentAllocation,
} from '../infra/movements-repo';
import { appliedRateChanges } from '../infra/rate-repo';
import { openBusinessDay, postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { SOURCE, type AccountingDeps } from './deps';
import { Fields } from './input';
import { lockedLoan } from './loan-book';
import type { RepaymentShown } from './repayments';
import type { LoanView, Reply } from './views';

/**
 * 冲正: reverses a repayment posted in error. The loan is run again from its disbursement
 * without it (later repayments re-allocated, interest re-accrued on the balances it would have
 * had), and the difference to what the ledger holds is posted as one correcting entry on the open
 * business date; nothing already in the ledger is rewritten.
 */
export async function reverseRepayment<R>(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; repaymentId: string; reason: string },
  policy: ClassificationPolicy,
  reply: Reply<
    {
      repayment: RepaymentShown;
      loan: LoanView;
      /** The correcting entry, net per account (debit positive). */
      adjustments: { accountCode: string; amount: string }[];
    },
    R
  >,
): Promise<R> {
  requireRole(p, ['post_loan_officer', 'admin'], 'reversing a repayment');
  const f = new Fields();
  const repaymentId = f.uuid('repaymentId', req.repaymentId);
  const reason = f.text('reason', req.reason, { required: true, max: 1000 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'ReverseRepayment', p, async () => {
      const today = await postingDate(tx);
      const target = await repaymentById(tx, repaymentId!);
      if (!target) throw notFound(`repayment ${repaymentId}`);
      const record = await lockedLoan(tx, target.loanId);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (target.status !== 'posted') throw failedPrecondition('the repayment is already reversed');
      if (record.state.status === 'written_off')
        throw failedPrecondition('the loan is written off');

      const terms = validateLoanTerms(
        record.meta.terms,
        formatRate(record.state.penaltyMarkupPercent),
        record.state.graceDays,
      );
      if (!terms.ok) throw new Error(`stored terms of loan ${record.state.id} no longer validate`);
      const order = record.meta.allocationOrder as Bucket[];
      const replay = replayLoan(
        {
          id: record.state.id,
          terms: terms.value,
          postings: postingsInOrder(
            (await laterTranches(tx, record.state.id)).map((t) => ({
              ...t,
              postedAt: t.createdAt,
              day: t.valueDate,
            })),
            (await postedRepaymentsExcept(tx, record.state.id, repaymentId!)).map((r) => ({
              id: r.id,
              postedAt: r.createdAt,
              day: toDay(r.valueDate),
              request: {
                amount: cents(r.amount),
                kind: r.kind,
                option: r.prepaymentOption ?? undefined,
                order,
                source: r.source,
                interestFirst: r.accruedInterestFirst,
              },
            })),
            (await creditRefunds(tx, record.state.id)).map((x) => ({
              ...x,
              postedAt: x.createdAt,
              day: x.businessDate,
            })),
          ),
          rateChanges: await appliedRateChanges(tx, record.state.id),
        },
        today - 1,
        policy,
      );
      if (!replay.ok)
        throw failedPrecondition(
          `cannot reverse: ${replay.reason} (posting ${replay.repaymentId} stands on it)`,
        );
      const { adjustments, refunded } = correctingEntry({
        ledger: await ledgerBalancesOfLoan(tx, record.state.id),
        closedInterest: await segmentInterestTotals(tx, record.state.id),
        current: record.state,
        replayed: { state: replay.book.state, postings: replay.postings },
        funding:
          target.source === 'repossessed_asset' ? ACCOUNTS.repossessedAssets : ACCOUNTS.settlement,
      });
      if (refunded !== cents(target.amount)) {
        throw new Error(
          `reversal of ${repaymentId} does not reconcile: ${formatMoney(refunded)} ≠ ${target.amount}`,
        );
      }

      await markRepaymentReversed(tx, repaymentId!, p.userId, reason!);
      for (const [id, allocation] of replay.allocations)
        await setRepaymentAllocation(tx, id, allocationRecord(allocation));
      const state = { ...replay.book.state, classification: record.state.classification };
      await saveState(tx, state);
      await replaceInstallments(tx, state.id, replay.book.installments);
      await replaceSegments(tx, state.id, replay.closedSegments);
      await postLoanEntry(tx, {
        businessDate: today,
        kind: 'adjustment',
        loanId: state.id,
        reference: repaymentId,
        description: `Reversal of repayment ${repaymentId} of loan ${record.meta.loanNumber}: ${reason}`,
        postings: adjustments,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.repayment-reversed',
        subjectId: state.id,
        data: events.RepaymentReversed.toJSON({
          loanId: state.id,
          repaymentId: repaymentId!,
          amount: target.amount,
          reason: reason!,
          businessDate: toIso(today),
        }),
      });
      const after = await findLoan(tx, state.id);
      const r = (await repaymentById(tx, repaymentId!))!;
      return reply({
        repayment: {
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
        },
        loan: { record: after! },
        adjustments: netPerAccount(adjustments).map(([accountCode, v]) => ({
          accountCode,
          amount: formatMoney(v),
        })),
      });
    }),
  );
}

const CLASSIFIERS = ['post_loan_officer', 'credit_officer', 'risk_manager', 'admin'] as const;
const CLASSIFICATION_APPROVERS = ['risk_manager', 'admin'] as const;

/** A manual classification change, waiting for a second person's approval. */
export async function requestClassification(
  deps: AccountingDeps,
  p: Principal,
  req: { loanId: string; classification: string; reason: string },
  policy: ClassificationPolicy,
): Promise<ClassificationChange> {
  requireRole(p, [...CLASSIFIERS], 'proposing a classification');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const to = f.oneOf<Classification>('classification', req.classification, CLASSIFICATIONS);
  const reason = f.text('reason', req.reason, { required: true, max: 2000 });
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const { date } = await openBusinessDay(tx);
    const record = await lockedLoan(tx, loanId!);
    requireBranch(p, record.meta.branchId, 'the loan');
    if (record.state.status !== 'active')
      throw failedPrecondition(`the loan is ${record.state.status}`);
    if (record.state.classification === to)
      throw invalidArgument([{ field: 'classification', reason: `the loan is already ${to}` }]);
    const floor = classificationFloor(policy, record.state.daysPastDue);
    if (isBetterThan(to!, floor)) {
      throw invalidArgument([
        {
          field: 'classification',
          reason: `${record.state.daysPastDue} days past due require at least ${floor}`,
        },
      ]);
    }
    if (await classifications.hasPendingChange(tx, loanId!))
      throw failedPrecondition(
        'a classification change of this loan is already waiting for approval',
      );
    const change = await classifications.insertManualChange(tx, {
      id: uuidv7(),
      loanId: loanId!,
      from: record.state.classification,
      to: to!,
      reason: reason!,
      requestedBy: p.userId,
      businessDate: date,
    });
    return change;
  });
}

/** The second person approves or rejects; the requester cannot decide their own change. */
export async function decideClassification(
  deps: AccountingDeps,
  p: Principal,
  req: { changeId: string; approve: boolean; comment: string },
  policy: ClassificationPolicy,
): Promise<{ change: ClassificationChange; loan: LoanView }> {
  requireRole(p, [...CLASSIFICATION_APPROVERS], 'approving a classification');
  const f = new Fields();
  const id = f.uuid('changeId', req.changeId);
  const comment = f.text('comment', req.comment, { max: 2000 });
  f.done();
  return withTransaction(deps.pool, async (tx) => {
    const change = await classifications.changeById(tx, id!, true);
    if (!change) throw notFound(`classification change ${id}`);
    const record = await findLoan(tx, change.loanId, true);
    requireBranch(p, record!.meta.branchId, 'the loan');
    if (change.status !== 'pending')
      throw failedPrecondition(`the change is already ${change.status}`);
    if (change.requestedBy === p.userId)
      throw permissionDenied(
        'a classification change needs a second person: you proposed this one',
      );
    const to = change.to as Classification;
    if (req.approve) {
      const floor = classificationFloor(policy, record!.state.daysPastDue);
      if (isBetterThan(to, floor))
        throw failedPrecondition(
          `the loan is now ${record!.state.daysPastDue} days past due, which requires at least ${floor}`,
        );
    }
    const decided = await classifications.decideChange(tx, id!, {
      approve: req.approve,
      by: p.userId,
      comment,
    });
    if (req.approve) {
      await classifications.setLoanClassification(tx, change.loanId, to, change.businessDate);
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.classified',
        subjectId: change.loanId,
        data: events.LoanClassified.toJSON({
          loanId: change.loanId,
          loanNumber: record!.meta.loanNumber,
          branchId: record!.meta.branchId,
          from: change.from,
          to,
          cause: 'manual',
          reason: change.reason ?? undefined,
          requestedBy: change.requestedBy,
          approvedBy: p.userId,
        }),
      });
    }
    const after = await findLoan(tx, change.loanId);
    return { change: decided, loan: { record: after! } };
  });
}
