import { parseIsoDate, type DayNumber } from '../schedule/calendar';
import type { Cents } from '../money';
import type { Posting } from './ledger';
import { installmentRows, openingState, scheduleOf, validateLoanTerms } from './opening';
import type { LoanBook } from './book';

export const day = (iso: string): DayNumber => {
  const d = parseIsoDate(iso);
  if (d === undefined) throw new Error(`bad date ${iso}`);
  return d;
};

/** Opens a loan in memory from a schedule request (as the preview takes it). */
export function openBook(
  schedule: Record<string, unknown>,
  extra: { penaltyMarkupPercent?: string; graceDays?: number } = {},
): LoanBook {
  const terms = validateLoanTerms(schedule, extra.penaltyMarkupPercent, extra.graceDays);
  if (!terms.ok) throw new Error(JSON.stringify(terms.errors));
  const plan = scheduleOf(terms.value.schedule);
  return {
    terms: terms.value.schedule,
    state: openingState('loan-1', terms.value, plan),
    installments: installmentRows(plan),
  };
}

/** Ledger balance per account from postings: debit minus credit (liabilities come out negative). */
export function balancesOf(postings: readonly Posting[]): Map<string, Cents> {
  const out = new Map<string, Cents>();
  for (const p of postings) {
    out.set(p.debit, (out.get(p.debit) ?? 0n) + p.amount);
    out.set(p.credit, (out.get(p.credit) ?? 0n) - p.amount);
  }
  return out;
}
