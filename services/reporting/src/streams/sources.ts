// Where each topic's record values come from: one SQL expression per subject over its read-model
// table, so the record of an event, of a replay and of the nightly snapshot are built alike.
// Money stays numeric → decimal text ("1234.50"), never a float; instants are UTC RFC 3339.
import { BANK_TIME_ZONE } from '@loanflow/platform';
import type { Subject } from './catalogue';

const ts = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
const day = (c: string) => `to_char(${c}, 'YYYY-MM-DD')`;
const num = (c: string) => `${c}::text`;
const obj = (fields: Record<string, string>) =>
  `jsonb_build_object(${Object.entries(fields)
    .map(([k, v]) => `'${k}', ${v}`)
    .join(', ')})`;

export interface Source {
  table: string;
  /** The record key (text). */
  key: string;
  /** The value (jsonb). */
  value: string;
  /** The row's date, for a replay's range (the bank's calendar date for instants). */
  date: string;
  /** ce_time of a replayed record. */
  time: string;
  /**
   * The columns (and their types) a replay reads in and resumes after: the table's key, so the
   * read follows its index and a resumed job continues after the last record produced.
   */
  position: readonly (readonly [column: string, type: string])[];
  /** What a fact's ce_id is made from (loans.daily: one record per date and loan). */
  identity: string;
}

const localDay = (c: string) => `(${c} AT TIME ZONE '${BANK_TIME_ZONE}')::date`;

export const SOURCES: Record<Subject, Source> = {
  applications: {
    table: 'applications',
    key: 'application_id::text',
    value: obj({
      applicationId: 'application_id',
      customerId: 'customer_id',
      customerType: 'customer_type',
      branchId: 'branch_id',
      productCode: 'product_code',
      productCategory: 'product_category',
      amount: num('amount'),
      termMonths: 'term_months',
      repaymentMethod: 'repayment_method',
      status: 'status',
      score: 'score',
      createdAt: ts('created_at'),
      submittedAt: ts('submitted_at'),
      currentStep: 'current_step',
      decision: 'decision',
      decidedAt: ts('decided_at'),
      decisionWorkingDays: num('decision_working_days'),
      approvedAmount: num('approved_amount'),
      approvedRatePercent: num('approved_rate_percent'),
      approvedTermMonths: 'approved_term_months',
      declineSource: 'decline_source',
      declineStep: 'decline_step',
      declineCodes: 'to_jsonb(decline_codes)',
      declineReason: 'decline_reason',
      contractId: 'contract_id',
      contractNumber: 'contract_number',
      contractedAt: ts('contracted_at'),
      loanId: 'loan_id',
      disbursedAmount: num('disbursed_amount'),
      disbursedOn: day('disbursed_on'),
      sendBacks: 'send_backs',
      updatedAt: ts('updated_at'),
    }),
    date: localDay('updated_at'),
    time: 'updated_at',
    position: [['application_id', 'uuid']],
    identity: 'application_id::text',
  },
  tasks: {
    table: 'tasks',
    key: 'task_id',
    value: obj({
      taskId: 'task_id',
      instanceId: 'instance_id',
      applicationId: 'application_id',
      step: 'step',
      name: 'name',
      branchId: 'branch_id',
      productCode: 'product_code',
      amount: num('amount'),
      state: 'state',
      assignee: 'assignee',
      candidateGroups: 'to_jsonb(candidate_groups)',
      createdAt: ts('created_at'),
      dueAt: ts('due_at'),
      endedAt: ts('ended_at'),
      endedBy: 'ended_by',
      outcome: 'outcome',
      workingDays: num('working_days'),
      overdue: 'overdue',
      urged: 'urged',
      sentBack: 'sent_back',
      sentBackTo: 'sent_back_to',
      updatedAt: ts('updated_at'),
    }),
    date: localDay('updated_at'),
    time: 'updated_at',
    position: [['task_id', 'text']],
    identity: 'task_id',
  },
  'loans.daily': {
    table: 'loan_days',
    key: 'loan_id::text',
    value: obj({
      businessDate: day('business_date'),
      loanId: 'loan_id',
      loanNumber: 'loan_number',
      branchId: 'branch_id',
      productCode: 'product_code',
      customerId: 'customer_id',
      classification: 'classification',
      daysPastDue: 'days_past_due',
      annualRatePercent: num('annual_rate_percent'),
      outstandingPrincipal: num('outstanding_principal'),
      overduePrincipal: num('overdue_principal'),
      dueInterest: num('due_interest'),
      overdueInterest: num('overdue_interest'),
      accruedInterest: num('accrued_interest'),
      penaltyInterest: num('penalty_interest'),
      compoundInterest: num('compound_interest'),
      accruedToday: obj({
        normal: num('accrued_today_normal'),
        penalty: num('accrued_today_penalty'),
        compound: num('accrued_today_compound'),
      }),
      nextDueDate: day('next_due_date'),
      maturityDate: day('maturity_date'),
    }),
    date: 'business_date',
    time: `(business_date + 1)::timestamp AT TIME ZONE '${BANK_TIME_ZONE}'`,
    position: [
      ['business_date', 'date'],
      ['loan_id', 'uuid'],
    ],
    identity: `${day('business_date')} || '/' || loan_id::text`,
  },
  'loans.state': {
    table: 'loans',
    key: 'loan_id::text',
    value: obj({
      loanId: 'loan_id',
      loanNumber: 'loan_number',
      applicationId: 'application_id',
      contractId: 'contract_id',
      customerId: 'customer_id',
      branchId: 'branch_id',
      productCode: 'product_code',
      status: 'status',
      disbursedAmount: num('disbursed_amount'),
      valueDate: day('value_date'),
      maturityDate: day('maturity_date'),
      annualRatePercent: num('annual_rate_percent'),
      classification: 'classification',
      daysPastDue: 'days_past_due',
      outstandingPrincipal: num('outstanding_principal'),
      lastBusinessDate: day('last_business_date'),
      closedOn: day('closed_on'),
      version: 'version',
      updatedAt: ts('updated_at'),
    }),
    date: localDay('updated_at'),
    time: 'updated_at',
    position: [['loan_id', 'uuid']],
    identity: 'loan_id::text',
  },
  'ledger-entries': {
    table: 'ledger_entries',
    key: 'entry_id::text',
    value: obj({
      entryId: 'entry_id::text',
      businessDate: day('business_date'),
      kind: 'kind',
      loanId: 'loan_id',
      reference: 'reference',
      description: 'description',
      lines: 'lines',
      total: num('total'),
    }),
    date: 'business_date',
    time: `business_date::timestamp AT TIME ZONE '${BANK_TIME_ZONE}'`,
    position: [['entry_id', 'bigint']],
    identity: 'entry_id::text',
  },
  notifications: {
    table: 'notifications',
    key: 'delivery_id::text',
    value: obj({
      deliveryId: 'delivery_id',
      ruleId: 'rule_id',
      eventType: 'event_type',
      recipientKind: 'recipient_kind',
      channel: 'channel',
      category: 'category',
      templateCode: 'template_code',
      status: 'status',
      attempts: 'attempts',
      segments: 'segments',
      createdAt: ts('created_at'),
      at: ts('at'),
    }),
    date: localDay('at'),
    time: 'at',
    position: [['delivery_id', 'uuid']],
    identity: 'delivery_id::text',
  },
};

/** ORDER BY of a source's position. */
export const orderOf = (source: Source): string => source.position.map(([c]) => c).join(', ');
