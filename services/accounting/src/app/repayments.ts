// 还款: repayments, prepayments and payoffs; settlements in kind; refunds of a credit balance.
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
import { repayBook } from '../domain/loan/book';
import { ACCOUNTS, posting } from '../domain/loan/ledger';
import type { PrepaymentOption } from '../domain/loan/opening';
import {
  payoffAmount,
  type Bucket,
  type RepaymentKind,
  type RepaymentSource,
} from '../domain/loan/repayment';
import type { LoanState } from '../domain/loan/state';
import { formatMoney, type Cents } from '../domain/money';
import type { Db } from '../infra/db';
import { loadInstallments, toIso } from '../infra/loan-repo';
import { findLoan } from '../infra/loan-views';
import {
  allocationRecord,
  type AllocationRecord,
  assetSettlement,
  insertCreditRefund,
  insertRepayment,
} from '../infra/movements-repo';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import {
  CASHIERS,
  DEFAULT_OVERPAYMENT_TOLERANCE,
  prepaymentSettlesInterest,
  SOURCE,
  type AccountingDeps,
} from './deps';
import { Fields } from './input';
import { loadBook, persistChange } from './loan-book';
import type { LoanView, Reply } from './views';

/** A repayment as the API shows it. */
export interface RepaymentShown {
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
}

/**
 * Absurd amounts are refused before anything is written: cash beyond the payoff amount by more
 * than the tolerance (a credit that large is a typing error, not an overpayment), and a
 * settlement in kind beyond the payoff amount or beyond what is left of the value of the asset it
 * names (the repossessed asset registered on this loan: its valuation less what it settled before).
 */
async function boundRepayment(
  deps: AccountingDeps,
  tx: Db,
  state: LoanState,
  amount: Cents,
  source: RepaymentSource,
  reference: string | undefined,
): Promise<void> {
  if (state.status !== 'active') return; // refused later, with the status
  const payoff = payoffAmount(state);
  if (source === 'cash') {
    const tolerance = deps.overpaymentTolerance ?? DEFAULT_OVERPAYMENT_TOLERANCE;
    if (amount > payoff + tolerance)
      throw invalidArgument([
        {
          field: 'amount',
          reason: `exceeds the payoff amount ${formatMoney(payoff)} by more than the tolerance of ${formatMoney(tolerance)}`,
        },
      ]);
    return;
  }
  if (amount > payoff)
    throw invalidArgument([
      {
        field: 'amount',
        reason: `a settlement in kind must not exceed the payoff amount ${formatMoney(payoff)}`,
      },
    ]);
  const asset = await assetSettlement(tx, state.id, reference ?? '');
  if (!asset)
    throw invalidArgument([
      {
        field: 'reference',
        reason: 'must be the id of a repossessed asset registered on this loan',
      },
    ]);
  const left = asset.valuation - asset.settled;
  if (amount > left)
    throw invalidArgument([
      {
        field: 'amount',
        reason: `exceeds what is left of the asset's valuation (${formatMoney(left)} of ${formatMoney(asset.valuation)})`,
      },
    ]);
}

