// Tables of 002_post_loan.sql: plain objects in and out. Amounts stay decimal strings end to end
// (numeric comes back from pg as a string), dates stay YYYY-MM-DD strings.
import type { Queryable } from '@loanflow/platform';
import type {
  ActionKind,
  ActionOutcome,
  CaseStatus,
  CloseReason,
  PromiseStatus,
} from '../domain/post-loan/collections';
import type {
  InspectionKind,
  InspectionPlan,
  InspectionResult,
} from '../domain/post-loan/inspections';
import type { LitigationStatus } from '../domain/post-loan/litigation';
import type {
  ActionRecord,
  AssetRecord,
  CaseRecord,
  InspectionRecord,
  LitigationRecord,
  LoanRef,
  PlanRecord,
  PromiseRecord,
  StatusChangeRecord,
} from '../domain/post-loan/records';
import {
  disposalGainOrLoss,
  type AssetType,
  type DisposalMethod,
} from '../domain/post-loan/repossessed-assets';

const iso = (d: Date): string => d.toISOString();
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

// ---- Loans (read only: the loan book owns them) ----

const LOAN_COLUMNS = `l.id AS loan_id, l.loan_number, l.branch_id, l.customer_id, l.product_code,
  l.opened_on, l.status AS loan_status, l.days_past_due`;

interface LoanColumns {
  loan_id: string;
  loan_number: string;
  branch_id: string;
  customer_id: string;
  product_code: string;
  opened_on: string;
  loan_status: LoanRef['status'];
  days_past_due: number;
}

const toLoan = (r: LoanColumns): LoanRef => ({
  loanId: r.loan_id,
  loanNumber: r.loan_number,
  branchId: r.branch_id,
  customerId: r.customer_id,
  productCode: r.product_code,
  openedOn: r.opened_on,
  status: r.loan_status,
  daysPastDue: r.days_past_due,
});

export async function loanById(q: Queryable, id: string): Promise<LoanRef | undefined> {
  const { rows } = await q.query<LoanColumns>(
    `SELECT ${LOAN_COLUMNS} FROM loans l WHERE l.id = $1`,
    [id],
  );
  return rows[0] && toLoan(rows[0]);
}

/** The bank's open business date, if the loan book has opened one. */
export async function openBusinessDate(q: Queryable): Promise<string | undefined> {
  const { rows } = await q.query<{ business_date: string }>(
    `SELECT business_date FROM business_days WHERE status <> 'closed' LIMIT 1`,
  );
  return rows[0]?.business_date;
}

/**
 * Serializes the creates that carry one request id, so that a retry racing the first call finds
 * its record instead of inserting a second (the unique column would refuse that one anyway).
 */
export async function lockRequestId(q: Queryable, requestId: string): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`post-loan:${requestId}`]);
}

// ---- Inspection plans ----

interface PlanRow {
  product_code: string;
  frequency_days: number;
  first_after_days: number;
  updated_by: string;
  updated_at: Date;
}

const toPlan = (r: PlanRow): PlanRecord => ({
  productCode: r.product_code,
  frequencyDays: r.frequency_days,
  firstAfterDays: r.first_after_days,
  updatedBy: r.updated_by,
  updatedAt: iso(r.updated_at),
});

export async function listPlans(q: Queryable): Promise<PlanRecord[]> {
  const { rows } = await q.query<PlanRow>('SELECT * FROM inspection_plans ORDER BY product_code');
  return rows.map(toPlan);
}

export async function planFor(q: Queryable, productCode: string): Promise<PlanRecord | undefined> {
  const { rows } = await q.query<PlanRow>(
    'SELECT * FROM inspection_plans WHERE product_code = $1',
    [productCode],
  );
  return rows[0] && toPlan(rows[0]);
}

