import type { Queryable } from '@loanflow/platform';
import type { RepaymentMethod } from '../domain/schedule';
import type {
  ApplicationStatus,
  CustomerType,
  HistoryAction,
  HistoryEntry,
  LoanApplication,
  StoredAssessment,
} from '../app/model';

interface DbRow {
  id: string;
  customer_id: string;
  customer_type: CustomerType;
  customer_name: string;
  product_code: string;
  branch_id: string;
  amount: string;
  term_months: number;
  repayment_method: RepaymentMethod;
  rate_percent: string;
  purpose: string;
  business_situation: string;
  monthly_income: string | null;
  existing_monthly_debt_payments: string | null;
  status: ApplicationStatus;
  assessment: StoredAssessment | null;
  version: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  withdrawn_at: Date | null;
  withdraw_reason: string | null;
  decided_at: Date | null;
  approved_amount: string | null;
  approved_rate_percent: string | null;
  approved_term_months: number | null;
  contract_id: string | null;
  contract_number: string | null;
  loan_id: string | null;
  loan_number: string | null;
}

const SELECT = `SELECT a.*, c.name AS customer_name FROM loan_applications a JOIN customers c ON c.id = a.customer_id`;

function toApplication(r: DbRow): LoanApplication {
  return {
    id: r.id,
    customerId: r.customer_id,
    customerType: r.customer_type,
    customerName: r.customer_name,
    productCode: r.product_code,
    branchId: r.branch_id,
    amount: r.amount,
    termMonths: r.term_months,
    repaymentMethod: r.repayment_method,
    ratePercent: r.rate_percent,
    purpose: r.purpose,
    businessSituation: r.business_situation,
    monthlyIncome: r.monthly_income ?? undefined,
    existingMonthlyDebtPayments: r.existing_monthly_debt_payments ?? undefined,
    status: r.status,
    assessment: r.assessment ?? undefined,
    version: r.version,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    submittedAt: r.submitted_at?.toISOString(),
    withdrawnAt: r.withdrawn_at?.toISOString(),
    withdrawReason: r.withdraw_reason ?? undefined,
    decidedAt: r.decided_at?.toISOString(),
    approvedAmount: r.approved_amount ?? undefined,
    approvedRatePercent: r.approved_rate_percent ?? undefined,
    approvedTermMonths: r.approved_term_months ?? undefined,
    contractId: r.contract_id ?? undefined,
    contractNumber: r.contract_number ?? undefined,
    loanId: r.loan_id ?? undefined,
    loanNumber: r.loan_number ?? undefined,
  };
}

export interface DraftFields {
  customerId: string;
  customerType: CustomerType;
  productCode: string;
  branchId: string;
  amount: string;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
  ratePercent: string;
  purpose: string;
  businessSituation: string;
  monthlyIncome?: string;
  existingMonthlyDebtPayments?: string;
}

/** $1…$13 of both the insert and the update, in column order. */
const draftParams = (id: string, d: DraftFields): unknown[] => [
  id,
  d.customerId,
  d.customerType,
  d.productCode,
  d.branchId,
  d.amount,
  d.termMonths,
  d.repaymentMethod,
  d.ratePercent,
  d.purpose,
  d.businessSituation,
  d.monthlyIncome ?? null,
  d.existingMonthlyDebtPayments ?? null,
];

export async function insertApplication(
  db: Queryable,
  id: string,
  d: DraftFields,
  createdBy: string,
): Promise<void> {
  await db.query(
    `INSERT INTO loan_applications (id, customer_id, customer_type, product_code, branch_id, amount, term_months,
       repayment_method, rate_percent, purpose, business_situation, monthly_income, existing_monthly_debt_payments,
       status, created_by)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,'draft',$14)`,
    [...draftParams(id, d), createdBy],
  );
}

export async function updateDraft(db: Queryable, id: string, d: DraftFields): Promise<void> {
  await db.query(
    `UPDATE loan_applications SET customer_id = $2, customer_type = $3, product_code = $4, branch_id = $5, amount = $6,
       term_months = $7, repayment_method = $8, rate_percent = $9, purpose = $10, business_situation = $11,
       monthly_income = $12, existing_monthly_debt_payments = $13, version = version + 1, updated_at = now()
     WHERE id = $1`,
    draftParams(id, d),
  );
}

export async function applicationById(
  db: Queryable,
  id: string,
  lock = false,
): Promise<LoanApplication | undefined> {
  const { rows } = await db.query<DbRow>(
    `${SELECT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`,
    [id],
  );
  return rows[0] ? toApplication(rows[0]) : undefined;
}

