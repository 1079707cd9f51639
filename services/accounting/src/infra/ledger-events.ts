// accounting.ledger.entry-posted: appended by the functions that write journal entries, in their
// transaction, so that no entry reaches the ledger without reaching the reporting service.
import { appendToOutbox, type Queryable } from '@loanflow/platform';
import { accountingEventsV1 as events } from '@loanflow/proto';
import { formatMoney, type Cents } from '../domain/money';

const SOURCE = 'accounting';

export interface PostedLine {
  account: string;
  branchId: string;
  loanId: string | null;
  debit: Cents;
  credit: Cents;
}

export interface PostedEntry {
  entryId: string;
  businessDate: string;
  kind: string;
  loanId?: string;
  reference?: string;
  description: string;
  lines: readonly PostedLine[];
}

export async function appendEntryPosted(tx: Queryable, e: PostedEntry): Promise<void> {
  await appendToOutbox(tx, SOURCE, {
    type: 'accounting.ledger.entry-posted',
    subjectId: e.entryId,
    data: events.LedgerEntryPosted.toJSON({
      entryId: e.entryId,
      businessDate: e.businessDate,
      kind: e.kind,
      loanId: e.loanId,
      reference: e.reference,
      description: e.description,
      lines: e.lines.map((l) => ({
        accountCode: l.account,
        branchId: l.branchId,
        loanId: l.loanId ?? undefined,
        debit: formatMoney(l.debit),
        credit: formatMoney(l.credit),
      })),
    }),
  });
}

/**
 * An end-of-day entry's lines summed per account and branch (its per-loan detail is in
 * loans.day-closed): debits and credits each summed, in the order the pairs first appear.
 */
export function perAccountAndBranch(lines: Iterable<PostedLine>): PostedLine[] {
  const sums = new Map<string, PostedLine>();
  for (const l of lines) {
    const key = `${l.account}\u0000${l.branchId}`;
    const sum = sums.get(key);
    if (sum) {
      sum.debit += l.debit;
      sum.credit += l.credit;
    } else {
      sums.set(key, {
        account: l.account,
        branchId: l.branchId,
        loanId: null,
        debit: l.debit,
        credit: l.credit,
      });
    }
  }
  return [...sums.values()].filter((l) => l.debit !== 0n || l.credit !== 0n);
}