export async function upsertPlan(
  q: Queryable,
  plan: InspectionPlan,
  by: string,
): Promise<PlanRecord> {
  const { rows } = await q.query<PlanRow>(
    `INSERT INTO inspection_plans (product_code, frequency_days, first_after_days, updated_by)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (product_code) DO UPDATE SET frequency_days = excluded.frequency_days,
       first_after_days = excluded.first_after_days, updated_by = excluded.updated_by,
       updated_at = now()
     RETURNING *`,
    [plan.productCode, plan.frequencyDays, plan.firstAfterDays, by],
  );
  return toPlan(rows[0]!);
}

// ---- Inspections ----

interface InspectionRow {
  id: string;
  request_id: string;
  loan_id: string;
  inspected_on: string;
  inspector: string;
  kind: InspectionKind;
  findings: string;
  risk_signals: string[];
  result: InspectionResult;
  recorded_by: string;
  created_at: Date;
}

const toInspection = (r: InspectionRow): InspectionRecord => ({
  id: r.id,
  requestId: r.request_id,
  loanId: r.loan_id,
  inspectedOn: r.inspected_on,
  inspector: r.inspector,
  kind: r.kind,
  findings: r.findings,
  riskSignals: r.risk_signals,
  result: r.result,
  recordedBy: r.recorded_by,
  createdAt: iso(r.created_at),
});

export async function inspectionByRequestId(
  q: Queryable,
  requestId: string,
): Promise<InspectionRecord | undefined> {
  const { rows } = await q.query<InspectionRow>('SELECT * FROM inspections WHERE request_id = $1', [
    requestId,
  ]);
  return rows[0] && toInspection(rows[0]);
}