/** Records the submission and its assessment: submitted, or declined by a knockout rule. */
export async function markSubmitted(
  db: Queryable,
  id: string,
  assessment: StoredAssessment,
  by: string,
  status: 'submitted' | 'declined',
): Promise<void> {
  await db.query(
    `UPDATE loan_applications SET status = $4, assessment = $2, submitted_by = $3, submitted_at = now(),
       version = version + 1, updated_at = now() WHERE id = $1`,
    [id, JSON.stringify(assessment), by, status],
  );
}

export async function markWithdrawn(
  db: Queryable,
  id: string,
  reason: string,
  by: string,
): Promise<void> {
  await db.query(
    `UPDATE loan_applications SET status = 'withdrawn', withdraw_reason = $2, withdrawn_by = $3, withdrawn_at = now(),
       version = version + 1, updated_at = now() WHERE id = $1`,
    [id, reason, by],
  );
}

/** An application of the customer that is under way but not yet a loan. */
export interface PendingApplication {
  id: string;
  status: 'submitted' | 'approved' | 'contracted';
  /** The approved figures once approved, else the applied ones. */
  amount: string;
  ratePercent: string;
  termMonths: number;
  repaymentMethod: RepaymentMethod;
}

/**
 * The customer's other applications that are submitted, approved or contracted: each will
 * become a loan unless stopped. (A disbursed one is a loan and counts in the accounting books.)
 */
export async function pendingApplications(
  db: Queryable,
  customerId: string,
  exceptId: string,
): Promise<PendingApplication[]> {
  const { rows } = await db.query<{
    id: string;
    status: PendingApplication['status'];
    amount: string;
    rate_percent: string;
    term_months: number;
    repayment_method: RepaymentMethod;
  }>(
    `SELECT id, status, COALESCE(approved_amount, amount) AS amount,
            COALESCE(approved_rate_percent, rate_percent) AS rate_percent,
            COALESCE(approved_term_months, term_months) AS term_months, repayment_method
       FROM loan_applications
      WHERE customer_id = $1 AND id <> $2 AND status IN ('submitted', 'approved', 'contracted')
      ORDER BY id`,
    [customerId, exceptId],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    amount: r.amount,
    ratePercent: r.rate_percent,
    termMonths: r.term_months,
    repaymentMethod: r.repayment_method,
  }));
}

export async function appendHistory(
  db: Queryable,
  applicationId: string,
  entry: {
    action: HistoryAction;
    at?: string;
    actor?: string;
    reason?: string;
    details?: Record<string, string>;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO application_history (application_id, action, at, actor, reason, details)
     VALUES ($1, $2, COALESCE($3::timestamptz, now()), $4, $5, $6)`,
    [
      applicationId,
      entry.action,
      entry.at ?? null,
      entry.actor ?? null,
      entry.reason ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}

export async function historyOf(db: Queryable, applicationId: string): Promise<HistoryEntry[]> {
  return (await historiesOf(db, [applicationId])).get(applicationId) ?? [];
}

/** The histories of several applications (a page of a list) in one query. */
export async function historiesOf(
  db: Queryable,
  applicationIds: string[],
): Promise<Map<string, HistoryEntry[]>> {
  const { rows } = await db.query<{
    application_id: string;
    action: HistoryAction;
    at: Date;
    actor: string | null;
    reason: string | null;
    details: Record<string, string>;
  }>(
    `SELECT application_id, action, at, actor, reason, details FROM application_history
      WHERE application_id = ANY($1::uuid[]) ORDER BY id`,
    [applicationIds],
  );
  const histories = new Map<string, HistoryEntry[]>(applicationIds.map((id) => [id, []]));
  for (const r of rows)
    histories.get(r.application_id)?.push({
      action: r.action,
      at: r.at.toISOString(),
      actor: r.actor ?? undefined,
      reason: r.reason ?? undefined,
      details: r.details,
    });
  return histories;
}

/**
 * Approved → contracted, linked to the contract. The loan's event may overtake the signature's
 * (they travel on different subjects): a disbursed application still takes the link. False when
 * the application is in neither state or already has a contract.
 */
export async function markContracted(
  db: Queryable,
  id: string,
  contract: { contractId: string; contractNumber: string },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE loan_applications
        SET status = CASE status WHEN 'approved' THEN 'contracted' ELSE status END,
            contract_id = $2, contract_number = $3, version = version + 1, updated_at = now()
      WHERE id = $1 AND status IN ('approved', 'disbursed') AND contract_id IS NULL`,
    [id, contract.contractId, contract.contractNumber],
  );
  return (res.rowCount ?? 0) > 0;
}

