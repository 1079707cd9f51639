// Applications: where each stands and the facts of its way there, from the events of the
// applications, workflow, documents and accounting services. These arrive on different consumers
// in any order, so every write merges: a known value replaces, an unknown one leaves the column
// alone, and the status only moves forward (STATUS_RANK_SQL).
import { decodeEventData, type PoolClient } from '@loanflow/platform';
import {
  applicationEventsV1,
  applicationsV1,
  documentEventsV1,
  vocabularyV1,
} from '@loanflow/proto';
import {
  bankDateOf,
  enumWord,
  monthOf,
  STATUS_RANK_SQL,
  workingDayBucket,
} from '../../domain/projection';
import { amountOf, instantOf, uuidOf, v1, type Projections } from './projection';

/** Columns an event may know of an application (absent, null or '' = it does not know). */
export interface ApplicationFacts {
  customer_id?: string | null;
  customer_type?: string;
  product_code?: string;
  product_category?: string;
  amount?: string | null;
  term_months?: number;
  repayment_method?: string;
  score?: number;
  initial_opinion?: string;
  created_by?: string;
  created_at?: string;
  submitted_by?: string;
  submitted_at?: string;
  process_instance_id?: string;
  process_started_at?: string;
  decision?: string;
  decided_at?: string;
  decision_working_days?: string | null;
  approved_amount?: string | null;
  approved_rate_percent?: string | null;
  approved_term_months?: number;
  decline_source?: string;
  decline_step?: string;
  decline_codes?: string[];
  decline_reason?: string;
  contract_id?: string | null;
  contract_number?: string;
  contracted_at?: string;
  loan_id?: string | null;
  disbursed_on?: string | null;
}

const known = (v: unknown): boolean =>
  v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);

/**
 * Merges what an event says of an application into its row (created if this is the first word of
 * it), then keeps its count in the decision histogram right. `add` columns are increments.
 */
export async function mergeApplication(
  tx: PoolClient,
  applicationId: string,
  branchId: string,
  status: string,
  facts: ApplicationFacts,
  add: { disbursed_amount?: string; send_backs?: number } = {},
  /** Facts that only fill an empty column (a weaker word than the one already there). */
  fillOnly: readonly (keyof ApplicationFacts)[] = [],
): Promise<void> {
  const set = Object.entries(facts).filter(([, v]) => known(v));
  const adds = Object.entries(add).filter(([, v]) => known(v));
  const columns = [...set, ...adds].map(([k]) => k);
  const values = [...set, ...adds].map(([, v]) => v);
  const params = columns.map((_, i) => `$${i + 4}`);
  const updates = [
    `branch_id = COALESCE(NULLIF(EXCLUDED.branch_id, ''), applications.branch_id)`,
    `status = CASE WHEN ${STATUS_RANK_SQL('EXCLUDED.status')} >= ${STATUS_RANK_SQL('applications.status')}
       THEN EXCLUDED.status ELSE applications.status END`,
    ...set.map(([k]) =>
      (fillOnly as readonly string[]).includes(k)
        ? `${k} = COALESCE(applications.${k}, EXCLUDED.${k})`
        : `${k} = EXCLUDED.${k}`,
    ),
    ...adds.map(([k]) => `${k} = applications.${k} + EXCLUDED.${k}`),
    'updated_at = now()',
  ];
  const { rows } = await tx.query<HistogramFacts>(
    `INSERT INTO applications (application_id, branch_id, status${columns.map((c) => `, ${c}`).join('')})
     VALUES ($1, $2, $3${params.map((p) => `, ${p}`).join('')})
     ON CONFLICT (application_id) DO UPDATE SET ${updates.join(', ')}
     RETURNING application_id, branch_id, product_code, decision, decided_at,
       decision_working_days::text AS decision_working_days, counted_month::text AS counted_month,
       counted_branch, counted_product, counted_decision, counted_bucket`,
    [applicationId, branchId, status, ...values],
  );
  await syncDecisionHistogram(tx, rows[0]!);
}

interface HistogramFacts {
  application_id: string;
  branch_id: string;
  product_code: string;
  decision: string | null;
  decided_at: Date | null;
  decision_working_days: string | null;
  counted_month: string | null;
  counted_branch: string | null;
  counted_product: string | null;
  counted_decision: string | null;
  counted_bucket: number | null;
}

interface HistogramKey {
  month: string;
  branch: string;
  product: string;
  decision: string;
  bucket: number;
}

/** Where a decided application belongs in the histogram, once its branch is known. */
function histogramKey(a: HistogramFacts): HistogramKey | undefined {
  if (!a.decision || !a.decided_at || a.decision_working_days === null || !a.branch_id)
    return undefined;
  return {
    month: monthOf(bankDateOf(a.decided_at)),
    branch: a.branch_id,
    product: a.product_code,
    decision: a.decision,
    bucket: workingDayBucket(a.decision_working_days),
  };
}

/**
 * Moves the application's count to the histogram row its facts now say (the usual case: nothing
 * to do). Rows that fall to zero are deleted, so that the histogram is the same whatever order
 * the facts came in.
 */