export async function insertInspection(
  q: Queryable,
  r: Omit<InspectionRecord, 'createdAt'>,
): Promise<InspectionRecord> {
  const { rows } = await q.query<InspectionRow>(
    `INSERT INTO inspections (id, request_id, loan_id, inspected_on, inspector, kind, findings,
       risk_signals, result, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      r.id,
      r.requestId,
      r.loanId,
      r.inspectedOn,
      r.inspector,
      r.kind,
      r.findings,
      r.riskSignals,
      r.result,
      r.recordedBy,
    ],
  );
  return toInspection(rows[0]!);
}

/** Newest first. */
export async function inspectionsOfLoan(q: Queryable, loanId: string): Promise<InspectionRecord[]> {
  const { rows } = await q.query<InspectionRow>(
    'SELECT * FROM inspections WHERE loan_id = $1 ORDER BY inspected_on DESC, id DESC',
    [loanId],
  );
  return rows.map(toInspection);
}

export async function lastInspectedOn(q: Queryable, loanId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ last: string | null }>(
    'SELECT max(inspected_on) AS last FROM inspections WHERE loan_id = $1',
    [loanId],
  );
  return opt(rows[0]!.last);
}

export interface DueRow {
  loan: LoanRef;
  lastInspectedOn?: string;
  dueOn: string;
  plan: PlanRecord;
}

/**
 * Active loans whose next inspection falls due on or before `asOf`, earliest first, after the
 * cursor (due date, loan id). The due date is the rule of nextInspectionDue() in SQL, so that
 * the loan book is filtered in the database rather than loaded.
 */
export async function dueInspections(
  q: Queryable,
  filter: { asOf: string; branchIds?: string[] },
  page: { size: number; after?: [string, string] },
): Promise<DueRow[]> {
  const { rows } = await q.query<
    LoanColumns &
      PlanRow & {
        last_inspected_on: string | null;
        due_on: string;
      }
  >(
    `SELECT * FROM (
       SELECT ${LOAN_COLUMNS}, p.frequency_days,
              p.first_after_days, p.updated_by, p.updated_at, last.inspected_on AS last_inspected_on,
              COALESCE(last.inspected_on + p.frequency_days, l.opened_on + p.first_after_days)
                AS due_on
         FROM loans l
         JOIN inspection_plans p ON p.product_code = l.product_code
         CROSS JOIN LATERAL (SELECT max(i.inspected_on) AS inspected_on
                               FROM inspections i WHERE i.loan_id = l.id) last
        WHERE l.status = 'active' AND ($2::text[] IS NULL OR l.branch_id = ANY($2))
     ) due
     WHERE due_on <= $1::date
       AND ($3::date IS NULL OR (due_on, loan_id) > ($3::date, $4::uuid))
     ORDER BY due_on, loan_id
     LIMIT $5`,
    [
      filter.asOf,
      filter.branchIds ?? null,
      page.after?.[0] ?? null,
      page.after?.[1] ?? null,
      page.size + 1,
    ],
  );
  return rows.map((r) => ({
    loan: toLoan(r),
    lastInspectedOn: opt(r.last_inspected_on),
    dueOn: r.due_on,
    plan: toPlan(r),
  }));
}

// ---- Collection cases ----

interface CaseRow extends LoanColumns {
  id: string;
  request_id: string;
  status: CaseStatus;
  case_opened_on: string;
  officer: string;
  reason: string;
  days_past_due_at_open: number;
  opened_by: string;
  closed_on: string | null;
  close_reason: CloseReason | null;
  close_notes: string | null;
  closed_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const CASE_SELECT = `SELECT c.id, c.request_id, c.status, c.opened_on AS case_opened_on, c.officer,
  c.reason, c.days_past_due_at_open, c.opened_by, c.closed_on, c.close_reason, c.close_notes,
  c.closed_by, c.created_at, c.updated_at, ${LOAN_COLUMNS}
  FROM collection_cases c JOIN loans l ON l.id = c.loan_id`;

const toCase = (r: CaseRow): CaseRecord => ({
  id: r.id,
  requestId: r.request_id,
  loan: toLoan(r),
  status: r.status,
  openedOn: r.case_opened_on,
  officer: r.officer,
  reason: r.reason,
  daysPastDueAtOpen: r.days_past_due_at_open,
  openedBy: r.opened_by,
  closedOn: opt(r.closed_on),
  closeReason: opt(r.close_reason),
  closeNotes: opt(r.close_notes),
  closedBy: opt(r.closed_by),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  actions: [],
  promises: [],
});

export async function caseById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<CaseRecord | undefined> {
  const { rows } = await q.query<CaseRow>(
    `${CASE_SELECT} WHERE c.id = $1${lock ? ' FOR UPDATE OF c' : ''}`,
    [id],
  );
  return rows[0] && toCase(rows[0]);
}

export async function caseByRequestId(
  q: Queryable,
  requestId: string,
): Promise<CaseRecord | undefined> {
  const { rows } = await q.query<CaseRow>(`${CASE_SELECT} WHERE c.request_id = $1`, [requestId]);
  return rows[0] && toCase(rows[0]);
}

export async function openCaseOfLoan(q: Queryable, loanId: string): Promise<string | undefined> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT id FROM collection_cases WHERE loan_id = $1 AND status = 'open'`,
    [loanId],
  );
  return rows[0]?.id;
}

export const ONE_OPEN_CASE = 'collection_cases_one_open';

