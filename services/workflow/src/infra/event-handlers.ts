// The events workflow consumes, decoded with the generated code of their proto messages; an event
// that does not decode is parked by the consumer (UndecodableEvent), never half-read.
import {
  UndecodableEvent,
  decodeEventData,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { applicationEventsV1, workflowEventsV1 } from '@loanflow/proto';
import { startForApplication, type Submission, type WorkflowDeps } from '../app/instances';
import { completeJob } from '../app/jobs';
import { endApplication, type Ending } from '../app/termination';
import type { TerminationCause } from '../domain/engine';

/** The proto enum word without its prefix, lower case: CUSTOMER_TYPE_CORPORATE → corporate. */
const word = (value: string, prefix: string): string => value.replace(prefix, '').toLowerCase();

/** loanflow.applications.application.submitted: the application's approval starts. */
export async function onApplicationSubmitted(
  deps: WorkflowDeps,
  tx: PoolClient,
  event: EventEnvelope,
): Promise<void> {
  const s = decodeEventData(applicationEventsV1.ApplicationSubmitted, event, [
    'applicationId',
    'customerId',
    'productCode',
    'branchId',
    'amount',
    'submittedBy',
  ]);
  const submission: Submission = {
    applicationId: s.applicationId,
    customerId: s.customerId,
    customerType: word(s.customerType, 'CUSTOMER_TYPE_'),
    productCode: s.productCode,
    productCategory: s.productCategory,
    branchId: s.branchId,
    amount: s.amount,
    termMonths: s.termMonths,
    repaymentMethod: word(s.repaymentMethod, 'REPAYMENT_METHOD_'),
    initialOpinion: word(s.initialOpinion, 'OPINION_'),
    score: s.score,
    submittedBy: s.submittedBy,
    ...(s.customerName ? { customerName: s.customerName } : {}),
  };
  await startForApplication(deps, tx, submission);
}

/** loanflow.applications.application.<withdrawn|declined|expired>: the approval ends at once. */
export async function onApplicationEnding(
  deps: WorkflowDeps,
  tx: PoolClient,
  event: EventEnvelope,
  cause: TerminationCause,
): Promise<void> {
  const decoded =
    cause === 'withdrawn'
      ? decodeEventData(applicationEventsV1.ApplicationWithdrawn, event)
      : cause === 'declined'
        ? decodeEventData(applicationEventsV1.ApplicationDeclined, event)
        : decodeEventData(applicationEventsV1.ApplicationExpired, event);
  const applicationId = event.subjectId || decoded.applicationId;
  if (!applicationId) throw new UndecodableEvent(`${event.type} ${event.id} names no application`);
  const ending: Ending = {
    applicationId,
    cause,
    reason: decoded.reason,
    actor: 'withdrawnBy' in decoded && decoded.withdrawnBy ? decoded.withdrawnBy : 'system',
  };
  await endApplication(deps, tx, ending);
}

/** loanflow.<service>.job.completed from a worker: the service task's token moves on. */
export async function onJobCompleted(
  deps: WorkflowDeps,
  tx: PoolClient,
  event: EventEnvelope,
): Promise<void> {
  const done = decodeEventData(workflowEventsV1.JobCompleted, event, ['jobId']);
  const raw = (event.data as { variables?: unknown }).variables;
  const isObject = typeof raw === 'object' && raw !== null && !Array.isArray(raw);
  if (raw !== undefined && !isObject)
    throw new UndecodableEvent(`${event.type} ${event.id}: variables must be a JSON object`);
  await completeJob(deps, done.jobId, done.variables, tx);
}
