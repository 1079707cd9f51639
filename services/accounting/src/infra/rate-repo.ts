// Loan prime rates (LPR) and recorded rate changes of loans.
import type { Queryable } from '@loanflow/platform';
import type { DayNumber } from '../domain/schedule/calendar';
import { formatRate, type Rate } from '../domain/money';
import { rate, toDay, toIso } from './loan-repo';

/** The `term` LPR in force on `on` (the latest published on or before it). */
export async function lprInForce(
  db: Queryable,
  term: string,
  on: DayNumber,
): Promise<Rate | undefined> {
  const { rows } = await db.query<{ rate: string }>(
    `SELECT rate FROM lpr_rates WHERE term = $1 AND effective_date <= $2 ORDER BY effective_date DESC LIMIT 1`,
    [term, toIso(on)],
  );
  return rows[0] && rate(rows[0].rate);
}

/** The `term` LPR published for exactly `effective`, if any. */
export async function lprPublishedFor(
  db: Queryable,
  term: string,
  effective: DayNumber,
): Promise<Rate | undefined> {
  const { rows } = await db.query<{ rate: string }>(
    'SELECT rate FROM lpr_rates WHERE term = $1 AND effective_date = $2',
    [term, toIso(effective)],
  );
  return rows[0] && rate(rows[0].rate);
}

export async function insertLpr(
  db: Queryable,
  lpr: { term: string; effective: DayNumber; rate: Rate; publishedBy: string },
): Promise<void> {
  await db.query(
    'INSERT INTO lpr_rates (term, effective_date, rate, published_by) VALUES ($1, $2, $3, $4)',
    [lpr.term, toIso(lpr.effective), formatRate(lpr.rate), lpr.publishedBy],
  );
}

/** Records a rate change by agreement; false when one is already recorded for that date. */
export async function insertAgreedRateChange(
  db: Queryable,
  change: {
    id: string;
    loanId: string;
    effective: DayNumber;
    rate: Rate;
    reference: string;
    recordedBy: string;
  },
): Promise<boolean> {
  const inserted = await db.query(
    `INSERT INTO rate_changes (id, loan_id, effective_date, new_rate, source, reference, recorded_by)
     VALUES ($1, $2, $3, $4, 'agreement', $5, $6) ON CONFLICT (loan_id, effective_date, source) DO NOTHING`,
    [
      change.id,
      change.loanId,
      toIso(change.effective),
      formatRate(change.rate),
      change.reference,
      change.recordedBy,
    ],
  );
  return inserted.rowCount !== 0;
}

/** The rates a loan took, in order of the dates they took effect (for a replay). */
export async function appliedRateChanges(
  db: Queryable,
  loanId: string,
): Promise<{ effective: DayNumber; rate: Rate }[]> {
  const { rows } = await db.query<{ effective_date: string; new_rate: string }>(
    'SELECT effective_date, new_rate FROM rate_changes WHERE loan_id = $1 AND applied ORDER BY effective_date',
    [loanId],
  );
  return rows.map((r) => ({ effective: toDay(r.effective_date), rate: rate(r.new_rate) }));
}
