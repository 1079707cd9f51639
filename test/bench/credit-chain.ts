import { randomUUID } from 'node:crypto';
import type { Principal, Role } from '@loanflow/platform';
import { applicationEventsV1, applicationsV1, vocabularyV1 } from '@loanflow/proto';

/**
 * The default credit approval process (services/workflow/processes/credit-approval.bpmn) as the
 * workflow benchmark walks it: who acts at each step and with which form data, down the
 * small-loan path (5 tasks) or the committee path (8 tasks: two of the three votes carry it).
 * Shared by the in-memory engine run and the gRPC load worker.
 */

export type CreditPath = 'small-loan' | 'committee';

/** Small loans are ≤ 500,000 (Gateway_Amount); anything larger goes to the committee. */
export const AMOUNT: Record<CreditPath, string> = {
  'small-loan': '300000.00',
  committee: '800000.00',
};
export const pathOfAmount = (amount: string): CreditPath =>
  Number(amount) <= 500_000 ? 'small-loan' : 'committee';

const staff = (userId: string, roles: Role[], branchId = 'SH001'): Principal => ({
  userId,
  username: userId,
  displayName: userId,
  roles,
  branchId,
});

export const COMMITTEE = ['cm-1', 'cm-2', 'cm-3'];

/** Every user the walk needs; the investigator (co-1) never acts at a later step (审贷分离). */
export const PRINCIPALS: Principal[] = [
  staff('am-1', ['account_manager']),
  staff('mkt-1', ['market_specialist']),
  staff('gl-1', ['group_leader']),
  staff('co-1', ['credit_officer']),
  staff('rev-1', ['pre_meeting_reviewer'], 'HQ'),
  ...COMMITTEE.map((id) => staff(id, ['committee_member'], 'HQ')),
  staff('risk-1', ['risk_manager'], 'HQ'),
  staff('fa-1', ['final_approver'], 'HQ'),
];

const BY_STEP: Record<string, string> = {
  market_routing: 'mkt-1',
  credit_officer_assignment: 'gl-1',
  investigation: 'co-1',
  pre_meeting_review: 'rev-1',
  risk_assessment: 'risk-1',
  final_approval: 'fa-1',
  small_loan_approval: 'fa-1',
};

/** The user who completes a task at `step` (a committee vote: its assigned member). */
export function userFor(step: string, assignee: string | null): string {
  if (step === 'committee_vote' && assignee) return assignee;
  const user = BY_STEP[step];
  if (!user) throw new Error(`the benchmark does not know who acts at step ${step}`);
  return user;
}

/** The form data each step's user sends with "approve". */
export function formFor(step: string): Record<string, unknown> {
  switch (step) {
    case 'credit_officer_assignment':
      return { creditOfficer: 'co-1' };
    case 'investigation':
      return {
        opinion: 'recommend',
        recommendedAmount: '280000.00',
        recommendedRatePercent: '3.8500',
        recommendedTermMonths: 36,
      };
    case 'pre_meeting_review':
      return { committeeMembers: COMMITTEE, committeeMeetingAt: '2026-12-01T10:00:00+08:00' };
    case 'risk_assessment':
      return { riskOpinion: 'acceptable' };
    case 'final_approval':
    case 'small_loan_approval':
      return { approvedAmount: '280000.00', approvedRatePercent: '3.8500', approvedTermMonths: 36 };
    default:
      return {};
  }
}

/** The application.submitted envelope the workflow service starts an instance from. */
export function submittedEnvelope(applicationId: string, path: CreditPath): Buffer {
  const data = applicationEventsV1.ApplicationSubmitted.toJSON(
    applicationEventsV1.ApplicationSubmitted.fromPartial({
      applicationId,
      customerId: randomUUID(),
      customerType: applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
      productCode: 'PERSONAL_CONSUMER',
      productCategory: 'consumer',
      branchId: 'SH001',
      amount: AMOUNT[path],
      termMonths: 36,
      repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_EQUAL_INSTALLMENTS,
      initialOpinion: applicationsV1.Opinion.OPINION_RECOMMEND,
      score: 95,
      submittedBy: 'am-1',
      submittedAt: new Date().toISOString(),
    }),
  );
  return Buffer.from(
    JSON.stringify({
      id: randomUUID(),
      type: 'applications.application.submitted',
      schemaVersion: 1,
      source: 'applications',
      subjectId: applicationId,
      occurredAt: new Date().toISOString(),
      data,
    }),
  );
}

export const SUBMITTED_SUBJECT = 'loanflow.applications.application.submitted';

/** The start variables the service derives from application.submitted (startForApplication). */
export function startVariables(path: CreditPath): Record<string, unknown> {
  return {
    applicationId: randomUUID(),
    customerId: randomUUID(),
    customerType: 'individual',
    productCode: 'PERSONAL_CONSUMER',
    productCategory: 'consumer',
    branchId: 'SH001',
    amount: Number(AMOUNT[path]),
    amountText: AMOUNT[path],
    termMonths: 36,
    repaymentMethod: 'equal_installments',
    initialOpinion: 'recommend',
    score: 95,
    accountManager: 'am-1',
  };
}