/** Contracted (or approved, if the signature's event is still on its way) → disbursed. */
export async function markDisbursed(
  db: Queryable,
  id: string,
  loan: { loanId: string; loanNumber: string },
): Promise<boolean> {
  const res = await db.query(
    `UPDATE loan_applications SET status = 'disbursed', loan_id = $2, loan_number = $3,
       version = version + 1, updated_at = now()
     WHERE id = $1 AND status IN ('approved', 'contracted')`,
    [id, loan.loanId, loan.loanNumber],
  );
  return (res.rowCount ?? 0) > 0;
}

/** A submitted (or approved) application ends as `status` (declined, expired). */
export async function markEnded(
  db: Queryable,
  id: string,
  status: 'declined' | 'expired',
  from: ApplicationStatus,
): Promise<boolean> {
  const res = await db.query(
    `UPDATE loan_applications SET status = $2, version = version + 1, updated_at = now()
     WHERE id = $1 AND status = $3`,
    [id, status, from],
  );
  return (res.rowCount ?? 0) > 0;
}

/**
 * Submitted applications pending since before `submittedBefore[product]`, and approved ones
 * decided before `decidedBefore[product]`: ids, oldest first, locked, at most `limit`.
 */
export async function staleApplications(
  db: Queryable,
  cutoffs: { productCode: string; submittedBefore: string; decidedBefore: string }[],
  limit: number,
): Promise<
  { id: string; status: 'submitted' | 'approved'; customerId: string; branchId: string }[]
> {
  const { rows } = await db.query<{
    id: string;
    status: 'submitted' | 'approved';
    customer_id: string;
    branch_id: string;
  }>(
    `SELECT a.id, a.status, a.customer_id, a.branch_id
       FROM loan_applications a
       JOIN unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS c(product_code, submitted_before, decided_before)
         ON c.product_code = a.product_code
      WHERE (a.status = 'submitted' AND a.submitted_at < c.submitted_before)
         OR (a.status = 'approved' AND a.decided_at < c.decided_before)
      ORDER BY a.id LIMIT $4 FOR UPDATE OF a SKIP LOCKED`,
    [
      cutoffs.map((c) => c.productCode),
      cutoffs.map((c) => c.submittedBefore),
      cutoffs.map((c) => c.decidedBefore),
      limit,
    ],
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    customerId: r.customer_id,
    branchId: r.branch_id,
  }));
}

export interface ApplicationFilter {
  status?: ApplicationStatus;
  customerId?: string;
  productCode?: string;
  /** Applications of these branches; undefined for every branch. */
  branchIds?: string[];
}

/** Newest first; keyset-paginated on the time-ordered id. */
export async function listApplications(
  db: Queryable,
  f: ApplicationFilter,
  page: { size: number; before?: string },
): Promise<LoanApplication[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.status) add('a.status = ?', f.status);
  if (f.customerId) add('a.customer_id = ?', f.customerId);
  if (f.productCode) add('a.product_code = ?', f.productCode);
  if (f.branchIds) add('a.branch_id = ANY(?)', f.branchIds);
  if (page.before) add('a.id < ?::uuid', page.before);
  params.push(page.size + 1);
  const { rows } = await db.query<DbRow>(
    `${SELECT}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT $${params.length}`,
    params,
  );
  return rows.map(toApplication);
}

export interface Decision {
  status: 'approved' | 'rejected';
  approvedAmount?: string;
  approvedRatePercent?: string;
  approvedTermMonths?: number;
  processInstanceId: string;
  decidedAt: string;
}

/** Records the approval decision on a submitted application; false when it is not submitted. */
export async function recordDecision(db: Queryable, id: string, d: Decision): Promise<boolean> {
  const res = await db.query(
    `UPDATE loan_applications SET status = $2, approved_amount = $3, approved_rate_percent = $4,
       approved_term_months = $5, process_instance_id = $6, decided_at = $7, version = version + 1,
       updated_at = now()
     WHERE id = $1 AND status = 'submitted'`,
    [
      id,
      d.status,
      d.approvedAmount ?? null,
      d.approvedRatePercent ?? null,
      d.approvedTermMonths ?? null,
      d.processInstanceId,
      d.decidedAt,
    ],
  );
  return (res.rowCount ?? 0) > 0;
}