export async function insertCase(
  q: Queryable,
  r: {
    id: string;
    requestId: string;
    loanId: string;
    openedOn: string;
    officer: string;
    reason: string;
    daysPastDueAtOpen: number;
    openedBy: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO collection_cases (id, request_id, loan_id, status, opened_on, officer, reason,
       days_past_due_at_open, opened_by)
     VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8)`,
    [r.id, r.requestId, r.loanId, r.openedOn, r.officer, r.reason, r.daysPastDueAtOpen, r.openedBy],
  );
}

export async function closeCase(
  q: Queryable,
  id: string,
  c: { reason: CloseReason; closedOn: string; notes: string; closedBy: string },
): Promise<void> {
  await q.query(
    `UPDATE collection_cases SET status = 'closed', close_reason = $2, closed_on = $3,
       close_notes = $4, closed_by = $5, updated_at = now() WHERE id = $1`,
    [id, c.reason, c.closedOn, c.notes, c.closedBy],
  );
}

export interface CaseFilter {
  /** Cases of loans of these branches; undefined for every branch. */
  branchIds?: string[];
  status?: CaseStatus;
  loanId?: string;
}

/** Newest first (ids are UUIDv7), after the cursor id. */
export async function listCases(
  q: Queryable,
  f: CaseFilter,
  page: { size: number; before?: string },
): Promise<CaseRecord[]> {
  const { rows } = await q.query<CaseRow>(
    `${CASE_SELECT}
     WHERE ($1::text[] IS NULL OR l.branch_id = ANY($1)) AND ($2::text IS NULL OR c.status = $2)
       AND ($3::uuid IS NULL OR c.loan_id = $3) AND ($4::uuid IS NULL OR c.id < $4)
     ORDER BY c.id DESC LIMIT $5`,
    [f.branchIds ?? null, f.status ?? null, f.loanId ?? null, page.before ?? null, page.size + 1],
  );
  return rows.map(toCase);
}

// ---- Collection actions ----

interface ActionRow {
  id: string;
  request_id: string;
  case_id: string;
  kind: ActionKind;
  action_on: string;
  officer: string;
  contact_person: string;
  notes: string;
  outcome: ActionOutcome;
  recorded_by: string;
  created_at: Date;
}

const toAction = (r: ActionRow): ActionRecord => ({
  id: r.id,
  requestId: r.request_id,
  caseId: r.case_id,
  kind: r.kind,
  actionOn: r.action_on,
  officer: r.officer,
  contactPerson: r.contact_person,
  notes: r.notes,
  outcome: r.outcome,
  recordedBy: r.recorded_by,
  createdAt: iso(r.created_at),
});

export async function actionByRequestId(
  q: Queryable,
  requestId: string,
): Promise<ActionRecord | undefined> {
  const { rows } = await q.query<ActionRow>(
    'SELECT * FROM collection_actions WHERE request_id = $1',
    [requestId],
  );
  return rows[0] && toAction(rows[0]);
}

export async function insertAction(
  q: Queryable,
  r: Omit<ActionRecord, 'createdAt'>,
): Promise<ActionRecord> {
  const { rows } = await q.query<ActionRow>(
    `INSERT INTO collection_actions (id, request_id, case_id, kind, action_on, officer,
       contact_person, notes, outcome, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      r.id,
      r.requestId,
      r.caseId,
      r.kind,
      r.actionOn,
      r.officer,
      r.contactPerson,
      r.notes,
      r.outcome,
      r.recordedBy,
    ],
  );
  return toAction(rows[0]!);
}

export async function actionsOfCase(q: Queryable, caseId: string): Promise<ActionRecord[]> {
  const { rows } = await q.query<ActionRow>(
    'SELECT * FROM collection_actions WHERE case_id = $1 ORDER BY action_on, id',
    [caseId],
  );
  return rows.map(toAction);
}

// ---- Promises to pay ----

interface PromiseRow {
  id: string;
  request_id: string;
  case_id: string;
  amount: string;
  promised_date: string;
  notes: string;
  status: PromiseStatus;
  resolved_on: string | null;
  resolution_notes: string | null;
  resolved_by: string | null;
  recorded_by: string;
  created_at: Date;
}

const toPromise = (r: PromiseRow): PromiseRecord => ({
  id: r.id,
  requestId: r.request_id,
  caseId: r.case_id,
  amount: r.amount,
  promisedDate: r.promised_date,
  notes: r.notes,
  status: r.status,
  resolvedOn: opt(r.resolved_on),
  resolutionNotes: opt(r.resolution_notes),
  resolvedBy: opt(r.resolved_by),
  recordedBy: r.recorded_by,
  createdAt: iso(r.created_at),
});

