// 加签: another signer before or after the assignee.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { requireAssignee, requireSeparation } from '../guards';
import { requireActor, requireText } from '../inputs';
import { createTask } from '../tasks';

/**
 * 加签: `before` suspends the task until the added signer completes; `after` queues the signer to
 * sign once the assignee has completed it (the last signer's outcome is the step's outcome).
 */
export async function addSigner(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  user: string,
  position: 'before' | 'after',
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(user, 'the added signer');
  if (position !== 'before' && position !== 'after') {
    throw new EngineError('invalid_argument', 'position must be "before" or "after"');
  }
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireAssignee(task, actor, 'add a signer to');
    if (task.bodyId !== null)
      throw new EngineError(
        'failed_precondition',
        'signers cannot be added to a vote; the voters come from the input collection',
      );
    if (task.owner !== null)
      throw new EngineError('failed_precondition', `task "${taskId}" is delegated`);
    if (user === actor.userId)
      throw new EngineError('invalid_argument', 'the assignee cannot add themselves as a signer');
    requireSeparation(run, task, user);
    run.record({
      actor: actor.userId,
      action: 'signerAdded',
      elementId: task.elementId,
      taskId: task.id,
      toUser: user,
      reason: position,
    });
    if (position === 'after') {
      task.signersAfter.push(user);
      return;
    }
    const token = run.token(task.tokenId);
    const signer = run.withCause(task.id, () =>
      createTask(run, run.userTaskDef(task.elementId), token, task.localVariables, user),
    );
    signer.signerFor = task.id;
    task.status = 'suspended';
    token.wait = { type: 'task', taskId: signer.id };
  });
}
