import {
  branchScopeOf,
  canAccessBranch,
  failedPrecondition,
  invalidArgument,
  notFound,
  permissionDenied,
  type Principal,
} from '@loanflow/platform';
import * as engine from '../domain/engine';
import type { Actor, InstanceState, TaskState } from '../domain/engine';
import type { ProcessModel } from '../domain/bpmn/process-model';
import { loadFeel, type Variables } from '../domain/feel';
import {
  termsWithinApplication,
  type FormSchema,
  userReferences,
  validateFormData,
  withUserIds,
} from '../domain/forms';
import { cachedDefinition } from '../infra/definition-repo';
import { instanceById, parseTaskRowId, type StoredInstance } from '../infra/instance-store';
import type { InstanceRef } from '../infra/effects';
import {
  countOpenTasksByStep,
  findTasks,
  openTaskStep,
  type TaskListEntry,
} from '../infra/task-repo';
import { mayWrite, requireWriter } from './access';
import { resolvePeople, type PersonNamed } from './directory';
import {
  refOf,
  runCommandOnce,
  type Command,
  type CommandOutcome,
  type WorkflowDeps,
} from './instances';

export const ACTIONS = engine.TASK_ACTIONS;
export type TaskAction = engine.TaskAction;

export const actorOf = (p: Principal): Actor => ({ userId: p.userId, groups: [...p.roles] });

export interface ActInput {
  taskId: string;
  action: string;
  idempotencyKey: string;
  outcome: string;
  opinion: string;
  formData: Variables | undefined;
  targetElementId: string;
  userId: string;
  position: string;
  reason: string;
}

/** Checks the people a command names and gives their user ids by field. */
type People = (named: PersonNamed[]) => Promise<Map<string, string>>;

/** The roles a step lets hold its task: its candidate groups when they are written out. */
export function rolesOfStep(model: ProcessModel, elementId: string): string[] {
  const element = model.elements[elementId];
  if (element?.kind !== 'userTask' || element.candidateGroups === null) return [];
  // A FEEL expression is known only when the task is created: any active user may be named.
  if (element.candidateGroups.startsWith('=')) return [];
  return element.candidateGroups
    .split(',')
    .map((g) => g.trim())
    .filter((g) => g !== '');
}

/**
 * The formData of a completion, checked against the step's form (fields, types, required ones
 * when approving) and with every person it names checked and replaced by their user id.
 */
async function checkedFormData(
  model: ProcessModel,
  state: InstanceState,
  completion: { taskId: string; actor: Actor; now: string; approving: boolean },
  formData: Variables,
  people: People,
): Promise<Variables> {
  const { taskId, approving } = completion;
  const task = state.tasks.find((t) => t.id === taskId);
  const element = task && model.elements[task.elementId];
  // Whoever may not complete the task is refused by the engine, with its own reason, first.
  const { actions } = await engine.allowedActions(
    model,
    state,
    taskId,
    completion.actor,
    completion.now,
  );
  if (!actions.includes('complete') || !task || element?.kind !== 'userTask') return formData;
  const form = element.form;
  if (!form) return formData;
  const violations = [
    ...validateFormData(form, formData, {
      approving,
      variables: { ...state.variables, ...task.localVariables },
      feel: await loadFeel(),
    }),
    ...termsWithinApplication(formData, state.variables),
  ];
  if (violations.length > 0) throw invalidArgument(violations);
  const named = userReferences(form, formData).map((r) => ({
    field: r.field,
    value: r.value,
    roles: rolesOfStep(model, r.step),
    branchId: applicationBranch(state),
  }));
  return withUserIds(formData, await people(named));
}

/** The branch of the application a process is about, when the process knows it. */
const applicationBranch = (state: InstanceState): string | undefined =>
  typeof state.variables.branchId === 'string' ? state.variables.branchId : undefined;

/** The user a transfer, delegation or added signature names, as a user id. */
async function checkedUser(state: InstanceState, taskId: string, userId: string, people: People) {
  const task = state.tasks.find((t) => t.id === taskId);
  if (state.status !== 'active' || task?.status !== 'open') return userId;
  const ids = await people([
    {
      field: 'userId',
      value: userId,
      roles: task.candidateGroups,
      branchId: applicationBranch(state),
    },
  ]);
  return ids.get('userId')!;
}