export async function promiseByRequestId(
  q: Queryable,
  requestId: string,
): Promise<PromiseRecord | undefined> {
  const { rows } = await q.query<PromiseRow>(
    'SELECT * FROM payment_promises WHERE request_id = $1',
    [requestId],
  );
  return rows[0] && toPromise(rows[0]);
}

export async function promiseById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<PromiseRecord | undefined> {
  const { rows } = await q.query<PromiseRow>(
    `SELECT * FROM payment_promises WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0] && toPromise(rows[0]);
}

export async function insertPromise(
  q: Queryable,
  r: Pick<
    PromiseRecord,
    'id' | 'requestId' | 'caseId' | 'amount' | 'promisedDate' | 'notes' | 'recordedBy'
  >,
): Promise<PromiseRecord> {
  const { rows } = await q.query<PromiseRow>(
    `INSERT INTO payment_promises (id, request_id, case_id, amount, promised_date, notes, status,
       recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7) RETURNING *`,
    [r.id, r.requestId, r.caseId, r.amount, r.promisedDate, r.notes, r.recordedBy],
  );
  return toPromise(rows[0]!);
}

export async function resolvePromise(
  q: Queryable,
  id: string,
  r: { status: 'kept' | 'broken'; resolvedOn: string; notes: string; resolvedBy: string },
): Promise<PromiseRecord> {
  const { rows } = await q.query<PromiseRow>(
    `UPDATE payment_promises SET status = $2, resolved_on = $3, resolution_notes = $4,
       resolved_by = $5 WHERE id = $1 RETURNING *`,
    [id, r.status, r.resolvedOn, r.notes, r.resolvedBy],
  );
  return toPromise(rows[0]!);
}

export async function promisesOfCase(q: Queryable, caseId: string): Promise<PromiseRecord[]> {
  const { rows } = await q.query<PromiseRow>(
    'SELECT * FROM payment_promises WHERE case_id = $1 ORDER BY promised_date, id',
    [caseId],
  );
  return rows.map(toPromise);
}

// ---- Litigation ----

interface LitigationRow extends LoanColumns {
  id: string;
  request_id: string;
  court: string;
  case_number: string;
  filed_on: string;
  status: LitigationStatus;
  judgement_amount: string | null;
  judgement_date: string | null;
  legal_costs: string | null;
  notes: string;
  filed_by: string;
  created_at: Date;
  updated_at: Date;
}

const LITIGATION_SELECT = `SELECT s.id, s.request_id, s.court, s.case_number, s.filed_on, s.status,
  s.judgement_amount, s.judgement_date, s.legal_costs, s.notes, s.filed_by, s.created_at,
  s.updated_at, ${LOAN_COLUMNS}
  FROM litigations s JOIN loans l ON l.id = s.loan_id`;

const toLitigation = (r: LitigationRow): LitigationRecord => ({
  id: r.id,
  requestId: r.request_id,
  loan: toLoan(r),
  court: r.court,
  caseNumber: r.case_number,
  filedOn: r.filed_on,
  status: r.status,
  judgementAmount: opt(r.judgement_amount),
  judgementDate: opt(r.judgement_date),
  legalCosts: opt(r.legal_costs),
  notes: r.notes,
  filedBy: r.filed_by,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  history: [],
});

interface StatusChangeRow {
  litigation_id: string;
  from_status: LitigationStatus | null;
  to_status: LitigationStatus;
  changed_on: string;
  changed_by: string;
  notes: string;
  created_at: Date;
}

async function withHistory(q: Queryable, rows: LitigationRow[]): Promise<LitigationRecord[]> {
  const suits = rows.map(toLitigation);
  if (suits.length === 0) return suits;
  const { rows: changes } = await q.query<StatusChangeRow>(
    `SELECT * FROM litigation_status_changes WHERE litigation_id = ANY($1::uuid[]) ORDER BY id`,
    [suits.map((s) => s.id)],
  );
  const byId = new Map(suits.map((s) => [s.id, s]));
  for (const c of changes) {
    const change: StatusChangeRecord = {
      fromStatus: opt(c.from_status),
      toStatus: c.to_status,
      changedOn: c.changed_on,
      changedBy: c.changed_by,
      notes: c.notes,
      createdAt: iso(c.created_at),
    };
    byId.get(c.litigation_id)!.history.push(change);
  }
  return suits;
}

export async function litigationById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<LitigationRecord | undefined> {
  const { rows } = await q.query<LitigationRow>(
    `${LITIGATION_SELECT} WHERE s.id = $1${lock ? ' FOR UPDATE OF s' : ''}`,
    [id],
  );
  return (await withHistory(q, rows))[0];
}

export async function litigationByRequestId(
  q: Queryable,
  requestId: string,
): Promise<LitigationRecord | undefined> {
  const { rows } = await q.query<LitigationRow>(`${LITIGATION_SELECT} WHERE s.request_id = $1`, [
    requestId,
  ]);
  return (await withHistory(q, rows))[0];
}

export async function litigationsOfLoan(q: Queryable, loanId: string): Promise<LitigationRecord[]> {
  const { rows } = await q.query<LitigationRow>(
    `${LITIGATION_SELECT} WHERE s.loan_id = $1 ORDER BY s.filed_on, s.id`,
    [loanId],
  );
  return withHistory(q, rows);
}

export const CASE_NUMBER_TAKEN = 'litigations_case_number';

export async function insertLitigation(
  q: Queryable,
  r: {
    id: string;
    requestId: string;
    loanId: string;
    court: string;
    caseNumber: string;
    filedOn: string;
    legalCosts?: string;
    notes: string;
    filedBy: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO litigations (id, request_id, loan_id, court, case_number, filed_on, status,
       legal_costs, notes, filed_by)
     VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, $8, $9)`,
    [
      r.id,
      r.requestId,
      r.loanId,
      r.court,
      r.caseNumber,
      r.filedOn,
      r.legalCosts ?? null,
      r.notes,
      r.filedBy,
    ],
  );
  await q.query(
    `INSERT INTO litigation_status_changes (litigation_id, from_status, to_status, changed_on,
       changed_by, notes)
     VALUES ($1, NULL, 'filed', $2, $3, $4)`,
    [r.id, r.filedOn, r.filedBy, r.notes],
  );
}