async function syncDecisionHistogram(tx: PoolClient, a: HistogramFacts): Promise<void> {
  const next = histogramKey(a);
  const before: HistogramKey | undefined =
    a.counted_month === null
      ? undefined
      : {
          month: a.counted_month,
          branch: a.counted_branch!,
          product: a.counted_product!,
          decision: a.counted_decision!,
          bucket: a.counted_bucket!,
        };
  if (JSON.stringify(next) === JSON.stringify(before)) return;
  const key = (k: HistogramKey) => [k.month, k.branch, k.product, k.decision, k.bucket];
  if (before) {
    await tx.query(
      `WITH less AS (
         UPDATE decision_histogram SET applications = applications - 1
          WHERE month = $1 AND branch_id = $2 AND product_code = $3 AND decision = $4 AND bucket = $5
         RETURNING month, branch_id, product_code, decision, bucket, applications)
       DELETE FROM decision_histogram h USING less
        WHERE less.applications <= 0 AND h.month = less.month AND h.branch_id = less.branch_id
          AND h.product_code = less.product_code AND h.decision = less.decision
          AND h.bucket = less.bucket`,
      key(before),
    );
  }
  if (next) {
    await tx.query(
      `INSERT INTO decision_histogram (month, branch_id, product_code, decision, bucket, applications)
       VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (month, branch_id, product_code, decision, bucket)
       DO UPDATE SET applications = decision_histogram.applications + 1`,
      key(next),
    );
  }
  await tx.query(
    `UPDATE applications SET counted_month = $2, counted_branch = $3, counted_product = $4,
       counted_decision = $5, counted_bucket = $6 WHERE application_id = $1`,
    [a.application_id, ...(next ? key(next) : [null, null, null, null, null])],
  );
}

const customerType = (t: applicationsV1.CustomerType) =>
  enumWord(applicationsV1.customerTypeToJSON(t), 'CUSTOMER_TYPE_');

export const applicationProjections: Projections = {
  'applications.application.created': v1(async (event, tx) => {
    const a = decodeEventData(applicationEventsV1.ApplicationCreated, event, [
      'applicationId',
      'branchId',
    ]);
    await mergeApplication(
      tx,
      uuidOf(event, 'applicationId', a.applicationId),
      a.branchId,
      'draft',
      {
        customer_id: a.customerId ? uuidOf(event, 'customerId', a.customerId) : null,
        customer_type: customerType(a.customerType),
        product_code: a.productCode,
        amount: amountOf(event, 'amount', a.amount, null),
        term_months: a.termMonths || undefined,
        created_by: a.createdBy,
        created_at: instantOf(event, undefined),
      },
    );
  }),
  'applications.application.submitted': v1(async (event, tx) => {
    const a = decodeEventData(applicationEventsV1.ApplicationSubmitted, event, [
      'applicationId',
      'branchId',
    ]);
    await mergeApplication(
      tx,
      uuidOf(event, 'applicationId', a.applicationId),
      a.branchId,
      'submitted',
      {
        customer_id: a.customerId ? uuidOf(event, 'customerId', a.customerId) : null,
        customer_type: customerType(a.customerType),
        product_code: a.productCode,
        product_category: a.productCategory,
        amount: amountOf(event, 'amount', a.amount, null),
        term_months: a.termMonths || undefined,
        repayment_method: enumWord(
          vocabularyV1.repaymentMethodToJSON(a.repaymentMethod),
          'REPAYMENT_METHOD_',
        ),
        initial_opinion: enumWord(applicationsV1.opinionToJSON(a.initialOpinion), 'OPINION_'),
        score: a.score || undefined,
        submitted_by: a.submittedBy,
        submitted_at: instantOf(event, a.submittedAt),
      },
    );
  }),
  'applications.application.declined': v1(async (event, tx) => {
    const a = decodeEventData(applicationEventsV1.ApplicationDeclined, event, ['applicationId']);
    const at = instantOf(event, a.declinedAt);
    await mergeApplication(
      tx,
      uuidOf(event, 'applicationId', a.applicationId),
      a.branchId,
      'declined',
      {
        product_code: a.productCode,
        amount: amountOf(event, 'amount', a.amount, null),
        // Declined at submission by the knockout rules: submitted and refused in one moment.
        submitted_at: at,
        decline_source: 'pre_assessment',
        decline_codes: a.ruleCodes,
        decline_reason: a.reason,
      },
    );
  }),
  'applications.application.withdrawn': v1(async (event, tx) => {
    const a = decodeEventData(applicationEventsV1.ApplicationWithdrawn, event, ['applicationId']);
    await mergeApplication(
      tx,
      uuidOf(event, 'applicationId', a.applicationId),
      a.branchId,
      'withdrawn',
      {
        decline_source: 'withdrawn',
        decline_reason: a.reason,
      },
    );
  }),
  'applications.application.expired': v1(async (event, tx) => {
    const a = decodeEventData(applicationEventsV1.ApplicationExpired, event, ['applicationId']);
    await mergeApplication(
      tx,
      uuidOf(event, 'applicationId', a.applicationId),
      a.branchId,
      'expired',
      {
        decline_source: 'expired',
        decline_reason: a.reason,
      },
    );
  }),
};

export const contractProjections: Projections = {
  'documents.contract.signed': {
    version: 2,
    apply: async (event, tx) => {
      const c = decodeEventData(documentEventsV1.ContractSigned, event, [
        'contractId',
        'applicationId',
      ]);
      await mergeApplication(
        tx,
        uuidOf(event, 'applicationId', c.applicationId),
        c.branchId,
        'contracted',
        {
          product_code: c.productCode,
          contract_id: uuidOf(event, 'contractId', c.contractId),
          contract_number: c.contractNumber,
          contracted_at: instantOf(event, c.signedAt),
        },
      );
    },
  },
};
