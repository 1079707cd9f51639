// 审批: completing a task with a decision (or resolving a delegated one).
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, CommandResult, InstanceState, Outcome } from '../../instance-state';
import { execute } from '../execution';
import type { Variables } from '../../feel';
import { requireSeparation, requireWorker } from '../guards';
import { isPlainObject, requireActor, requireVariables } from '../inputs';
import { createTask } from '../tasks';
import { finishVote, moveOn } from '../tokens';
import { recordVote } from '../votes';

export interface CompletionInput {
  outcome: Outcome;
  opinion?: string;
  formData?: Variables;
  variables?: Variables;
}

/**
 * Completes a task with an approve/reject decision. The command's variables are merged into the
 * instance; a single task also sets `<stepCode>Outcome`; a vote updates its tally (see recordVote).
 * A delegated task is resolved instead: it goes back to its owner and the flow does not move.
 */
export async function completeTask(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  input: CompletionInput,
  now: string,
): Promise<CommandResult> {
  requireActor(actor);
  if (!isPlainObject(input) || (input.outcome !== 'approve' && input.outcome !== 'reject')) {
    throw new EngineError('invalid_argument', 'outcome must be "approve" or "reject"');
  }
  if (input.opinion !== undefined && typeof input.opinion !== 'string') {
    throw new EngineError('invalid_argument', 'opinion must be a string');
  }
  const variables = requireVariables(input.variables);
  const formData = requireVariables(input.formData, 'formData');
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    requireWorker(task, actor);
    requireSeparation(run, task, actor.userId);
    const details = {
      actor: actor.userId,
      elementId: task.elementId,
      taskId: task.id,
      outcome: input.outcome,
      formData,
      ...(input.opinion === undefined ? {} : { opinion: input.opinion }),
    };
    run.mergeVariables(variables);

    if (task.owner !== null) {
      run.record({ ...details, action: 'resolved' });
      run.effects.push({
        type: 'taskAssigned',
        taskId: task.id,
        assignee: task.owner,
        previousAssignee: task.assignee,
        reason: 'resolve',
      });
      task.assignee = task.owner;
      task.owner = null;
      return;
    }

    task.status = 'completed';
    task.finishedAt = run.now;
    task.completedBy = actor.userId;
    task.outcome = input.outcome;
    if (task.assignee === null) task.assignee = actor.userId;
    run.record({ ...details, action: 'completed' });
    run.effects.push({
      type: 'taskCompleted',
      taskId: task.id,
      elementId: task.elementId,
      completedBy: actor.userId,
      outcome: input.outcome,
    });

    const token = run.token(task.tokenId);
    run.withCause(task.id, () => {
      if (task.signerFor !== null) {
        const signed = run.task(task.signerFor);
        signed.status = 'open';
        token.wait = { type: 'task', taskId: signed.id };
        return;
      }
      if (task.signersAfter.length > 0) {
        const [next, ...rest] = task.signersAfter;
        const signer = createTask(
          run,
          run.userTaskDef(task.elementId),
          token,
          task.localVariables,
          next!,
        );
        signer.signersAfter = rest;
        token.wait = { type: 'task', taskId: signer.id };
        return;
      }
      if (task.bodyId !== null) {
        const decided = recordVote(run, task, input.outcome);
        if (decided) finishVote(run, decided.body, decided.element);
        return;
      }
      run.state.variables[`${task.stepCode}Outcome`] = input.outcome;
      moveOn(run, token);
    });
  });
}
