import type { DayNumber } from '../schedule/calendar';
import { formatIsoDate } from '../schedule/calendar';
import type { Cents, Rate } from '../money';
import {
  closeBookDay,
  disburseTranche,
  repayBook,
  type LoanBook,
  type RepaymentRequest,
} from './book';
import type { ClassificationPolicy } from './classification';
import { ACCOUNTS, posting, type Posting } from './ledger';
import { installmentRows, openingState, scheduleOf, type LoanTerms } from './opening';
import type { Allocation } from './repayment';
import type { ClosedSegment } from './state';

/** Everything that happened to a loan, to run it again from its first day. */
export interface LoanHistory {
  id: string;
  terms: LoanTerms;
  /**
   * Tranches after the first and the repayments still standing, in the order they were posted
   * (the order matters within a day: a prepayment that shortens the term before or after a
   * tranche gives another schedule).
   */
  postings: (
    | { kind: 'tranche'; day: DayNumber; amount: Cents }
    | { kind: 'refund'; id: string; day: DayNumber; amount: Cents }
    | { kind: 'repayment'; id: string; day: DayNumber; request: RepaymentRequest }
  )[];
  /** Contract rates by the date they took effect. */
  rateChanges: { effective: DayNumber; rate: Rate }[];
}

export type Replay =
  | {
      ok: true;
      book: LoanBook;
      postings: Posting[];
      closedSegments: ClosedSegment[];
      allocations: Map<string, Allocation>;
    }
  | { ok: false; repaymentId: string; reason: string };

/**
 * Runs a loan from its disbursement through the end of day of `lastClosed`, then the postings of
 * the open day: the same end-of-day and repayment logic as the batch and the commands, so a
 * loan replayed without a wrongly posted repayment is what it would have been without it.
 */
export function replayLoan(
  h: LoanHistory,
  lastClosed: DayNumber,
  policy: ClassificationPolicy,
): Replay {
  const plan = scheduleOf(h.terms.schedule);
  let book: LoanBook = {
    terms: h.terms.schedule,
    state: openingState(h.id, h.terms, plan),
    installments: installmentRows(plan),
  };
  const principal = book.state.principal;
  const postings: Posting[] = posting(
    'disbursement',
    ACCOUNTS.principal,
    ACCOUNTS.settlement,
    principal,
  );
  const closedSegments: ClosedSegment[] = [];
  const allocations = new Map<string, Allocation>();
  const rateOn = new Map(h.rateChanges.map((c) => [c.effective, c.rate]));

  const postingsOf = (day: DayNumber): Replay | undefined => {
    for (const x of h.postings.filter((p) => p.day === day)) {
      if (x.kind === 'refund') {
        // A credit paid back: without the reversed repayment there may be nothing to pay back.
        if (book.state.creditBalance < x.amount) {
          return {
            ok: false,
            repaymentId: x.id,
            reason: `the credit refund of ${formatIsoDate(day)} would exceed the credit balance`,
          };
        }
        book = {
          ...book,
          state: { ...book.state, creditBalance: book.state.creditBalance - x.amount },
        };
        postings.push(
          ...posting('repayment', ACCOUNTS.advanceReceipts, ACCOUNTS.settlement, x.amount),
        );
        continue;
      }
      if (x.kind === 'tranche') {
        const change = disburseTranche(book, day, x.amount);
        book = change.book;
        postings.push(...change.postings);
        closedSegments.push(...change.closedSegments);
        continue;
      }
      const out = repayBook(book, day, x.request);
      if (!out.ok) {
        return {
          ok: false,
          repaymentId: x.id,
          reason: `the repayment of ${formatIsoDate(day)} would fail: ${out.field} ${out.reason}`,
        };
      }
      book = out.change.book;
      allocations.set(x.id, out.allocation);
      postings.push(...out.change.postings);
      closedSegments.push(...out.change.closedSegments);
    }
    return undefined;
  };

  for (let day = book.state.accruedThrough + 1; day <= lastClosed + 1; day++) {
    const failed = postingsOf(day);
    if (failed) return failed;
    if (day > lastClosed || book.state.status !== 'active') continue;
    const { change } = closeBookDay(book, day, policy, rateOn.get(day + 1));
    book = change.book;
    postings.push(...change.postings);
    closedSegments.push(...change.closedSegments);
  }
  return { ok: true, book, postings, closedSegments, allocations };
}
