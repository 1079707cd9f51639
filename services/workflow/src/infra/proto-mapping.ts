// Domain and stored objects → the workflow API's proto messages, in one place for every handler.
import { workflowV1 as pb } from '@loanflow/proto';
import type { CalendarYear } from '../app/calendar';
import type { CommandOutcome } from '../app/instances';
import type { TaskActedOn, TaskView } from '../app/tasks';
import type { ProcessModel } from '../domain/bpmn/process-model';
import type { TaskState } from '../domain/engine';
import type { StoredDefinition } from './definition-repo';
import type { InstanceRef } from './effects';
import { taskRowId, type StoredInstance } from './instance-store';
import type { TaskListEntry } from './task-repo';

/** An instance as clients see it: state, where it waits (for the diagram) and its timeline. */
export function instanceToPb(
  i: StoredInstance,
  d: StoredDefinition,
  withHistory = true,
): pb.ProcessInstance {
  const s = i.state;
  return {
    id: i.id,
    definitionId: d.id,
    definitionKey: d.key,
    definitionVersion: d.version,
    businessKey: i.businessKey,
    status: s.status,
    variables: s.variables,
    activeElementIds: [...new Set(s.tokens.map((t) => t.elementId))],
    history: withHistory
      ? s.history.map((h) => ({
          at: h.at,
          actor: h.actor ?? 'system',
          action: h.action,
          elementId: h.elementId ?? '',
          elementName: (h.elementId && d.model.elements[h.elementId]?.name) || '',
          opinion: h.opinion ?? h.reason ?? '',
          formData: h.formData,
          taskId: h.taskId ? `${i.id}:${h.taskId}` : '',
          outcome: h.outcome ?? '',
        }))
      : [],
    startedAt: s.startedAt,
    endedAt: s.endedAt ?? '',
  };
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
    cancelReason: t.status === 'cancelled' ? (t.cancelReason ?? '') : '',
    urgeCount: t.urgeCount ?? 0,
    lastUrgedAt: t.lastUrgedAt ?? '',
  });
}

export const definitionToPb = (
  d: StoredDefinition,
  xml = '',
  detail = false,
  activeInstances = 0,
): pb.ProcessDefinition => ({
  id: d.id,
  key: d.key,
  version: d.version,
  name: d.name,
  deployedBy: d.deployedBy,
  deployedAt: d.deployedAt,
  xml,
  routes: detail ? routesOf(d.model) : [],
  forms: detail ? formsOf(d.model) : [],
  activeInstances,
});

/** Every outgoing flow of every exclusive gateway: the route rules in words a client can show. */
export function routesOf(model: ProcessModel): pb.RouteRule[] {
  const rules: pb.RouteRule[] = [];
  for (const gateway of Object.values(model.elements)) {
    if (gateway.kind !== 'exclusiveGateway' || gateway.outgoing.length < 2) continue;
    for (const flowId of gateway.outgoing) {
      const flow = model.flows[flowId]!;
      const target = model.elements[flow.targetRef];
      rules.push({
        gatewayId: gateway.id,
        gatewayName: gateway.name ?? '',
        flowId,
        flowName: flow.name ?? '',
        condition: flowId === gateway.defaultFlowId ? '' : (flow.condition ?? ''),
        isDefault: flowId === gateway.defaultFlowId,
        targetElementId: flow.targetRef,
        targetName: target?.name ?? '',
      });
    }
  }
  return rules;
}

export function formsOf(model: ProcessModel): pb.StepForm[] {
  return Object.values(model.elements).flatMap((e) =>
    e.kind === 'userTask' && e.form
      ? [
          {
            elementId: e.id,
            step: e.stepCode,
            name: e.name ?? e.id,
            formKey: e.formKey ?? '',
            form: e.form,
          },
        ]
      : [],
  );
}

export const holidayYearToPb = (y: CalendarYear): pb.HolidayYear => ({
  year: y.year,
  notice: y.notice,
  holidays: y.holidays.map((h) => ({
    name: h.name,
    firstDay: h.off[0],
    lastDay: h.off[1],
    workdays: [...h.workdays],
  })),
  source: y.source,
  publishedBy: y.publishedBy,
  publishedAt: y.publishedAt,
});

/** A row of the task list (its overdue flag as of `now`). */
export const taskListEntryToPb = (r: TaskListEntry, now: Date): pb.Task => ({
  id: r.id,
  instanceId: r.instanceId,
  businessKey: r.businessKey,
  elementId: r.elementId,
  name: r.name,
  step: r.step,
  state: r.state,
  assignee: r.assignee ?? '',
  candidateGroups: r.candidateGroups,
  candidateUsers: r.candidateUsers,
  owner: r.owner ?? '',
  createdAt: r.createdAt.toISOString(),
  dueAt: r.dueAt?.toISOString() ?? '',
  overdue: r.state === 'open' && r.dueAt !== null && r.dueAt < now,
  productCode: r.productCode ?? '',
  amount: r.amount ?? '',
  branchId: r.branchId ?? '',
  customerName: r.customerName ?? '',
  cancelReason: r.cancelReason ?? '',
  urgeCount: r.urgeCount,
  lastUrgedAt: r.lastUrgedAt?.toISOString() ?? '',
});

export const taskActedOnToPb = (a: TaskActedOn): pb.ActOnTaskResponse => ({
  task: taskToPb(a.ref, a.task),
  nextTasks: a.nextTasks.map((t) => taskToPb(a.ref, t)),
  instance: instanceToPb(a.outcome.instance, a.outcome.definition, false),
});

export const taskViewToPb = (v: TaskView): pb.GetTaskResponse => ({
  task: taskToPb(v.ref, v.task),
  form: v.form,
  allowedActions: v.allowedActions,
  sendBackTargets: v.sendBackTargets,
  processStatus: v.processStatus,
  terminationReason: v.terminationReason,
});

export const terminatedToPb = (t: {
  outcome: CommandOutcome | undefined;
  terminated: boolean;
}): pb.TerminateProcessResponse => ({
  instance: t.outcome && instanceToPb(t.outcome.instance, t.outcome.definition, false),
  terminated: t.terminated,
});
