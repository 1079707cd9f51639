// 签收 and giving a task back to its candidate queue.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { requireAssignee, requireSeparation, requireWorker } from '../guards';
import { requireActor } from '../inputs';

export async function claimTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    if (task.assignee === actor.userId) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is already assigned to ${actor.userId}`,
      );
    }
    if (task.assignee !== null) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is already claimed by ${task.assignee}`,
      );
    }
    requireWorker(task, actor);
    requireSeparation(run, task, actor.userId);
    task.assignee = actor.userId;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: actor.userId,
      previousAssignee: null,
      reason: 'claim',
    });
    run.record({
      actor: actor.userId,
      action: 'claimed',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}

/** Gives a claimed task back to its candidate queue. */
export async function unclaimTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireAssignee(task, actor, 'unclaim');
    if (task.owner !== null) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is delegated; resolve it instead`,
      );
    }
    if (task.candidateGroups.length === 0 && task.candidateUsers.length === 0) {
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" has no candidates to return it to`,
      );
    }
    task.assignee = null;
    task.claimed = false;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: null,
      previousAssignee: actor.userId,
      reason: 'unclaim',
    });
    run.record({
      actor: actor.userId,
      action: 'unclaimed',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}
