import type { NewEvent } from '@loanflow/platform';
import { workflowEventsV1 } from '@loanflow/proto';
import { workingDaysTaken } from '../domain/calendar';
import { taskToPb } from './proto-mapping';
import type { Variables } from '../domain/feel';
import type { CommandResult, EngineEffect, InstanceState, TaskState } from '../domain/engine';
import { taskRowId, type BusinessContext } from './instance-store';

export const SOURCE = 'workflow';

export interface InstanceRef {
  id: string;
  businessKey: string;
  context: BusinessContext;
  definitionKey: string;
  definitionVersion: number;
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

/** What a command's result changes besides the instance row, ready to be written in one statement. */
export interface EffectPlan {
  /** Tasks created or changed by the command (their task-list rows are upserted). */
  changedTasks: TaskState[];
  /** Timers to schedule (due instant) or to cancel (null), each once, in their final state. */
  timers: Map<string, string | null>;
  /** Jobs handed to workers; each carries the instance's variables at creation. */
  jobsCreated: { id: string; type: string; variables: Variables }[];
  jobsFinished: string[];
  events: NewEvent<unknown>[];
}

/**
 * What the command's result means outside the instance row: the task list follows the new
 * state, timers and jobs follow its effects, and every effect that others care about becomes an
 * outbox event. Pure: `persistCommand` writes it.
 */
export function planEffects(
  instance: InstanceRef,
  before: InstanceState | undefined,
  result: CommandResult,
  now: string,
): EffectPlan {
  const previous = new Map((before?.tasks ?? []).map((t) => [t.id, JSON.stringify(t)]));
  const plan: EffectPlan = {
    changedTasks: result.state.tasks.filter((t) => previous.get(t.id) !== JSON.stringify(t)),
    timers: new Map(),
    jobsCreated: [],
    jobsFinished: [],
    events: [],
  };
  const pending = plan.events;
  const taskById = new Map(result.state.tasks.map((t) => [t.id, t]));
  const opinionOf = (taskId: string) =>
    result.effects.find(
      (e): e is Extract<EngineEffect, { type: 'history' }> =>
        e.type === 'history' && e.entry.taskId === taskId && e.entry.opinion !== undefined,
    )?.entry.opinion ?? '';
  const taskEvent = (
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

  // Cycle times in working days, as step_durations records them (the reports read these).
  const stepWorkingDays = (taskId: string) => {
    const task = taskById.get(taskId);
    return task ? workingDaysTaken(new Date(task.createdAt), new Date(task.finishedAt ?? now)) : '';
  };
  const processWorkingDays = () => ({
    startedAt: result.state.startedAt,
    workingDays: workingDaysTaken(
      new Date(result.state.startedAt),
      new Date(result.state.endedAt ?? now),
    ),
  });

  for (const e of result.effects) {
    switch (e.type) {
      case 'taskCreated':
        taskEvent('created', e.task.id);
        break;
      case 'taskAssigned':
        taskEvent('assigned', e.taskId, { reason: e.reason });
        break;
      case 'taskCompleted':
        taskEvent('completed', e.taskId, {
          actor: e.completedBy,
          outcome: e.outcome,
          opinion: opinionOf(e.taskId),
          workingDays: stepWorkingDays(e.taskId),
        });
        break;
      case 'taskSentBack':
        taskEvent('sent-back', e.taskId, {
          actor: e.actor,
          reason: e.reason,
          targetElementId: e.toElementId,
          workingDays: stepWorkingDays(e.taskId),
        });
        break;
      case 'taskUrged':
        taskEvent('urged', e.taskId, { actor: e.urgedBy, reason: e.reason });
        break;
      case 'timerScheduled':
        plan.timers.set(taskRowId(instance.id, e.timer.id), e.timer.dueAt);
        break;
      case 'timerCancelled':
        // The last word on a timer wins (a cancel of a row that was never written is a no-op).
        plan.timers.set(taskRowId(instance.id, e.timerId), null);
        break;
      case 'timerFired':
        // An interrupting timer escalates the step; a non-interrupting one reminds.
        for (const taskId of e.taskIds)
          taskEvent(e.interrupting ? 'escalated' : 'reminder', taskId, {
            reason: e.boundaryEventId,
          });
        break;
      case 'jobCreated':
        plan.jobsCreated.push({
          id: taskRowId(instance.id, e.job.id),
          type: e.job.type,
          variables: result.state.variables,
        });
        pending.push({
          type: 'workflow.job.created',
          subjectId: taskRowId(instance.id, e.job.id),
          data: workflowEventsV1.JobCreated.toJSON({
            jobId: taskRowId(instance.id, e.job.id),
            type: e.job.type,
            instanceId: instance.id,
            businessKey: instance.businessKey,
            variables: result.state.variables,
          }),
        });
        break;
      case 'jobCancelled':
        plan.jobsFinished.push(taskRowId(instance.id, e.jobId));
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
            ...processWorkingDays(),
          }),
        });
        break;
      }
      case 'taskCancelled':
        taskEvent('cancelled', e.taskId, { reason: e.reason });
        break;
      case 'processTerminated':
        pending.push({
          type: 'workflow.process.terminated',
          subjectId: instance.id,
          data: workflowEventsV1.ProcessTerminated.toJSON({
            instanceId: instance.id,
            businessKey: instance.businessKey,
            cause: e.cause,
            reason: e.reason,
            actor: e.actor,
            cancelledTaskIds: e.cancelledTaskIds.map((id) => taskRowId(instance.id, id)),
            at: now,
            ...processWorkingDays(),
          }),
        });
        break;
      case 'history':
        break;
    }
  }
  return plan;
}
