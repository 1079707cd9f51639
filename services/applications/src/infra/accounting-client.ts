import { Metadata } from '@grpc/grpc-js';
import { createGrpcClient, promiseClient, type PromiseClient } from '@loanflow/platform';
import { accountingV1 } from '@loanflow/proto';
import { Decimal } from 'decimal.js';
import type { BookedLoan } from '../app/applications';

export type AccountingClient = PromiseClient<accountingV1.AccountingServiceClient>;

export const accountingClient = (addr: string): AccountingClient =>
  promiseClient(createGrpcClient(accountingV1.AccountingServiceClient, addr));

const sum = (...amounts: string[]) =>
  amounts.reduce((a, b) => a.plus(b || '0'), new Decimal(0)).toFixed(2);

/**
 * The customer's active loans in the accounting books, read with the caller's token (so the
 * accounting service applies its own role and branch checks): outstanding principal, and the
 * next installment not yet paid as booked in the loan's schedule.
 */
export function loansOfCustomer(
  client: AccountingClient,
  timeoutMs = 5000,
): (customerId: string, token: string) => Promise<BookedLoan[]> {
  return async (customerId, token) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const opts = { metadata, timeoutMs };
    const loans: accountingV1.Loan[] = [];
    let pageToken = '';
    do {
      const page = await client.listLoans(
        accountingV1.ListLoansRequest.fromPartial({
          customerId,
          status: 'active',
          pageSize: 500,
          pageToken,
        }),
        opts,
      );
      loans.push(...page.loans);
      pageToken = page.nextPageToken;
    } while (pageToken);
    const booked: BookedLoan[] = [];
    for (const listed of loans) {
      const { loan } = await client.getLoan({ id: listed.id }, opts);
      const b = loan!.balances!;
      const next = loan!.installments.find((i) => i.status !== 'paid');
      booked.push({
        loanId: loan!.id,
        loanNumber: loan!.loanNumber,
        outstandingPrincipal: sum(b.principal, b.duePrincipal, b.overduePrincipal),
        nextInstallment: next
          ? new Decimal(next.principal)
              .plus(next.scheduledInterest || '0')
              .minus(next.principalPaid || '0')
              .minus(next.interestPaid || '0')
              .toFixed(2)
          : '0.00',
      });
    }
    return booked;
  };
}