export async function changeLitigationStatus(
  q: Queryable,
  id: string,
  from: LitigationStatus,
  c: {
    status: LitigationStatus;
    changedOn: string;
    judgementAmount?: string;
    judgementDate?: string;
    legalCosts?: string;
    caseNumber?: string;
    notes: string;
    changedBy: string;
  },
): Promise<void> {
  await q.query(
    `UPDATE litigations SET status = $2,
       judgement_amount = COALESCE($3, judgement_amount),
       judgement_date = COALESCE($4, judgement_date),
       legal_costs = COALESCE($5, legal_costs),
       case_number = COALESCE($6, case_number),
       updated_at = now()
     WHERE id = $1`,
    [
      id,
      c.status,
      c.judgementAmount ?? null,
      c.judgementDate ?? null,
      c.legalCosts ?? null,
      c.caseNumber ?? null,
    ],
  );
  await q.query(
    `INSERT INTO litigation_status_changes (litigation_id, from_status, to_status, changed_on,
       changed_by, notes)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, from, c.status, c.changedOn, c.changedBy, c.notes],
  );
}

// ---- Repossessed assets ----

interface AssetRow extends LoanColumns {
  id: string;
  request_id: string;
  asset_type: AssetType;
  description: string;
  valuation_amount: string;
  valuation_date: string;
  acquired_on: string;
  settled_amount: string;
  book_value: string;
  notes: string;
  registered_by: string;
  disposed_on: string | null;
  disposal_proceeds: string | null;
  disposal_method: DisposalMethod | null;
  disposal_notes: string | null;
  disposed_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const ASSET_SELECT = `SELECT a.id, a.request_id, a.asset_type, a.description, a.valuation_amount,
  a.valuation_date, a.acquired_on, a.settled_amount, a.book_value, a.notes, a.registered_by,
  a.disposed_on, a.disposal_proceeds, a.disposal_method, a.disposal_notes, a.disposed_by,
  a.created_at, a.updated_at, ${LOAN_COLUMNS}
  FROM repossessed_assets a JOIN loans l ON l.id = a.loan_id`;

const toAsset = (r: AssetRow): AssetRecord => ({
  id: r.id,
  requestId: r.request_id,
  loan: toLoan(r),
  assetType: r.asset_type,
  description: r.description,
  valuationAmount: r.valuation_amount,
  valuationDate: r.valuation_date,
  acquiredOn: r.acquired_on,
  settledAmount: r.settled_amount,
  bookValue: r.book_value,
  notes: r.notes,
  registeredBy: r.registered_by,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
  disposal:
    r.disposed_on === null
      ? undefined
      : {
          disposedOn: r.disposed_on,
          proceeds: r.disposal_proceeds!,
          method: r.disposal_method!,
          notes: r.disposal_notes ?? '',
          disposedBy: r.disposed_by!,
          gainOrLoss: disposalGainOrLoss(r.book_value, r.disposal_proceeds!),
        },
});

export async function assetById(
  q: Queryable,
  id: string,
  lock = false,
): Promise<AssetRecord | undefined> {
  const { rows } = await q.query<AssetRow>(
    `${ASSET_SELECT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`,
    [id],
  );
  return rows[0] && toAsset(rows[0]);
}

export async function assetByRequestId(
  q: Queryable,
  requestId: string,
): Promise<AssetRecord | undefined> {
  const { rows } = await q.query<AssetRow>(`${ASSET_SELECT} WHERE a.request_id = $1`, [requestId]);
  return rows[0] && toAsset(rows[0]);
}

export async function assetsOfLoan(q: Queryable, loanId: string): Promise<AssetRecord[]> {
  const { rows } = await q.query<AssetRow>(
    `${ASSET_SELECT} WHERE a.loan_id = $1 ORDER BY a.acquired_on, a.id`,
    [loanId],
  );
  return rows.map(toAsset);
}

export async function insertAsset(
  q: Queryable,
  r: {
    id: string;
    requestId: string;
    loanId: string;
    assetType: AssetType;
    description: string;
    valuationAmount: string;
    valuationDate: string;
    acquiredOn: string;
    settledAmount: string;
    bookValue: string;
    notes: string;
    registeredBy: string;
  },
): Promise<void> {
  await q.query(
    `INSERT INTO repossessed_assets (id, request_id, loan_id, asset_type, description,
       valuation_amount, valuation_date, acquired_on, settled_amount, book_value, notes,
       registered_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      r.id,
      r.requestId,
      r.loanId,
      r.assetType,
      r.description,
      r.valuationAmount,
      r.valuationDate,
      r.acquiredOn,
      r.settledAmount,
      r.bookValue,
      r.notes,
      r.registeredBy,
    ],
  );
}

export async function recordDisposal(
  q: Queryable,
  id: string,
  d: {
    disposedOn: string;
    proceeds: string;
    method: DisposalMethod;
    notes: string;
    disposedBy: string;
  },
): Promise<void> {
  await q.query(
    `UPDATE repossessed_assets SET disposed_on = $2, disposal_proceeds = $3, disposal_method = $4,
       disposal_notes = $5, disposed_by = $6, updated_at = now() WHERE id = $1`,
    [id, d.disposedOn, d.proceeds, d.method, d.notes, d.disposedBy],
  );
}
