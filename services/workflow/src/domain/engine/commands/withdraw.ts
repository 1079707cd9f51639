// 撤回 of a completed task by whoever completed it.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { startsWith } from '../branches';
import { requireActor, requireText } from '../inputs';
import { cancelBranch, visitAgain } from '../tokens';

/**
 * 撤回: whoever completed a task takes it back while every task that completion created is still
 * open and unclaimed. Those tasks are cancelled and the step is given back to the actor.
 */
export async function withdraw(
  model: ProcessModel,
  state: InstanceState,
  previousTaskId: string,
  actor: Actor,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    requireText(previousTaskId, 'previousTaskId');
    run.requireActive();
    const previous = run.task(previousTaskId);
    if (previous.status !== 'completed') {
      throw new EngineError(
        'failed_precondition',
        `task "${previousTaskId}" is ${previous.status}, not completed`,
      );
    }
    if (previous.completedBy !== actor.userId) {
      throw new EngineError(
        'permission_denied',
        `only ${previous.completedBy ?? 'its completer'} may withdraw task "${previousTaskId}"`,
      );
    }
    if (previous.bodyId !== null) {
      throw new EngineError(
        'failed_precondition',
        `a vote cannot be withdrawn (task "${previousTaskId}")`,
      );
    }
    const next = run.state.tasks.filter((task) => task.previousTaskId === previous.id);
    if (next.length === 0) {
      throw new EngineError(
        'failed_precondition',
        `completing "${previousTaskId}" created no task that could be taken back`,
      );
    }
    const started = next.filter(
      (task) => task.status !== 'open' || task.claimed || task.owner !== null,
    );
    if (started.length > 0) {
      throw new EngineError(
        'failed_precondition',
        `the next task(s) ${started.map((task) => task.id).join(', ')} are already claimed or finished`,
      );
    }
    if (next.some((task) => !startsWith(task.branch, previous.branch))) {
      throw new EngineError(
        'failed_precondition',
        `completing "${previousTaskId}" joined parallel branches; use send-back instead`,
      );
    }
    run.record({
      actor: actor.userId,
      action: 'withdrawn',
      elementId: previous.elementId,
      taskId: previous.id,
    });
    cancelBranch(run, previous.branch, `withdrawn by ${actor.userId}`);
    visitAgain(run, run.userTaskDef(previous.elementId), previous.branch, actor.userId);
  });
}
