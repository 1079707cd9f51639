// 转办 and 委派: handing a task to someone else, for good or on loan.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { requireAssignee, requireSeparation, requireWorker } from '../guards';
import { requireActor, requireText } from '../inputs';

export async function transfer(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  toUser: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(toUser, 'toUser');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireWorker(task, actor);
    if (task.owner !== null)
      throw new EngineError(
        'failed_precondition',
        `task "${taskId}" is delegated; resolve it first`,
      );
    if (toUser === (task.assignee ?? actor.userId)) {
      throw new EngineError('invalid_argument', `task "${taskId}" is already with ${toUser}`);
    }
    requireSeparation(run, task, toUser);
    const previousAssignee = task.assignee;
    task.assignee = toUser;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: toUser,
      previousAssignee,
      reason: 'transfer',
    });
    run.record({
      actor: actor.userId,
      action: 'transferred',
      elementId: task.elementId,
      taskId: task.id,
      toUser,
    });
  });
}

/** 委派: the assignee lends the task; the delegate's completion returns it to the owner. */
export async function delegate(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  toUser: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(toUser, 'toUser');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireAssignee(task, actor, 'delegate');
    if (task.owner !== null)
      throw new EngineError('failed_precondition', `task "${taskId}" is already delegated`);
    if (toUser === actor.userId)
      throw new EngineError('invalid_argument', 'a task cannot be delegated to its own assignee');
    requireSeparation(run, task, toUser);
    task.owner = actor.userId;
    task.assignee = toUser;
    task.claimed = true;
    run.effects.push({
      type: 'taskAssigned',
      taskId: task.id,
      assignee: toUser,
      previousAssignee: actor.userId,
      reason: 'delegate',
    });
    run.record({
      actor: actor.userId,
      action: 'delegated',
      elementId: task.elementId,
      taskId: task.id,
      toUser,
    });
  });
}
