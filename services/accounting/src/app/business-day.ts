import { failedPrecondition, type Pool, type Queryable } from '@loanflow/platform';
import type { DayNumber } from '../domain/schedule/calendar';
import { toDay, toIso } from '../infra/loan-repo';

export interface OpenDay {
  date: DayNumber;
  status: 'open' | 'closing';
}

/** Opens the first business date of a new book (once; later starts find it there). */
export async function ensureBusinessCalendar(pool: Pool, firstDate: string): Promise<void> {
  await pool.query(
    `INSERT INTO business_days (business_date, status)
     SELECT $1, 'open' WHERE NOT EXISTS (SELECT 1 FROM business_days)
     ON CONFLICT DO NOTHING`,
    [firstDate],
  );
}

export async function openBusinessDay(tx: Queryable): Promise<OpenDay> {
  const { rows } = await tx.query<{ business_date: string; status: 'open' | 'closing' }>(
    `SELECT business_date, status FROM business_days WHERE status <> 'closed'`,
  );
  if (!rows[0]) throw failedPrecondition('no business date is open');
  return { date: toDay(rows[0].business_date), status: rows[0].status };
}

/**
 * The open business date for a posting. Postings wait for no batch: while the end of day runs
 * they are refused, and the client retries on the next date.
 */
export async function postingDate(tx: Queryable): Promise<DayNumber> {
  // A shared lock on the open day row: the batch takes it exclusively to start closing.
  const { rows } = await tx.query<{ business_date: string; status: string }>(
    `SELECT business_date, status FROM business_days WHERE status <> 'closed' FOR SHARE`,
  );
  const day = rows[0];
  if (!day) throw failedPrecondition('no business date is open');
  if (day.status !== 'open') {
    throw failedPrecondition(
      `the end of day of ${day.business_date} is running; retry when it has closed`,
    );
  }
  return toDay(day.business_date);
}

export const isoDay = toIso;
