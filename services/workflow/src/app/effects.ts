import { appendManyToOutbox, type NewEvent, type PoolClient } from '@loanflow/platform';
import { workflowEventsV1, workflowV1 as pb } from '@loanflow/proto';
import type { CommandResult, EngineEffect, InstanceState, TaskState } from '../domain/engine';
import {
  cancelTimer,
  finishJob,
  insertJob,
  scheduleTimer,
  syncTasks,
  taskRowId,
  type BusinessContext,
} from '../infra/instance-store';

export const SOURCE = 'workflow';

export interface InstanceRef {
  id: string;
  businessKey: string;
  context: BusinessContext;
  definitionKey: string;
  definitionVersion: number;
}

export function taskToPb(instance: InstanceRef, t: TaskState, now = new Date()): pb.Task {
  return pb.Task.fromPartial({
    id: taskRowId(instance.id, t.id),
    instanceId: instance.id,
    businessKey: instance.businessKey,
    elementId: t.elementId,
    name: t.name ?? t.elementId,
    step: t.stepCode,
    state: t.status,
    assignee: t.assignee ?? '',
    candidateGroups: t.candidateGroups,
    candidateUsers: t.candidateUsers,
    owner: t.owner ?? '',
    createdAt: t.createdAt,
    dueAt: t.dueAt ?? '',
    overdue: t.status === 'open' && t.dueAt !== null && new Date(t.dueAt) < now,
    productCode: instance.context.productCode ?? '',
    amount: instance.context.amount ?? '',
    branchId: instance.context.branchId ?? '',
    customerName: instance.context.customerName ?? '',
  });
}

const text = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';

/** The credit decision a finished process carries, from its variables or its end event. */
export function decisionOf(effect: Extract<EngineEffect, { type: 'processCompleted' }>): {
  decision: string;
  amount: string;
  rate: string;
  term: number;
} {
  const v = effect.variables;
  let decision = text(v.decision);
  if (!decision) {
    if (effect.status === 'terminated' && !effect.endEventId) decision = 'terminated';
    else if (/reject|declin/i.test(effect.endEventId ?? '')) decision = 'rejected';
    else if (/approv/i.test(effect.endEventId ?? '')) decision = 'approved';
    else decision = effect.status === 'terminated' ? 'terminated' : 'completed';
  }
  const approved = decision === 'approved';
  return {
    decision,
    amount: approved
      ? text(v.approvedAmount) || text(v.recommendedAmount) || text(v.amountText)
      : '',
    rate: approved ? text(v.approvedRatePercent) || text(v.recommendedRatePercent) : '',
    term: approved
      ? Number(v.approvedTermMonths ?? v.recommendedTermMonths ?? v.termMonths ?? 0) || 0
      : 0,
  };
}

/**
 * Makes a command's result durable in the caller's transaction: the task list, timers and jobs
 * follow the new state, and every effect that others care about becomes an outbox event.
 */
export async function recordEffects(
  tx: PoolClient,
  instance: InstanceRef,
  before: InstanceState | undefined,
  result: CommandResult,
  now: string,
): Promise<TaskState[]> {
  const changed = await syncTasks(tx, instance, before?.tasks ?? [], result.state.tasks);
  // Collected and written in one statement at the end, in effect order.
  const pending: NewEvent<unknown>[] = [];
  const taskById = new Map(result.state.tasks.map((t) => [t.id, t]));
  const opinionOf = (taskId: string) =>
    result.effects.find(
      (e): e is Extract<EngineEffect, { type: 'history' }> =>
        e.type === 'history' && e.entry.taskId === taskId && e.entry.opinion !== undefined,
    )?.entry.opinion ?? '';
  const taskEvent = async (
    verb: string,
    taskId: string,
    extra: Partial<workflowEventsV1.TaskEvent> = {},
  ) => {
    const task = taskById.get(taskId);
    if (!task) return;
    pending.push({
      type: `workflow.task.${verb}`,
      subjectId: taskRowId(instance.id, taskId),
      data: workflowEventsV1.TaskEvent.toJSON(
        workflowEventsV1.TaskEvent.fromPartial({
          task: taskToPb(instance, task),
          at: now,
          ...extra,
        }),
      ),
    });
  };

  for (const e of result.effects) {
    switch (e.type) {
      case 'taskCreated':
        await taskEvent('created', e.task.id);
        break;
      case 'taskAssigned':
        await taskEvent('assigned', e.taskId, { reason: e.reason });
        break;
      case 'taskCompleted':
        await taskEvent('completed', e.taskId, {
          actor: e.completedBy,
          outcome: e.outcome,
          opinion: opinionOf(e.taskId),
        });
        break;
      case 'taskSentBack':
        await taskEvent('sent-back', e.taskId, {
          actor: e.actor,
          reason: e.reason,
          targetElementId: e.toElementId,
        });
        break;
      case 'taskUrged':
        await taskEvent('urged', e.taskId, { actor: e.urgedBy });
        break;
      case 'timerScheduled':
        await scheduleTimer(tx, instance.id, e.timer.id, e.timer.dueAt);
        break;
      case 'timerCancelled':
        await cancelTimer(tx, instance.id, e.timerId);
        break;
      case 'timerFired':
        // An interrupting timer escalates the step; a non-interrupting one reminds.
        for (const taskId of e.taskIds)
          await taskEvent(e.interrupting ? 'escalated' : 'reminder', taskId, {
            reason: e.boundaryEventId,
          });
        break;
      case 'jobCreated':
        await insertJob(tx, instance.id, e.job.id, e.job.type, result.state.variables);
        pending.push({
          type: 'workflow.job.created',
          subjectId: taskRowId(instance.id, e.job.id),
          data: {
            jobId: taskRowId(instance.id, e.job.id),
            type: e.job.type,
            instanceId: instance.id,
            businessKey: instance.businessKey,
            variables: result.state.variables,
          },
        });
        break;
      case 'jobCancelled':
        await finishJob(tx, instance.id, e.jobId);
        break;
      case 'processStarted':
        pending.push({
          type: 'workflow.process.started',
          subjectId: instance.id,
          data: workflowEventsV1.ProcessStarted.toJSON({
            instanceId: instance.id,
            definitionKey: instance.definitionKey,
            definitionVersion: instance.definitionVersion,
            businessKey: instance.businessKey,
            at: now,
          }),
        });
        break;
      case 'processCompleted': {
        const d = decisionOf(e);
        pending.push({
          type: 'workflow.process.completed',
          subjectId: instance.id,
          data: workflowEventsV1.ProcessCompleted.toJSON({
            instanceId: instance.id,
            businessKey: instance.businessKey,
            decision: d.decision,
            approvedAmount: d.amount,
            approvedRatePercent: d.rate,
            approvedTermMonths: d.term,
            variables: e.variables,
            at: now,
          }),
        });
        break;
      }
      case 'taskCancelled':
      case 'history':
        break;
    }
  }
  await appendManyToOutbox(tx, SOURCE, pending);
  return changed;
}
