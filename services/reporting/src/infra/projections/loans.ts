// Loans: their latest state, their money movements and the book per closed business date, from
// the accounting service's events. Per-loan events (subject: the loan) and the end of day's
// chunks (subject: the business date) are applied side by side, so the outstanding principal is
// computed, not carried: the last closed day's balance plus the movements after it.
import Decimal from 'decimal.js';
import {
  decodeEventData,
  UndecodableEvent,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { accountingEventsV1 } from '@loanflow/proto';
import { DPD_BUCKET_SQL, isMonthEnd, monthOf, previousMonthEnd } from '../../domain/projection';
import { mergeApplication } from './applications';
import {
  amountOf,
  dateOf,
  instantOf,
  optionalDate,
  optionalUuid,
  uuidOf,
  v1,
  type Projections,
} from './projection';

/**
 * The outstanding principal of the loan `l`: its last closed day's balance plus the movements
 * after that day (per-loan events and the end of day's chunks are applied side by side).
 */
const OUTSTANDING_SQL = `COALESCE((SELECT d.outstanding_principal FROM loan_days d
             WHERE d.business_date = l.last_business_date AND d.loan_id = l.loan_id), 0)
  + COALESCE((SELECT sum(CASE m.kind WHEN 'disbursement' THEN m.principal
                                     WHEN 'reversal' THEN m.principal
                                     WHEN 'repayment' THEN -m.principal
                                     WHEN 'write_off' THEN -m.principal
                                     ELSE 0 END)
                FROM loan_movements m
               WHERE m.loan_id = l.loan_id
                 AND (l.last_business_date IS NULL OR m.business_date > l.last_business_date)), 0)`;

/** Sets the loans' outstanding principal (see OUTSTANDING_SQL). */
export async function recomputeOutstanding(tx: PoolClient, loanIds: string[]): Promise<void> {
  await tx.query(
    `UPDATE loans l SET outstanding_principal = ${OUTSTANDING_SQL} WHERE l.loan_id = ANY($1::uuid[])`,
    [loanIds],
  );
}

interface Movement {
  movementId: string;
  loanId: string;
  branchId: string;
  /** When the event names it (a disbursement); else the loan's. */
  productCode?: string;
  kind: 'disbursement' | 'repayment' | 'reversal' | 'write_off' | 'recovery';
  businessDate: string;
  amount: string;
  principal: string;
  interest: string;
  detail?: Record<string, unknown>;
}

/**
 * Records a money movement once (its id is the event's fact: a repayment id, a tranche) and adds
 * it to its month. The product is the loan's (repayments do not name it).
 */
async function recordMovement(tx: PoolClient, m: Movement): Promise<void> {
  await tx.query(
    `WITH moved AS (
       INSERT INTO loan_movements (movement_id, loan_id, branch_id, product_code, kind, business_date,
         amount, principal, interest, detail)
       VALUES ($1, $2, $3,
         COALESCE(NULLIF($10, ''), (SELECT product_code FROM loans WHERE loan_id = $2), ''), $4, $5,
         $6, $7, $8, $9)
       ON CONFLICT (movement_id) DO NOTHING
       RETURNING branch_id, product_code, kind, business_date, amount, principal, interest)
     INSERT INTO movement_months (month, branch_id, product_code, kind, movements, amount, principal, interest)
     SELECT date_trunc('month', business_date)::date, branch_id, product_code, kind, 1, amount,
            COALESCE(principal, 0), COALESCE(interest, 0)
       FROM moved
     ON CONFLICT (month, branch_id, product_code, kind) DO UPDATE SET
       movements = movement_months.movements + 1,
       amount = movement_months.amount + EXCLUDED.amount,
       principal = movement_months.principal + EXCLUDED.principal,
       interest = movement_months.interest + EXCLUDED.interest`,
    [
      m.movementId,
      m.loanId,
      m.branchId,
      m.kind,
      m.businessDate,
      m.amount,
      m.principal,
      m.interest,
      JSON.stringify(m.detail ?? {}),
      m.productCode ?? '',
    ],
  );
}

/** A repayment's allocation split into principal and interest (penalty and compound included). */
export function allocationSplit(a: accountingEventsV1.RepaymentPosted['allocation']): {
  principal: string;
  interest: string;
} {
  const sum = (...xs: (string | undefined)[]) =>
    xs.reduce((acc, x) => acc.plus(x || '0'), new Decimal(0)).toFixed(2);
  return {
    principal: sum(a?.overduePrincipal, a?.duePrincipal, a?.principal),
    interest: sum(a?.overdueInterest, a?.dueInterest, a?.accruedInterest, a?.penalty, a?.compound),
  };
}

/**
 * Counts one more event about the loan (the loans.state stream's version), sets what the event
 * changed and, in the same statement, its outstanding principal.
 */
async function touchLoan(
  tx: PoolClient,
  loanId: string,
  set: string,
  params: unknown[] = [],
): Promise<void> {
  await tx.query(
    `UPDATE loans l SET ${set ? `${set}, ` : ''}outstanding_principal = ${OUTSTANDING_SQL},
       version = version + 1, updated_at = now()
      WHERE l.loan_id = $1`,
    [loanId, ...params],
  );
}

/** A LoanDay as a row of `jsonb_to_recordset` (snake case, empty amounts as 0). */
function loanDayRow(event: EventEnvelope, d: accountingEventsV1.LoanDay) {
  const amt = (field: string, v: string | undefined) => amountOf(event, `loans.${field}`, v)!;
  if (!d.classification) throw new UndecodableEvent(`${event.type}: a loan has no classification`);
  return {
    loan_id: uuidOf(event, 'loans.loanId', d.loanId),
    loan_number: d.loanNumber ?? null,
    branch_id: d.branchId ?? '',
    product_code: d.productCode ?? '',
    customer_id: optionalUuid(event, 'loans.customerId', d.customerId),
    classification: d.classification,
    days_past_due: d.daysPastDue ?? 0,
    annual_rate_percent: amountOf(event, 'loans.annualRatePercent', d.annualRatePercent, null),
    outstanding_principal: amt('outstandingPrincipal', d.outstandingPrincipal),
    overdue_principal: amt('overduePrincipal', d.overduePrincipal),
    due_interest: amt('dueInterest', d.dueInterest),
    overdue_interest: amt('overdueInterest', d.overdueInterest),
    accrued_interest: amt('accruedInterest', d.accruedInterest),
    penalty_interest: amt('penaltyInterest', d.penaltyInterest),
    compound_interest: amt('compoundInterest', d.compoundInterest),
    accrued_today_normal: amt('accruedTodayNormal', d.accruedTodayNormal),
    accrued_today_penalty: amt('accruedTodayPenalty', d.accruedTodayPenalty),
    accrued_today_compound: amt('accruedTodayCompound', d.accruedTodayCompound),
    next_due_date: optionalDate(event, 'loans.nextDueDate', d.nextDueDate),
    maturity_date: optionalDate(event, 'loans.maturityDate', d.maturityDate),
  };
}

const LOAN_DAY_COLUMNS = `loan_id uuid, loan_number text, branch_id text, product_code text,
  customer_id uuid, classification text, days_past_due integer, annual_rate_percent numeric,
  outstanding_principal numeric, overdue_principal numeric, due_interest numeric,
  overdue_interest numeric, accrued_interest numeric, penalty_interest numeric,
  compound_interest numeric, accrued_today_normal numeric, accrued_today_penalty numeric,
  accrued_today_compound numeric, next_due_date date, maturity_date date`;

/**
 * One chunk of the end of day, set-based: the loans' day rows, their sums added into the
 * portfolio of the date, their latest state; at a month end, the tier migration matrix.
 */
async function projectLoansDay(event: EventEnvelope, tx: PoolClient): Promise<void> {
  const e = decodeEventData(accountingEventsV1.LoansDayClosed, event, ['businessDate']);
  const businessDate = dateOf(event, 'businessDate', e.businessDate);
  const rows = e.loans.map((d) => loanDayRow(event, d));
  if (rows.length === 0) return;
  const monthEnd = isMonthEnd(businessDate);
  // Month ends are applied one at a time (see tierMigrations); the lock is taken first, before
  // any row lock, so that it never waits while holding one.
  if (monthEnd)
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.tier_migrations'))`,
    );
  const { rows: inserted } = await tx.query<{ loan_id: string }>(
    `WITH r AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS r(${LOAN_DAY_COLUMNS})),
     ins AS (
       INSERT INTO loan_days (business_date, loan_id, loan_number, branch_id, product_code,
         customer_id, classification, days_past_due, annual_rate_percent, outstanding_principal,
         overdue_principal, due_interest, overdue_interest, accrued_interest, penalty_interest,
         compound_interest, accrued_today_normal, accrued_today_penalty, accrued_today_compound,
         next_due_date, maturity_date)
       SELECT $1::date, loan_id, loan_number, branch_id, product_code, customer_id, classification,
         days_past_due, annual_rate_percent, outstanding_principal, overdue_principal, due_interest,
         overdue_interest, accrued_interest, penalty_interest, compound_interest,
         accrued_today_normal, accrued_today_penalty, accrued_today_compound, next_due_date,
         maturity_date
         FROM r
       ON CONFLICT (business_date, loan_id) DO NOTHING
       RETURNING *),
     portfolio AS (
       INSERT INTO portfolio_days (business_date, branch_id, product_code, classification,
         dpd_bucket, loans, outstanding_principal, overdue_principal, overdue_interest,
         accrued_interest, interest_today)
       SELECT business_date, branch_id, product_code, classification,
              ${DPD_BUCKET_SQL('days_past_due')} AS bucket, count(*), sum(outstanding_principal),
              sum(overdue_principal), sum(overdue_interest), sum(accrued_interest),
              sum(accrued_today_normal + accrued_today_penalty + accrued_today_compound)
         FROM ins
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
       ON CONFLICT (business_date, branch_id, product_code, classification, dpd_bucket)
       DO UPDATE SET loans = portfolio_days.loans + EXCLUDED.loans,
         outstanding_principal = portfolio_days.outstanding_principal + EXCLUDED.outstanding_principal,
         overdue_principal = portfolio_days.overdue_principal + EXCLUDED.overdue_principal,
         overdue_interest = portfolio_days.overdue_interest + EXCLUDED.overdue_interest,
         accrued_interest = portfolio_days.accrued_interest + EXCLUDED.accrued_interest,
         interest_today = portfolio_days.interest_today + EXCLUDED.interest_today),
     state AS (
       INSERT INTO loans (loan_id, loan_number, branch_id, product_code, customer_id, status,
         annual_rate_percent, maturity_date, classification, days_past_due, last_business_date,
         month_start_classification, version)
       SELECT loan_id, loan_number, branch_id, product_code, customer_id, 'active',
              annual_rate_percent, maturity_date, classification, days_past_due, business_date,
              CASE WHEN $3 THEN classification END, 1
         FROM ins ORDER BY loan_id
       ON CONFLICT (loan_id) DO UPDATE SET
         loan_number = COALESCE(loans.loan_number, EXCLUDED.loan_number),
         branch_id = COALESCE(NULLIF(loans.branch_id, ''), EXCLUDED.branch_id),
         product_code = COALESCE(NULLIF(loans.product_code, ''), EXCLUDED.product_code),
         customer_id = COALESCE(loans.customer_id, EXCLUDED.customer_id),
         maturity_date = COALESCE(EXCLUDED.maturity_date, loans.maturity_date),
         classification = CASE WHEN loans.last_business_date IS NULL
             OR EXCLUDED.last_business_date >= loans.last_business_date
           THEN EXCLUDED.classification ELSE loans.classification END,
         days_past_due = CASE WHEN loans.last_business_date IS NULL
             OR EXCLUDED.last_business_date >= loans.last_business_date
           THEN EXCLUDED.days_past_due ELSE loans.days_past_due END,
         month_start_classification = CASE WHEN $3 AND (loans.last_business_date IS NULL
             OR EXCLUDED.last_business_date >= loans.last_business_date)
           THEN EXCLUDED.classification ELSE loans.month_start_classification END,
         last_business_date = GREATEST(loans.last_business_date, EXCLUDED.last_business_date),
         version = loans.version + 1,
         updated_at = now())
     SELECT loan_id FROM ins`,
    [businessDate, JSON.stringify(rows), monthEnd],
  );
  const loanIds = inserted.map((r) => r.loan_id);
  if (loanIds.length === 0) return;
  await recomputeOutstanding(tx, loanIds);
  if (monthEnd) await tierMigrations(tx, businessDate, loanIds);
}

