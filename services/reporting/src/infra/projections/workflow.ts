// Tasks (each step of an application's approval) and the approval process's decision, from the
// workflow's events. A task event names its application (business key), branch, product and
// amount, so it also completes the application's row when the applications events come later.
import {
  decodeEventData,
  UndecodableEvent,
  type EventEnvelope,
  type PoolClient,
} from '@loanflow/platform';
import { workflowEventsV1 } from '@loanflow/proto';
import { isRejectOutcome } from '../../domain/projection';
import { mergeApplication } from './applications';
import { amountOf, instantOf, optionalUuid, uuidOf, v1, type Projections } from './projection';

/** The task's state after the event: the event's verb where it says more than the task's state. */
function stateAfter(verb: string, taskState: string): string {
  if (verb === 'sent-back') return 'sent_back';
  if (verb === 'completed') return 'completed';
  if (verb === 'cancelled') return 'cancelled';
  return taskState || 'open';
}

async function projectTask(verb: string, event: EventEnvelope, tx: PoolClient): Promise<void> {
  const e = decodeEventData(workflowEventsV1.TaskEvent, event, ['task']);
  const t = e.task!;
  if (!t.id) throw new UndecodableEvent(`${event.type}: missing task.id`);
  const applicationId = optionalUuid(event, 'task.businessKey', t.businessKey);
  const at = instantOf(event, e.at);
  const ended = verb === 'completed' || verb === 'sent-back' || verb === 'cancelled';
  const rejected = verb === 'completed' && isRejectOutcome(e.outcome);
  // The application's row first: it serialises the events of one application's tasks, so the
  // current step below is computed from every committed task.
  if (applicationId) {
    await mergeApplication(
      tx,
      applicationId,
      t.branchId,
      'submitted',
      {
        product_code: t.productCode,
        amount: amountOf(event, 'task.amount', t.amount, null),
        process_instance_id: t.instanceId,
        ...(rejected
          ? { decline_source: 'approval', decline_step: t.step, decline_reason: e.opinion }
          : {}),
      },
      verb === 'sent-back' ? { send_backs: 1 } : {},
    );
  }
  // The task, and in the same statement the application's current step: the open steps of its
  // other tasks (committed before this transaction locked the application) and of this one.
  await tx.query(
    `WITH task AS (
     INSERT INTO tasks (task_id, instance_id, application_id, step, name, branch_id, product_code,
       amount, state, assignee, candidate_groups, created_at, due_at, ended_at, ended_by, outcome,
       opinion, working_days, overdue, urged, sent_back, sent_back_to)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULLIF($10, ''), $11, $12, $13, $14, $15, $16, $17,
       $18, $19, $20, $21, $22)
     ON CONFLICT (task_id) DO UPDATE SET
       step = EXCLUDED.step, name = EXCLUDED.name, branch_id = EXCLUDED.branch_id,
       product_code = EXCLUDED.product_code, amount = COALESCE(EXCLUDED.amount, tasks.amount),
       state = EXCLUDED.state, assignee = COALESCE(EXCLUDED.assignee, tasks.assignee),
       candidate_groups = EXCLUDED.candidate_groups,
       created_at = COALESCE(tasks.created_at, EXCLUDED.created_at),
       due_at = COALESCE(EXCLUDED.due_at, tasks.due_at),
       ended_at = COALESCE(EXCLUDED.ended_at, tasks.ended_at),
       ended_by = COALESCE(EXCLUDED.ended_by, tasks.ended_by),
       outcome = COALESCE(EXCLUDED.outcome, tasks.outcome),
       opinion = COALESCE(EXCLUDED.opinion, tasks.opinion),
       working_days = COALESCE(EXCLUDED.working_days, tasks.working_days),
       overdue = tasks.overdue OR EXCLUDED.overdue,
       urged = tasks.urged + EXCLUDED.urged,
       sent_back = tasks.sent_back OR EXCLUDED.sent_back,
       sent_back_to = COALESCE(EXCLUDED.sent_back_to, tasks.sent_back_to),
       updated_at = now()
     RETURNING application_id, step, state)
     UPDATE applications a SET current_step = (
       SELECT string_agg(DISTINCT step, ',' ORDER BY step) FROM (
         SELECT step FROM tasks WHERE application_id = $3 AND state = 'open' AND task_id <> $1
         UNION ALL
         SELECT step FROM task WHERE state = 'open') open_steps)
       FROM task WHERE a.application_id = task.application_id`,
    [
      t.id,
      t.instanceId || null,
      applicationId,
      t.step,
      t.name,
      t.branchId,
      t.productCode,
      amountOf(event, 'task.amount', t.amount, null),
      stateAfter(verb, t.state),
      t.assignee,
      t.candidateGroups,
      t.createdAt || null,
      t.dueAt || null,
      ended ? at : null,
      ended ? e.actor || null : null,
      verb === 'completed' ? e.outcome || null : null,
      verb === 'completed' ? e.opinion || null : null,
      ended ? amountOf(event, 'workingDays', e.workingDays, null) : null,
      t.overdue || verb === 'overdue',
      verb === 'urged' ? 1 : 0,
      verb === 'sent-back',
      verb === 'sent-back' ? e.targetElementId || null : null,
    ],
  );
}

