// Who may act on a task: its workers, its assignee, and 审贷分离 between steps.
import { EngineError } from '../engine-error';
import type { Actor, TaskState } from '../instance-state';
import type { Execution } from './execution';

/** The assignee acts; an unclaimed task is open to its candidate users and groups. */
export function mayWorkOn(task: TaskState, actor: Actor): boolean {
  if (task.assignee !== null) return task.assignee === actor.userId;
  if (task.candidateUsers.length === 0 && task.candidateGroups.length === 0) return true;
  return (
    task.candidateUsers.includes(actor.userId) ||
    task.candidateGroups.some((group) => actor.groups.includes(group))
  );
}

export function requireWorker(task: TaskState, actor: Actor): void {
  if (!mayWorkOn(task, actor)) {
    throw new EngineError(
      'permission_denied',
      task.assignee !== null
        ? `task "${task.id}" is assigned to ${task.assignee}, not ${actor.userId}`
        : `${actor.userId} is not a candidate for task "${task.id}"`,
    );
  }
}

export function requireAssignee(task: TaskState, actor: Actor, action: string): void {
  if (task.assignee !== actor.userId) {
    throw new EngineError(
      'permission_denied',
      `only the assignee of task "${task.id}" may ${action} it`,
    );
  }
}

/** 审贷分离: whoever completed a step named in `separatedFrom` may not act on this task. */
export function requireSeparation(run: Execution, task: TaskState, userId: string): void {
  const definition = run.model.elements[task.elementId];
  if (!definition || definition.kind !== 'userTask') return;
  for (const step of definition.separatedFrom) {
    const conflict = run.state.history.find(
      (entry) =>
        entry.actor === userId &&
        (entry.action === 'completed' || entry.action === 'resolved') &&
        entry.elementId !== null &&
        isStep(run, entry.elementId, step),
    );
    if (conflict) {
      throw new EngineError(
        'permission_denied',
        `separation of investigation and approval: ${userId} completed step "${step}" of this application and may not act on "${task.stepCode}"`,
        { step, userId },
      );
    }
  }
}

/** A step is named by its element id or by its step code. */
function isStep(run: Execution, elementId: string, step: string): boolean {
  const element = run.model.elements[elementId];
  return elementId === step || (element?.kind === 'userTask' && element.stepCode === step);
}