/**
 * The migration matrix of the month ending on `monthEnd` for these loans: from their tier at the
 * previous month end ('new' without one) to today's. Month ends may be applied out of order (their
 * subjects differ); one at a time under an advisory lock, a month end also corrects the following
 * month's matrix, which counted these loans as 'new' if it was applied first.
 */
async function tierMigrations(tx: PoolClient, monthEnd: string, loanIds: string[]): Promise<void> {
  const month = monthOf(monthEnd);
  await tx.query(
    `INSERT INTO tier_migrations (month, branch_id, product_code, from_classification,
       to_classification, loans, outstanding_principal)
     SELECT $1::date, c.branch_id, c.product_code, COALESCE(p.classification, 'new'),
            c.classification, count(*), sum(c.outstanding_principal)
       FROM loan_days c
       LEFT JOIN loan_days p ON p.business_date = $3::date AND p.loan_id = c.loan_id
      WHERE c.business_date = $2::date AND c.loan_id = ANY($4::uuid[])
      GROUP BY 2, 3, 4, 5
      ORDER BY 2, 3, 4, 5
     ON CONFLICT (month, branch_id, product_code, from_classification, to_classification)
     DO UPDATE SET loans = tier_migrations.loans + EXCLUDED.loans,
       outstanding_principal = tier_migrations.outstanding_principal + EXCLUDED.outstanding_principal`,
    [month, monthEnd, previousMonthEnd(monthEnd), loanIds],
  );
  const next = nextMonthEnd(monthEnd);
  const { rows: moved } = await tx.query<{
    branch_id: string;
    product_code: string;
    from_c: string;
    to_c: string;
    loans: number;
    principal: string;
  }>(
    `SELECT n.branch_id, n.product_code, m.classification AS from_c, n.classification AS to_c,
            count(*)::int AS loans, sum(n.outstanding_principal)::text AS principal
       FROM loan_days m
       JOIN loan_days n ON n.business_date = $2::date AND n.loan_id = m.loan_id
      WHERE m.business_date = $1::date AND m.loan_id = ANY($3::uuid[])
      GROUP BY 1, 2, 3, 4
      ORDER BY 1, 2, 3, 4`,
    [monthEnd, next, loanIds],
  );
  if (moved.length === 0) return;
  const nextMonth = monthOf(next);
  await tx.query(
    `WITH moved AS (SELECT * FROM jsonb_to_recordset($2::jsonb)
                      AS m(branch_id text, product_code text, from_c text, to_c text,
                           loans integer, principal numeric)),
     less AS (
       UPDATE tier_migrations t SET loans = t.loans - g.loans,
              outstanding_principal = t.outstanding_principal - g.principal
         FROM (SELECT branch_id, product_code, to_c, sum(loans) AS loans, sum(principal) AS principal
                 FROM moved GROUP BY 1, 2, 3) g
        WHERE t.month = $1::date AND t.branch_id = g.branch_id AND t.product_code = g.product_code
          AND t.from_classification = 'new' AND t.to_classification = g.to_c)
     INSERT INTO tier_migrations (month, branch_id, product_code, from_classification,
       to_classification, loans, outstanding_principal)
     SELECT $1::date, branch_id, product_code, from_c, to_c, loans, principal FROM moved
      ORDER BY 2, 3, 4, 5
     ON CONFLICT (month, branch_id, product_code, from_classification, to_classification)
     DO UPDATE SET loans = tier_migrations.loans + EXCLUDED.loans,
       outstanding_principal = tier_migrations.outstanding_principal + EXCLUDED.outstanding_principal`,
    [nextMonth, JSON.stringify(moved)],
  );
  await tx.query(
    `DELETE FROM tier_migrations WHERE month = $1::date AND from_classification = 'new' AND loans = 0`,
    [nextMonth],
  );
}

