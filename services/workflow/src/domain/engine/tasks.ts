// User tasks: creating one (assignee, candidates, due date from the model) and cancelling one.
import type { UserTaskDef } from '../bpmn/process-model';
import { dueAt as workingDaysDue } from '../calendar';
import { EngineError } from '../engine-error';
import type { Variables } from '../feel';
import type { MultiInstanceBody, TaskState, Token } from '../instance-state';
import { addDuration, parseDateTime } from '../timer-schedule';
import type { Execution } from './execution';

export function createTask(
  run: Execution,
  element: UserTaskDef,
  token: Token,
  localVariables: Variables,
  assignee: string | null,
): TaskState {
  const variables = { ...run.state.variables, ...localVariables };
  const task: TaskState = {
    id: run.nextId('task'),
    elementId: element.id,
    stepCode: element.stepCode,
    name: element.name,
    tokenId: token.id,
    branch: token.branch,
    status: 'open',
    assignee: assignee ?? assigneeOf(run, element, variables),
    claimed: assignee !== null,
    owner: null,
    candidateGroups: namesOf(
      run,
      element.candidateGroups,
      variables,
      `candidate groups of "${element.id}"`,
    ),
    candidateUsers: namesOf(
      run,
      element.candidateUsers,
      variables,
      `candidate users of "${element.id}"`,
    ),
    dueAt: dueDateOf(run, element, variables),
    createdAt: run.now,
    finishedAt: null,
    completedBy: null,
    outcome: null,
    previousTaskId: run.cause,
    bodyId: null,
    loopIndex: null,
    signerFor: null,
    signersAfter: [],
    localVariables,
  };
  run.state.tasks.push(task);
  run.effects.push({ type: 'taskCreated', task: { ...task } });
  return task;
}

/** The task of the next voter of a vote, with `loopCounter` and the voter's input element. */
export function createVoterTask(
  run: Execution,
  element: UserTaskDef,
  token: Token,
  body: MultiInstanceBody,
): TaskState {
  const index = body.nextIndex;
  body.nextIndex += 1;
  const local: Variables = { loopCounter: index + 1 };
  const inputElement = element.multiInstance?.inputElement;
  if (inputElement) local[inputElement] = body.items[index] ?? null;
  const task = createTask(run, element, token, local, null);
  task.bodyId = body.id;
  task.loopIndex = index;
  return task;
}

export function cancelTask(run: Execution, task: TaskState, reason: string): void {
  if (task.status !== 'open' && task.status !== 'suspended') return;
  task.status = 'cancelled';
  task.finishedAt = run.now;
  task.cancelReason = reason;
  run.effects.push({
    type: 'taskCancelled',
    taskId: task.id,
    elementId: task.elementId,
    reason,
  });
}

function assigneeOf(run: Execution, element: UserTaskDef, variables: Variables): string | null {
  if (element.assignee === null) return null;
  const value = run.evaluate(element.assignee, variables, `assignee of "${element.id}"`);
  if (value === null || value === '') return null;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new EngineError('failed_precondition', `assignee of "${element.id}" is not a user id`);
  }
  return String(value);
}

/** Candidate lists: a FEEL list, or a comma-separated literal or string. */
function namesOf(
  run: Execution,
  source: string | null,
  variables: Variables,
  where: string,
): string[] {
  if (source === null) return [];
  const value = run.evaluate(source, variables, where);
  const names = Array.isArray(value)
    ? value
    : typeof value === 'string'
      ? value.split(',')
      : value === null
        ? []
        : [value];
  return names.map((name) => String(name).trim()).filter((name) => name !== '');
}

/** A date-time, or a duration counted from task creation. */
function dueDateOf(run: Execution, element: UserTaskDef, variables: Variables): string | null {
  if (element.dueDate === null) {
    // A service level in working days: due at 18:00 (Shanghai) on the n-th working day.
    if (element.dueInWorkingDays === null || element.dueInWorkingDays === undefined) return null;
    return workingDaysDue(new Date(run.now), element.dueInWorkingDays).toISOString();
  }
  const value = run.evaluate(element.dueDate, variables, `due date of "${element.id}"`);
  if (value === null) return null;
  try {
    const text = String(value);
    return text.startsWith('P') ? addDuration(run.now, text) : parseDateTime(text);
  } catch (error) {
    throw new EngineError(
      'failed_precondition',
      `due date of "${element.id}": ${(error as Error).message}`,
    );
  }
}
