// A loan's in-memory book (terms, state, schedule) loaded from and saved to its repository.
import { notFound } from '@loanflow/platform';
import type { BookChange, LoanBook } from '../domain/loan/book';
import type { Posting, PostingKind } from '../domain/loan/ledger';
import { validateScheduleRequest } from '../domain/schedule';
import type { DayNumber } from '../domain/schedule/calendar';
import type { Db } from '../infra/db';
import {
  insertSegments,
  loadInstallments,
  postLoanEntry,
  saveState,
  writeInstallments,
} from '../infra/loan-repo';
import { findLoan, type LoanRecord } from '../infra/loan-views';

/** Applies a change of the in-memory book to the database: state, schedule, segments, entry. */
export async function persistChange(
  tx: Db,
  change: BookChange,
  entry: {
    businessDate: DayNumber;
    kind: PostingKind;
    reference?: string;
    description: string;
    extra?: Posting[];
  },
): Promise<void> {
  const st = change.book.state;
  await saveState(tx, st);
  const rows = change.rescheduled
    ? change.book.installments.filter(
        (r) =>
          r.status === 'scheduled' || change.changedInstallments.some((c) => c.period === r.period),
      )
    : change.changedInstallments;
  await writeInstallments(tx, st.id, rows, change.rescheduled);
  await insertSegments(
    tx,
    change.closedSegments.map((g) => ({ ...g, loanId: st.id })),
  );
  await postLoanEntry(tx, {
    businessDate: entry.businessDate,
    kind: entry.kind,
    loanId: st.id,
    reference: entry.reference,
    description: entry.description,
    postings: [...(entry.extra ?? []), ...change.postings],
  });
}

/** The loan locked for a change, with its book. */
export async function loadBook(
  tx: Db,
  id: string,
): Promise<{ record: LoanRecord; book: LoanBook }> {
  const record = await findLoan(tx, id, true);
  if (!record) throw notFound(`loan ${id}`);
  const terms = validateScheduleRequest(record.meta.terms);
  if (!terms.ok) throw new Error(`stored terms of loan ${id} no longer validate`);
  return {
    record,
    book: { terms: terms.value, state: record.state, installments: await loadInstallments(tx, id) },
  };
}

/** The loan locked for a change, or NOT_FOUND. */
export async function lockedLoan(tx: Db, id: string): Promise<LoanRecord> {
  const record = await findLoan(tx, id, true);
  if (!record) throw notFound(`loan ${id}`);
  return record;
}
