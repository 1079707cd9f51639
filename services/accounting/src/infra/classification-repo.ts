// Manual classification changes (maker-checker) and the classification kept on the loan.
import type { Queryable } from '@loanflow/platform';
import type { Classification } from '../domain/loan/state';
import type { DayNumber } from '../domain/schedule/calendar';
import { toIso } from './loan-repo';

export interface ClassificationChange {
  id: string;
  loanId: string;
  from: string;
  to: string;
  cause: string;
  reason: string | null;
  status: 'pending' | 'approved' | 'rejected';
  requestedBy: string;
  decidedBy: string | null;
  businessDate: string;
}

interface ChangeRow {
  id: string;
  loan_id: string;
  from_class: string;
  to_class: string;
  cause: string;
  reason: string | null;
  status: ClassificationChange['status'];
  requested_by: string;
  decided_by: string | null;
  business_date: string;
}

const changeOf = (r: ChangeRow): ClassificationChange => ({
  id: r.id,
  loanId: r.loan_id,
  from: r.from_class,
  to: r.to_class,
  cause: r.cause,
  reason: r.reason,
  status: r.status,
  requestedBy: r.requested_by,
  decidedBy: r.decided_by,
  businessDate: r.business_date,
});

export async function hasPendingChange(tx: Queryable, loanId: string): Promise<boolean> {
  const pending = await tx.query(
    `SELECT 1 FROM classification_changes WHERE loan_id = $1 AND status = 'pending'`,
    [loanId],
  );
  return (pending.rowCount ?? 0) > 0;
}

export async function insertManualChange(
  tx: Queryable,
  c: {
    id: string;
    loanId: string;
    from: Classification;
    to: Classification;
    reason: string;
    requestedBy: string;
    businessDate: DayNumber;
  },
): Promise<ClassificationChange> {
  const { rows } = await tx.query<ChangeRow>(
    `INSERT INTO classification_changes (id, loan_id, from_class, to_class, cause, reason, status, requested_by, business_date)
     VALUES ($1, $2, $3, $4, 'manual', $5, 'pending', $6, $7) RETURNING *`,
    [c.id, c.loanId, c.from, c.to, c.reason, c.requestedBy, toIso(c.businessDate)],
  );
  return changeOf(rows[0]!);
}

export async function changeById(
  tx: Queryable,
  id: string,
  lock = false,
): Promise<ClassificationChange | undefined> {
  const { rows } = await tx.query<ChangeRow>(
    `SELECT * FROM classification_changes WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] && changeOf(rows[0]);
}

/** Records the decision; a comment is appended to the reason. */
export async function decideChange(
  tx: Queryable,
  id: string,
  d: { approve: boolean; by: string; comment: string | undefined },
): Promise<ClassificationChange> {
  const { rows } = await tx.query<ChangeRow>(
    `UPDATE classification_changes SET status = $2, decided_by = $3, decided_at = now(),
            reason = CASE WHEN $4::text IS NULL THEN reason ELSE reason || ' / ' || $4 END
      WHERE id = $1 RETURNING *`,
    [id, d.approve ? 'approved' : 'rejected', d.by, d.comment ?? null],
  );
  return changeOf(rows[0]!);
}

export async function setLoanClassification(
  tx: Queryable,
  loanId: string,
  to: string,
  on: string,
): Promise<void> {
  await tx.query(
    'UPDATE loans SET classification = $2, classified_on = $3, version = version + 1 WHERE id = $1',
    [loanId, to, on],
  );
}