/** 还款: a repayment, prepayment or payoff on the open business date. */
export async function postRepayment<R>(
  deps: AccountingDeps,
  p: Principal,
  req: {
    commandId: string;
    loanId: string;
    amount: string;
    kind: string;
    prepaymentOption: string;
    reference: string;
    source: string;
  },
  reply: Reply<{ repayment: RepaymentShown; loan: LoanView }, R>,
): Promise<R> {
  requireRole(p, CASHIERS, 'posting a repayment');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const kind = f.oneOf<RepaymentKind>(
    'kind',
    req.kind,
    ['regular', 'prepayment', 'payoff'],
    'regular',
  );
  const option =
    kind === 'prepayment'
      ? f.oneOf<PrepaymentOption>(
          'prepaymentOption',
          req.prepaymentOption,
          ['shorten_term', 'lower_installment'],
          'lower_installment',
        )
      : req.prepaymentOption
        ? f.fail('prepaymentOption', 'applies to prepayments only')
        : undefined;
  const reference = f.text('reference', req.reference, { max: 100 });
  const source = f.oneOf<RepaymentSource>(
    'source',
    req.source,
    ['cash', 'repossessed_asset'],
    'cash',
  );
  if (source === 'repossessed_asset') {
    if (!reference)
      f.fail('reference', 'names the repossessed asset (its register id) for a settlement in kind');
    if (!p.roles.some((r) => r === 'post_loan_officer' || r === 'admin')) {
      f.fail('source', 'a settlement in kind is posted by post-loan staff');
    }
  }
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'PostRepayment', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      await boundRepayment(deps, tx, book.state, amount!, source!, reference);
      const interestFirst = prepaymentSettlesInterest(deps, record.meta.productCode);
      const outcome = repayBook(book, today, {
        amount: amount!,
        kind: kind!,
        option,
        order: record.meta.allocationOrder as Bucket[],
        source,
        interestFirst,
      });
      if (!outcome.ok) {
        if (outcome.field === 'loanId') throw failedPrecondition(outcome.reason);
        throw invalidArgument([{ field: outcome.field, reason: outcome.reason }]);
      }
      const repayment = {
        id: uuidv7(),
        loanId: loanId!,
        valueDate: toIso(today),
        amount: formatMoney(amount!),
        kind: kind!,
        prepaymentOption: option ?? null,
        allocation: allocationRecord(outcome.allocation),
        reference: reference ?? null,
        postedBy: p.userId,
        source: source!,
        accruedInterestFirst: kind === 'prepayment' && interestFirst,
      };
      await insertRepayment(tx, repayment);
      await persistChange(tx, outcome.change, {
        businessDate: today,
        kind: source === 'cash' ? 'repayment' : 'repossession',
        reference: repayment.id,
        description:
          source === 'cash'
            ? `${kind} repayment of loan ${record.meta.loanNumber}`
            : `Settlement in kind of loan ${record.meta.loanNumber} by repossessed asset ${reference}`,
      });
      const shown: RepaymentShown = {
        id: repayment.id,
        loanId: repayment.loanId,
        valueDate: repayment.valueDate,
        amount: repayment.amount,
        kind: repayment.kind,
        prepaymentOption: option ?? '',
        allocation: repayment.allocation,
        status: 'posted',
        reference: reference ?? '',
        source: repayment.source,
      };
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.repayment-posted',
        subjectId: loanId!,
        data: events.RepaymentPosted.toJSON({
          ...shown,
          branchId: record.meta.branchId,
          customerId: record.meta.customerId,
          loanClosed: outcome.settled,
        }),
      });
      const after = await findLoan(tx, loanId!);
      return reply({
        repayment: shown,
        loan: { record: after!, installments: await loadInstallments(tx, loanId!) },
      });
    }),
  );
}

/** Pays a credit balance (an overpayment held on the loan) back to the borrower. */
export async function refundCredit<R>(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; loanId: string; amount: string; reference: string },
  reply: Reply<{ loan: LoanView; refunded: string }, R>,
): Promise<R> {
  requireRole(p, CASHIERS, 'refunding a credit balance');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const asked = req.amount ? f.amount('amount', req.amount) : undefined;
  const reference = f.text('reference', req.reference, { max: 100 });
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'RefundCredit', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      const credit = book.state.creditBalance;
      if (credit === 0n) throw failedPrecondition('the loan holds no credit balance');
      const amount = asked ?? credit;
      if (amount > credit) {
        throw invalidArgument([
          { field: 'amount', reason: `exceeds the credit balance (${formatMoney(credit)})` },
        ]);
      }
      await persistChange(
        tx,
        {
          book: { ...book, state: { ...book.state, creditBalance: credit - amount } },
          postings: posting('repayment', ACCOUNTS.advanceReceipts, ACCOUNTS.settlement, amount),
          closedSegments: [],
          changedInstallments: [],
          rescheduled: false,
        },
        {
          businessDate: today,
          kind: 'repayment',
          description: `Refund of credit balance of loan ${record.meta.loanNumber}`,
        },
      );
      await insertCreditRefund(tx, {
        id: uuidv7(),
        loanId: loanId!,
        businessDate: today,
        amount,
        reference,
        by: p.userId,
      });
      const after = await findLoan(tx, loanId!);
      return reply({ loan: { record: after! }, refunded: formatMoney(amount) });
    }),
  );
}