function commandFor(input: ActInput, taskId: string, actor: Actor, people: People): Command {
  switch (input.action as TaskAction) {
    case 'claim':
      return (m, s, now) => engine.claimTask(m, s, taskId, actor, now);
    case 'unclaim':
      return (m, s, now) => engine.unclaimTask(m, s, taskId, actor, now);
    case 'complete': {
      if (input.outcome !== 'approve' && input.outcome !== 'reject') {
        throw invalidArgument([{ field: 'outcome', reason: 'must be approve or reject' }]);
      }
      const outcome = input.outcome;
      return async (m, s, now) => {
        const formData = await checkedFormData(
          m,
          s,
          { taskId, actor, now, approving: outcome === 'approve' },
          input.formData ?? {},
          people,
        );
        // Form fields become process variables too (e.g. the credit officer's recommended
        // amount), and `outcome` is the decision the gateways after a step look at.
        return engine.completeTask(
          m,
          s,
          taskId,
          actor,
          {
            outcome,
            opinion: input.opinion || undefined,
            formData,
            variables: { ...formData, outcome },
          },
          now,
        );
      };
    }
    case 'send-back':
      if (!input.targetElementId)
        throw invalidArgument([
          { field: 'targetElementId', reason: 'name the earlier step to send back to' },
        ]);
      if (!input.reason.trim())
        throw invalidArgument([{ field: 'reason', reason: 'is required for a send-back' }]);
      return (m, s, now) =>
        engine.sendBack(m, s, taskId, actor, input.targetElementId, input.reason, now);
    case 'withdraw':
      return (m, s, now) => engine.withdraw(m, s, taskId, actor, now);
    case 'transfer':
    case 'delegate':
    case 'add-signer': {
      if (!input.userId)
        throw invalidArgument([{ field: 'userId', reason: `is required for ${input.action}` }]);
      if (
        input.action === 'add-signer' &&
        input.position !== 'before' &&
        input.position !== 'after'
      )
        throw invalidArgument([{ field: 'position', reason: 'must be before or after' }]);
      const action = input.action;
      const position = input.position as 'before' | 'after';
      return async (m, s, now) => {
        const user = await checkedUser(s, taskId, input.userId, people);
        if (action === 'transfer') return engine.transfer(m, s, taskId, actor, user, now);
        if (action === 'delegate') return engine.delegate(m, s, taskId, actor, user, now);
        return engine.addSigner(m, s, taskId, actor, user, position, now);
      };
    }
    case 'urge':
      return (m, s, now) => engine.urge(m, s, taskId, actor, now, input.reason.trim());
    default:
      throw invalidArgument([{ field: 'action', reason: `must be one of ${ACTIONS.join(', ')}` }]);
  }
}

/** What an approval action did: the task acted on, the tasks it opened, the instance after it. */
export interface TaskActedOn {
  ref: InstanceRef;
  task: TaskState;
  nextTasks: TaskState[];
  outcome: CommandOutcome;
}

/**
 * One approval action on a task, with its idempotency key. The answer, as `present` gives it
 * (the caller's wire format), is kept and replayed to a retry.
 */
export async function actOnTask<T>(
  deps: WorkflowDeps,
  principal: Principal,
  input: ActInput,
  token: string,
  present: (acted: TaskActedOn) => T,
): Promise<T> {
  requireWriter(principal, 'acting on a task');
  const ids = parseTaskRowId(input.taskId);
  if (!ids) throw invalidArgument([{ field: 'taskId', reason: 'is not a task id' }]);
  const actor = actorOf(principal);
  const people: People = (named) => resolvePeople(deps.directory, named, token);
  const command = commandFor(input, ids.taskId, actor, people);
  const authorize = branchGuard(principal);
  const answer = (outcome: CommandOutcome): T =>
    present({
      ref: refOf(outcome.instance, outcome.definition),
      task: outcome.instance.state.tasks.find((t) => t.id === ids.taskId)!,
      nextTasks: outcome.changedTasks.filter((t) => t.id !== ids.taskId && t.status === 'open'),
      outcome,
    });
  return runCommandOnce(
    deps,
    ids.instanceId,
    command,
    { actor: principal.userId, key: input.idempotencyKey, input, answer },
    authorize,
    false,
    // The gate runs once the engine has accepted the approval from this caller.
    input.action === 'complete' && input.outcome === 'approve'
      ? () => requireDocuments(deps, input.taskId, token)
      : undefined,
  );
}

/** The caller may act only on instances of their branch (head office: every branch). */
const branchGuard = (principal: Principal) => (instance: StoredInstance) => {
  const branch = instance.context.branchId;
  if (branch && !canAccessBranch(principal, branch)) {
    throw permissionDenied(
      `the task belongs to branch ${branch}, outside your branch ${principal.branchId}`,
    );
  }
};

export interface TaskView {
  ref: InstanceRef;
  task: TaskState;
  form: FormSchema | undefined;
  allowedActions: TaskAction[];
  sendBackTargets: string[];
  processStatus: InstanceState['status'];
  terminationReason: string;
}

/**
 * One task as its step's page shows it: the task, the form of its step (from the definition the
 * instance runs) and what the caller may do on it now.
 */
