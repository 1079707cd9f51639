// Batches of loans migrated from another system (maker-checker).
import type { Queryable } from '@loanflow/platform';
import {
  accountingV1 as pb,
  scheduleRequestFromJson,
  scheduleRequestToJson,
} from '@loanflow/proto';

/** One loan of a batch as requested: the terms of a loan opening, from the other system. */
export interface ImportedLoanInput {
  externalReference: string;
  customerId: string;
  borrowerName: string;
  branchId: string;
  productCode: string;
  approvedAmount: string;
  /** The schedule request's JSON form. */
  schedule: Record<string, unknown> | undefined;
  rateType: string;
  lprTerm: string;
  spreadBp: number;
  repricing: string;
  penaltyMarkupPercent: string;
  graceDays: number;
  allocationOrder: string[];
  payee:
    | {
        paymentMethod: string;
        counterpartyName: string;
        counterpartyAccount: string;
        counterpartyBank: string;
      }
    | undefined;
}

// Kept as the ImportedLoan's proto JSON, with the schedule in its own JSON form (as loans keep it).
const storedLoan = (l: ImportedLoanInput): unknown => ({
  ...(pb.ImportedLoan.toJSON({ ...l, schedule: undefined }) as object),
  schedule: l.schedule,
});

const loanOf = (json: unknown): ImportedLoanInput => {
  const { schedule, ...rest } = json as { schedule?: Record<string, unknown> };
  return { ...pb.ImportedLoan.fromJSON(rest), schedule };
};

/** The schedule's JSON form as the message carries it (what the JSON types allow). */
export const scheduleJsonOf = (m: pb.ScheduleRequest | undefined) => m && scheduleRequestToJson(m);
export const scheduleMessageOf = (json: Record<string, unknown> | undefined) =>
  json && scheduleRequestFromJson(json).request;

export interface LoanImportRecord {
  id: string;
  status: 'pending' | 'approved' | 'rejected';
  sourceSystem: string;
  reason: string;
  /** The loans as requested. */
  loans: ImportedLoanInput[];
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
  loans: r.loans.map(loanOf),
  requestedBy: r.requested_by,
  requestedAt: r.requested_at,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  decisionComment: r.decision_comment,
  loanIds: r.loan_ids,
});

export async function insertImport(
  tx: Queryable,
  i: {
    id: string;
    sourceSystem: string;
    reason: string;
    loans: ImportedLoanInput[];
    requestedBy: string;
  },
): Promise<LoanImportRecord> {
  const { rows } = await tx.query<ImportRow>(
    `INSERT INTO loan_imports (id, status, source_system, reason, loans, requested_by, requested_at)
     VALUES ($1, 'pending', $2, $3, $4, $5, now()) RETURNING *`,
    [i.id, i.sourceSystem, i.reason, JSON.stringify(i.loans.map(storedLoan)), i.requestedBy],
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
