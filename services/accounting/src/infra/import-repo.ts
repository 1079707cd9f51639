// Batches of loans migrated from another system (maker-checker).
import type { Queryable } from '@loanflow/platform';

export interface LoanImportRecord {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  sourceSystem: string;
  reason: string;
  /** The loans as requested (the proto JSON of each ImportedLoan). */
  loans: unknown[];
  requestedBy: string;
  requestedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionComment: string | null;
  loanIds: string[];
}

interface ImportRow {
  id: string;
  status: LoanImportRecord['status'];
  source_system: string;
  reason: string;
  loans: unknown[];
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_comment: string | null;
  loan_ids: string[];
}

const importOf = (r: ImportRow): LoanImportRecord => ({
  id: r.id,
  status: r.status,
  sourceSystem: r.source_system,
  reason: r.reason,
  loans: r.loans,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionComment: r.decision_comment,
  loanIds: r.loan_ids,
});

export async function insertImport(
  tx: Queryable,
  i: { id: string; sourceSystem: string; reason: string; loans: unknown[]; requestedBy: string },
): Promise<LoanImportRecord> {
  const { rows } = await tx.query<ImportRow>(
    `INSERT INTO loan_imports (id, status, source_system, reason, loans, requested_by, requested_at)
     VALUES ($1, 'pending', $2, $3, $4, $5, now()) RETURNING *`,
    [i.id, i.sourceSystem, i.reason, JSON.stringify(i.loans), i.requestedBy],
  );
  return importOf(rows[0]!);
}

export async function importById(
  db: Queryable,
  id: string,
  lock = false,
): Promise<LoanImportRecord | undefined> {
  const { rows } = await db.query<ImportRow>(
    `SELECT * FROM loan_imports WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] && importOf(rows[0]);
}

export async function decideImport(
  tx: Queryable,
  id: string,
  d: { approve: boolean; by: string; comment: string | undefined; loanIds: string[] },
): Promise<LoanImportRecord> {
  const { rows } = await tx.query<ImportRow>(
    `UPDATE loan_imports SET status = $2, decided_by = $3, decided_at = now(),
       decision_comment = $4, loan_ids = $5 WHERE id = $1 RETURNING *`,
    [id, d.approve ? 'approved' : 'rejected', d.by, d.comment ?? null, d.loanIds],
  );
  return importOf(rows[0]!);
}