/** The last day of the month after the date's month. */
function nextMonthEnd(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m + 1, 0)).toISOString().slice(0, 10);
}

export const loanProjections: Projections = {
  'accounting.loan.disbursed': v1(async (event, tx) => {
    const l = decodeEventData(accountingEventsV1.LoanDisbursed, event, ['loanId', 'amount']);
    const loanId = uuidOf(event, 'loanId', l.loanId);
    const tranche = l.tranche ?? 1;
    const amount = amountOf(event, 'amount', l.amount)!;
    const valueDate = dateOf(event, 'valueDate', l.valueDate);
    const applicationId = optionalUuid(event, 'applicationId', l.applicationId);
    // The movement first: the loan's outstanding principal below counts it.
    await recordMovement(tx, {
      movementId: `disbursement:${loanId}:${tranche}`,
      loanId,
      branchId: l.branchId ?? '',
      productCode: l.productCode ?? '',
      kind: 'disbursement',
      businessDate: valueDate,
      amount,
      principal: amount,
      interest: '0',
      detail: { tranche, paymentMethod: l.paymentMethod ?? '' },
    });
    await tx.query(
      `INSERT INTO loans AS l (loan_id, loan_number, application_id, contract_id, customer_id, branch_id,
         product_code, status, disbursed_amount, value_date, maturity_date, annual_rate_percent, version,
         outstanding_principal)
       VALUES ($1, $2, $3, $4, $5, COALESCE($6, ''), COALESCE($7, ''), 'active', $8, $9, $10, $11, 1,
         (SELECT COALESCE(sum(principal), 0) FROM loan_movements WHERE loan_id = $1))
       ON CONFLICT (loan_id) DO UPDATE SET
         loan_number = COALESCE(EXCLUDED.loan_number, l.loan_number),
         application_id = COALESCE(EXCLUDED.application_id, l.application_id),
         contract_id = COALESCE(EXCLUDED.contract_id, l.contract_id),
         customer_id = COALESCE(EXCLUDED.customer_id, l.customer_id),
         branch_id = COALESCE(NULLIF(EXCLUDED.branch_id, ''), l.branch_id),
         product_code = COALESCE(NULLIF(EXCLUDED.product_code, ''), l.product_code),
         disbursed_amount = l.disbursed_amount + EXCLUDED.disbursed_amount,
         value_date = COALESCE(l.value_date, EXCLUDED.value_date),
         maturity_date = COALESCE(EXCLUDED.maturity_date, l.maturity_date),
         annual_rate_percent = COALESCE(l.annual_rate_percent, EXCLUDED.annual_rate_percent),
         version = l.version + 1, updated_at = now(),
         outstanding_principal = ${OUTSTANDING_SQL}`,
      [
        loanId,
        l.loanNumber || null,
        applicationId,
        optionalUuid(event, 'contractId', l.contractId),
        optionalUuid(event, 'customerId', l.customerId),
        l.branchId || null,
        l.productCode || null,
        amount,
        valueDate,
        optionalDate(event, 'maturityDate', l.maturityDate),
        amountOf(event, 'annualRatePercent', l.annualRatePercent, null),
      ],
    );
    if (applicationId) {
      await mergeApplication(
        tx,
        applicationId,
        l.branchId ?? '',
        'disbursed',
        {
          product_code: l.productCode,
          contract_id: optionalUuid(event, 'contractId', l.contractId),
          contract_number: l.contractNumber,
          loan_id: loanId,
          disbursed_on: tranche === 1 ? valueDate : null,
        },
        { disbursed_amount: amount },
      );
    }
  }),
  'accounting.loan.repayment-posted': v1(async (event, tx) => {
    const r = decodeEventData(accountingEventsV1.RepaymentPosted, event, ['id', 'loanId']);
    const loanId = uuidOf(event, 'loanId', r.loanId);
    const valueDate = dateOf(event, 'valueDate', r.valueDate);
    const split = allocationSplit(r.allocation);
    await recordMovement(tx, {
      movementId: `repayment:${r.id}`,
      loanId,
      branchId: r.branchId ?? '',
      kind: 'repayment',
      businessDate: valueDate,
      amount: amountOf(event, 'amount', r.amount)!,
      ...split,
      detail: { kind: r.kind ?? '', source: r.source ?? '' },
    });
    await touchLoan(
      tx,
      loanId,
      `status = CASE WHEN $2 THEN 'closed' ELSE status END,
       closed_on = CASE WHEN $2 THEN $3::date ELSE closed_on END`,
      [r.loanClosed === true, valueDate],
    );
  }),
  'accounting.loan.repayment-reversed': v1(async (event, tx) => {
    const r = decodeEventData(accountingEventsV1.RepaymentReversed, event, [
      'loanId',
      'repaymentId',
    ]);
    const loanId = uuidOf(event, 'loanId', r.loanId);
    const { rows } = await tx.query<{ principal: string; interest: string; branch_id: string }>(
      `SELECT principal::text, interest::text, branch_id FROM loan_movements WHERE movement_id = $1`,
      [`repayment:${r.repaymentId}`],
    );
    await recordMovement(tx, {
      movementId: `reversal:${r.repaymentId}`,
      loanId,
      branchId: rows[0]?.branch_id ?? '',
      kind: 'reversal',
      businessDate: r.businessDate
        ? dateOf(event, 'businessDate', r.businessDate)
        : instantOf(event, undefined).slice(0, 10),
      amount: amountOf(event, 'amount', r.amount)!,
      principal: rows[0]?.principal ?? '0',
      interest: rows[0]?.interest ?? '0',
      detail: { reason: r.reason ?? '' },
    });
    // A reversed payoff reopens the loan.
    await touchLoan(
      tx,
      loanId,
      `status = CASE WHEN status = 'closed' THEN 'active' ELSE status END, closed_on = NULL`,
    );
  }),
  'accounting.loan.repriced': v1(async (event, tx) => {
    const r = decodeEventData(accountingEventsV1.LoanRepriced, event, ['loanId', 'toRatePercent']);
    await touchLoan(tx, uuidOf(event, 'loanId', r.loanId), 'annual_rate_percent = $2', [
      amountOf(event, 'toRatePercent', r.toRatePercent),
    ]);
  }),
  'accounting.loan.classified': v1(async (event, tx) => {
    const c = decodeEventData(accountingEventsV1.LoanClassified, event, ['loanId', 'to']);
    await touchLoan(
      tx,
      uuidOf(event, 'loanId', c.loanId),
      `classification = $2, days_past_due = COALESCE($3, days_past_due)`,
      [c.to, c.cause === 'days_past_due' ? (c.daysPastDue ?? null) : null],
    );
  }),
  'accounting.loan.overdue': v1(async (event, tx) => {
    const o = decodeEventData(accountingEventsV1.LoanOverdue, event, ['loanId']);
    const date = optionalDate(event, 'businessDate', o.businessDate);
    const oldest = optionalDate(event, 'oldestUnpaidDue', o.oldestUnpaidDue);
    await touchLoan(
      tx,
      uuidOf(event, 'loanId', o.loanId),
      `days_past_due = GREATEST(days_past_due, COALESCE($2::date - $3::date, 1))`,
      [date, oldest],
    );
  }),
  'accounting.loan.written-off': v1(async (event, tx) => {
    const w = decodeEventData(accountingEventsV1.LoanWrittenOff, event, ['loanId', 'businessDate']);
    const loanId = uuidOf(event, 'loanId', w.loanId);
    await recordMovement(tx, {
      movementId: `write_off:${loanId}`,
      loanId,
      branchId: w.branchId,
      kind: 'write_off',
      businessDate: dateOf(event, 'businessDate', w.businessDate),
      amount: amountOf(event, 'total', w.total)!,
      principal: amountOf(event, 'principal', w.principal)!,
      interest: amountOf(event, 'interest', w.interest)!,
      detail: { reason: w.reason },
    });
    await touchLoan(tx, loanId, `status = 'written_off', closed_on = $2::date`, [w.businessDate]);
  }),
  'accounting.loan.recovery-recorded': v1(async (event, tx) => {
    const r = decodeEventData(accountingEventsV1.RecoveryRecorded, event, [
      'recoveryId',
      'loanId',
      'businessDate',
    ]);
    const loanId = uuidOf(event, 'loanId', r.loanId);
    await recordMovement(tx, {
      movementId: `recovery:${r.recoveryId}`,
      loanId,
      branchId: r.branchId,
      kind: 'recovery',
      businessDate: dateOf(event, 'businessDate', r.businessDate),
      amount: amountOf(event, 'amount', r.amount)!,
      principal: '0',
      interest: '0',
    });
    await touchLoan(tx, loanId, '');
  }),
  'accounting.loans.day-closed': v1(projectLoansDay),
  'accounting.accrual.completed': v1(async (event, tx) => {
    const a = decodeEventData(accountingEventsV1.AccrualCompleted, event, ['businessDate']);
    await tx.query(
      `INSERT INTO business_days (business_date, loans_accrued, normal_interest, penalty_interest,
         compound_interest, closed_by, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (business_date) DO UPDATE SET loans_accrued = EXCLUDED.loans_accrued,
         normal_interest = EXCLUDED.normal_interest, penalty_interest = EXCLUDED.penalty_interest,
         compound_interest = EXCLUDED.compound_interest, closed_by = EXCLUDED.closed_by,
         closed_at = EXCLUDED.closed_at`,
      [
        dateOf(event, 'businessDate', a.businessDate),
        a.loansAccrued ?? 0,
        amountOf(event, 'normalInterest', a.normalInterest),
        amountOf(event, 'penaltyInterest', a.penaltyInterest),
        amountOf(event, 'compoundInterest', a.compoundInterest),
        a.closedBy || null,
        instantOf(event, undefined),
      ],
    );
  }),
};
