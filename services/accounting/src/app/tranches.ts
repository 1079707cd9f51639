// 分次放款: a further tranche of a loan, within the approved amount.
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
import { disburseTranche as trancheOf } from '../domain/loan/book';
import { accountTail } from '../domain/loan/payee';
import { formatMoney } from '../domain/money';
import { cents, loadInstallments, toIso } from '../infra/loan-repo';
import { findLoan } from '../infra/loan-views';
import { insertDisbursement, nextTranche } from '../infra/movements-repo';
import { postingDate } from './business-day';
import { oncePerCommand } from './commands';
import { DISBURSERS, SOURCE, type AccountingDeps } from './deps';
import { Fields, validatePayee, type PayeeRequest } from './input';
import { loadBook, persistChange } from './loan-book';
import type { LoanView, Reply } from './views';

/** A further tranche of a loan, within the approved amount, paid out on the open business date. */
export async function disburseTranche<R>(
  deps: AccountingDeps,
  p: Principal,
  req: { commandId: string; loanId: string; amount: string; payee: PayeeRequest | undefined },
  reply: Reply<LoanView, R>,
): Promise<R> {
  requireRole(p, DISBURSERS, 'disbursing a tranche');
  const f = new Fields();
  const loanId = f.uuid('loanId', req.loanId);
  const amount = f.amount('amount', req.amount);
  const payee = validatePayee(f, req.payee);
  f.done();
  return withTransaction(deps.pool, (tx) =>
    oncePerCommand(tx, req.commandId, 'DisburseTranche', p, async () => {
      const today = await postingDate(tx);
      const { record, book } = await loadBook(tx, loanId!);
      requireBranch(p, record.meta.branchId, 'the loan');
      if (book.state.status !== 'active')
        throw failedPrecondition(`the loan is ${book.state.status}`);
      const disbursed = cents(record.meta.disbursedAmount);
      const approved = cents(record.meta.approvedAmount);
      if (disbursed + amount! > approved) {
        throw invalidArgument([
          {
            field: 'amount',
            reason: `exceeds what is left of the approved amount (${formatMoney(approved - disbursed)})`,
          },
        ]);
      }
      if (book.state.nextPeriod === null)
        throw failedPrecondition('every installment of the loan is already billed');
      const change = trancheOf(book, today, amount!);
      const tranche = await nextTranche(tx, loanId!);
      await insertDisbursement(tx, {
        id: uuidv7(),
        loanId: loanId!,
        tranche,
        amount: amount!,
        valueDate: today,
        payee,
        disbursedBy: p.userId,
      });
      await persistChange(tx, change, {
        businessDate: today,
        kind: 'disbursement',
        description: `Disbursement of loan ${record.meta.loanNumber}, tranche ${tranche}`,
      });
      await appendToOutbox(tx, SOURCE, {
        type: 'accounting.loan.disbursed',
        subjectId: loanId!,
        data: events.LoanDisbursed.toJSON({
          loanId: loanId!,
          loanNumber: record.meta.loanNumber,
          customerId: record.meta.customerId,
          branchId: record.meta.branchId,
          tranche,
          amount: formatMoney(amount!),
          valueDate: toIso(today),
          paymentMethod: payee.method,
          accountTail: accountTail(payee.account),
        }),
      });
      const after = await findLoan(tx, loanId!);
      return reply({ record: after!, installments: await loadInstallments(tx, loanId!) });
    }),
  );
}
