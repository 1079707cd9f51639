// 回退 to an earlier step.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { startsWith } from '../branches';
import { requireSeparation, requireWorker } from '../guards';
import { requireActor, requireText } from '../inputs';
import { cancelBranch, visitAgain } from '../tokens';

/**
 * 回退: sends the flow back to an earlier user task this instance completed. Every token inside
 * the target's parallel branch is cancelled (sibling branches, join arrivals and votes included)
 * and the target task is created again for whoever completed it last.
 */
export async function sendBack(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  targetElementId: string,
  reason: string,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  requireText(targetElementId, 'the send-back target');
  requireText(reason, 'the send-back reason');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireWorker(task, actor);
    requireSeparation(run, task, actor.userId);
    const target = model.elements[targetElementId];
    if (!target || target.kind !== 'userTask') {
      throw new EngineError(
        'invalid_argument',
        `"${targetElementId}" is not a user task of process "${model.id}"`,
      );
    }
    if (targetElementId === task.elementId) {
      throw new EngineError(
        'invalid_argument',
        `a task cannot be sent back to its own step "${targetElementId}"`,
      );
    }
    const earlier = [...run.state.tasks]
      .reverse()
      .find(
        (candidate) =>
          candidate.elementId === targetElementId &&
          candidate.status === 'completed' &&
          candidate.signerFor === null,
      );
    if (!earlier || !run.state.visited.includes(targetElementId)) {
      throw new EngineError(
        'failed_precondition',
        `step "${targetElementId}" was never completed in this instance; it cannot be a send-back target`,
      );
    }
    const token = run.token(task.tokenId);
    if (!startsWith(token.branch, earlier.branch)) {
      throw new EngineError(
        'failed_precondition',
        `step "${targetElementId}" lies in a parallel branch that does not contain "${task.elementId}"`,
      );
    }
    run.effects.push({
      type: 'taskSentBack',
      taskId: task.id,
      fromElementId: task.elementId,
      toElementId: targetElementId,
      actor: actor.userId,
      reason,
    });
    run.record({
      actor: actor.userId,
      action: 'sentBack',
      elementId: task.elementId,
      taskId: task.id,
      reason,
      targetElementId,
    });
    cancelBranch(run, earlier.branch, `sent back to ${targetElementId}`);
    run.withCause(task.id, () => {
      visitAgain(run, target, earlier.branch, target.multiInstance ? null : earlier.completedBy);
    });
  });
}
