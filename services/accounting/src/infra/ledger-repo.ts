// Reads of the general ledger: trial balance, balances per loan, closed interest segments.
import type { Queryable } from '@loanflow/platform';
import type { AccountCode } from '../domain/loan/ledger';
import type { SegmentKind } from '../domain/loan/state';
import type { SegmentRecord } from '../domain/statement/segments';
import type { Cents } from '../domain/money';
import type { DayNumber } from '../domain/schedule/calendar';
import { cents, rate, toDay, toIso } from './loan-repo';

export interface AccountTotals {
  code: string;
  name: string;
  nameZh: string;
  category: string;
  debit: Cents;
  credit: Cents;
}

/**
 * Debit and credit totals of every account through `asOf` (everything when undefined), over the
 * lines of `branches` (every line when null: head office).
 */
export async function accountTotals(
  db: Queryable,
  asOf: DayNumber | undefined,
  branches: readonly string[] | null,
): Promise<AccountTotals[]> {
  const { rows } = await db.query<{
    code: string;
    name: string;
    name_zh: string;
    category: string;
    debit: string;
    credit: string;
  }>(
    `SELECT a.code, a.name, a.name_zh, a.category,
            COALESCE(t.debit, 0)::numeric(20, 2)::text AS debit, COALESCE(t.credit, 0)::numeric(20, 2)::text AS credit
       FROM gl_accounts a
       LEFT JOIN (SELECT account_code, sum(debit) AS debit, sum(credit) AS credit
                    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
                   WHERE ($1::date IS NULL OR e.business_date <= $1)
                     AND ($2::text[] IS NULL OR l.branch_id = ANY($2))
                   GROUP BY account_code) t ON t.account_code = a.code
      ORDER BY a.code`,
    [asOf === undefined ? null : toIso(asOf), branches],
  );
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    nameZh: r.name_zh,
    category: r.category,
    debit: cents(r.debit),
    credit: cents(r.credit),
  }));
}

/** Debit minus credit per loan and loan account, for the loans of `branches` (null: all). */
export async function loanLedgerBalances(
  db: Queryable,
  branches: readonly string[] | null,
): Promise<Map<string, Cents>> {
  const { rows } = await db.query<{ loan_id: string; account_code: string; balance: string }>(
    `SELECT l.loan_id, l.account_code, sum(l.debit - l.credit)::text AS balance
       FROM journal_lines l JOIN loans ln ON ln.id = l.loan_id
      WHERE l.loan_id IS NOT NULL AND ($1::text[] IS NULL OR ln.branch_id = ANY($1))
      GROUP BY l.loan_id, l.account_code`,
    [branches],
  );
  return new Map(rows.map((r) => [`${r.loan_id}:${r.account_code}`, cents(r.balance)]));
}

/** Debit minus credit per account of one loan. */
export async function ledgerBalancesOfLoan(
  db: Queryable,
  loanId: string,
): Promise<Map<AccountCode, Cents>> {
  const { rows } = await db.query<{ account_code: AccountCode; balance: string }>(
    `SELECT account_code, sum(debit - credit)::text AS balance FROM journal_lines WHERE loan_id = $1 GROUP BY account_code`,
    [loanId],
  );
  return new Map(rows.map((r) => [r.account_code, cents(r.balance)]));
}

/** The closed interest segments of a loan overlapping [from, to]. */
export async function closedSegments(
  db: Queryable,
  loanId: string,
  from: DayNumber,
  to: DayNumber,
): Promise<SegmentRecord[]> {
  const { rows } = await db.query<{
    kind: SegmentKind;
    start_date: string;
    end_date: string;
    base: string;
    rate: string;
    denominator: number;
  }>(
    `SELECT kind, start_date, end_date, base, rate, denominator FROM interest_segments
      WHERE loan_id = $1 AND end_date > $2 AND start_date <= $3`,
    [loanId, toIso(from), toIso(to)],
  );
  return rows.map((r) => ({
    kind: r.kind,
    start: toDay(r.start_date),
    end: toDay(r.end_date),
    base: cents(r.base),
    rate: rate(r.rate),
    denominator: r.denominator,
  }));
}

/** Interest of the loan's closed segments per kind. */
export async function segmentInterestTotals(
  db: Queryable,
  loanId: string,
): Promise<Map<string, Cents>> {
  const { rows } = await db.query<{ kind: string; total: string }>(
    `SELECT kind, sum(interest)::text AS total FROM interest_segments WHERE loan_id = $1 GROUP BY kind`,
    [loanId],
  );
  return new Map(rows.map((r) => [r.kind, cents(r.total)]));
}