export async function getTask(
  deps: WorkflowDeps,
  principal: Principal,
  rowId: string,
): Promise<TaskView> {
  const ids = parseTaskRowId(rowId);
  if (!ids) throw invalidArgument([{ field: 'id', reason: 'is not a task id' }]);
  const instance = await instanceById(deps.pool, ids.instanceId);
  const task = instance?.state.tasks.find((t) => t.id === ids.taskId);
  if (!instance || !task) throw notFound(`task ${rowId}`);
  branchGuard(principal)(instance);
  const definition = (await cachedDefinition(deps.pool, instance.definitionId))!;
  const element = definition.model.elements[task.elementId];
  const now = (deps.now?.() ?? new Date()).toISOString();
  // The auditor reads the task and is offered nothing to do on it.
  const allowed = mayWrite(principal)
    ? await engine.allowedActions(
        definition.model,
        instance.state,
        task.id,
        actorOf(principal),
        now,
      )
    : { actions: [], sendBackTargets: [] };
  return {
    ref: refOf(instance, definition),
    task,
    form: element?.kind === 'userTask' && element.form ? element.form : undefined,
    allowedActions: allowed.actions,
    sendBackTargets: allowed.sendBackTargets,
    processStatus: instance.state.status,
    terminationReason: instance.state.termination ? engine.endedMessage(instance.state) : '',
  };
}

/**
 * 资料齐全: a step is approved only with the documents its checklist names (the documents service
 * knows the checklist per product and stage). Rejecting never waits for documents, and a task
 * that is no longer open is left to the engine, which says why (completed, or its application
 * withdrawn) rather than asking for papers nobody needs any more.
 */
async function requireDocuments(deps: WorkflowDeps, rowId: string, token: string): Promise<void> {
  const task = await openTaskStep(deps.pool, rowId);
  if (!task || !task.step) return;
  const missing = await deps.missingDocuments(task.businessKey, task.step, token);
  if (missing.length > 0) {
    throw failedPrecondition(
      `documents required for ${task.step} are missing: ${missing.join(', ')}`,
    );
  }
}

export interface TaskQuery {
  scope: string;
  state: string;
  step: string;
  productCode: string;
  minAmount: string;
  maxAmount: string;
  overdueOnly: boolean;
  dueBefore: string;
  pageSize: number;
  pageToken: string;
  applicationId: string;
}

const DECIMAL = /^\d{1,15}(\.\d{1,2})?$/;

/** 我的业务: my tasks, my groups' unclaimed tasks, or (auditors, head office) all; keyset-paginated. */
export async function listTasks(
  deps: WorkflowDeps,
  principal: Principal,
  q: TaskQuery,
): Promise<{ tasks: TaskListEntry[]; nextPageToken: string }> {
  const scope = q.scope || 'mine';
  if (!['mine', 'group', 'all'].includes(scope))
    throw invalidArgument([{ field: 'scope', reason: 'must be mine, group or all' }]);
  if (
    scope === 'all' &&
    !principal.roles.some((r) => r === 'auditor' || r === 'admin') &&
    branchScopeOf(principal) !== null
  ) {
    throw permissionDenied('only auditors, administrators and head office see every task');
  }
  const state = q.state || 'open';
  if (!['open', 'suspended', 'completed', 'cancelled'].includes(state))
    throw invalidArgument([
      { field: 'state', reason: 'must be open, suspended, completed or cancelled' },
    ]);
  for (const field of ['minAmount', 'maxAmount'] as const) {
    if (q[field] && !DECIMAL.test(q[field]))
      throw invalidArgument([{ field, reason: 'must be a decimal amount such as "500000.00"' }]);
  }
  if (q.dueBefore && Number.isNaN(Date.parse(q.dueBefore)))
    throw invalidArgument([{ field: 'dueBefore', reason: 'must be an ISO 8601 instant' }]);
  const size = q.pageSize || 20;
  if (size < 1 || size > 100)
    throw invalidArgument([{ field: 'pageSize', reason: 'must be between 1 and 100' }]);
  const after = q.pageToken ? pageKeyOf(q.pageToken) : undefined;
  const rows = await findTasks(deps.pool, {
    ...(scope === 'mine' ? { assignee: principal.userId } : {}),
    ...(scope === 'group'
      ? { unclaimedFor: { roles: [...principal.roles], userId: principal.userId } }
      : {}),
    // Tasks of the caller's branch subtree (and those of no branch).
    ...(branchScopeOf(principal) ? { branches: branchScopeOf(principal)! } : {}),
    state,
    businessKey: q.applicationId,
    step: q.step,
    productCode: q.productCode,
    minAmount: q.minAmount,
    maxAmount: q.maxAmount,
    overdueOnly: q.overdueOnly,
    dueBefore: q.dueBefore,
    after,
    limit: size + 1,
  });
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    tasks: page,
    nextPageToken:
      rows.length > size && last
        ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
        : '',
  };
}

/** The (created at, id) after which the next page starts, from a token this service issued. */
function pageKeyOf(token: string): [string, string] {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== 2)
    throw invalidArgument([{ field: 'pageToken', reason: 'is not a token this service issued' }]);
  return [String(key[0]), String(key[1])];
}

export async function countTasks(
  deps: WorkflowDeps,
  principal: Principal,
): Promise<{ steps: { step: string; open: number; overdue: number }[] }> {
  return { steps: await countOpenTasksByStep(deps.pool, branchScopeOf(principal)) };
}