const task = (verb: string) => v1((event, tx) => projectTask(verb, event, tx));

/** What a process decision means for the application's status (terminated: see its own events). */
const statusOfDecision = (decision: string): string =>
  decision === 'approved' || decision === 'rejected' ? decision : 'submitted';

export const workflowProjections: Projections = {
  'workflow.task.created': task('created'),
  'workflow.task.assigned': task('assigned'),
  'workflow.task.completed': task('completed'),
  'workflow.task.sent-back': task('sent-back'),
  'workflow.task.overdue': task('overdue'),
  'workflow.task.urged': task('urged'),
  'workflow.task.escalated': task('escalated'),
  'workflow.task.cancelled': task('cancelled'),
  'workflow.process.started': v1(async (event, tx) => {
    const p = decodeEventData(workflowEventsV1.ProcessStarted, event, ['instanceId']);
    const applicationId = optionalUuid(event, 'businessKey', p.businessKey);
    if (!applicationId) return;
    await mergeApplication(tx, applicationId, '', 'submitted', {
      process_instance_id: p.instanceId,
      process_started_at: instantOf(event, p.at),
    });
  }),
  'workflow.process.completed': v1(async (event, tx) => {
    const p = decodeEventData(workflowEventsV1.ProcessCompleted, event, ['instanceId', 'decision']);
    const applicationId = optionalUuid(event, 'businessKey', p.businessKey);
    if (!applicationId) return;
    const approved = p.decision === 'approved';
    await mergeApplication(tx, applicationId, '', statusOfDecision(p.decision), {
      process_instance_id: p.instanceId,
      process_started_at: p.startedAt ? instantOf(event, p.startedAt) : undefined,
      decision: p.decision,
      decided_at: instantOf(event, p.at),
      decision_working_days: amountOf(event, 'workingDays', p.workingDays, null),
      approved_amount: approved ? amountOf(event, 'approvedAmount', p.approvedAmount, null) : null,
      approved_rate_percent: approved
        ? amountOf(event, 'approvedRatePercent', p.approvedRatePercent, null)
        : null,
      approved_term_months: approved ? p.approvedTermMonths || undefined : undefined,
    });
  }),
  'workflow.process.terminated': v1(async (event, tx) => {
    const p = decodeEventData(workflowEventsV1.ProcessTerminated, event, ['instanceId']);
    const applicationId = uuidOf(event, 'businessKey', p.businessKey);
    await mergeApplication(
      tx,
      applicationId,
      '',
      'submitted',
      {
        process_instance_id: p.instanceId,
        process_started_at: p.startedAt ? instantOf(event, p.startedAt) : undefined,
        decision: 'terminated',
        decided_at: instantOf(event, p.at),
        decision_working_days: amountOf(event, 'workingDays', p.workingDays, null),
      },
      {},
      // An application decided before its process was ended keeps its decision.
      ['decision', 'decided_at', 'decision_working_days'],
    );
  }),
};
