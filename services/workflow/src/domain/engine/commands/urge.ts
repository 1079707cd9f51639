// 催办: a reminder to whoever holds an open task.
import type { ProcessModel } from '../../bpmn/process-model';
import type { Actor, CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { requireActor } from '../inputs';

/**
 * 催办: anyone following the application may remind the people who hold an open task, saying
 * why if they like (客户急需用款): the reminder carries it to them.
 */
export async function urge(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
  reason = '',
): Promise<CommandResult> {
  requireActor(actor);
  return execute(model, state, now, (run) => {
    const task = run.openTask(taskId);
    task.urgeCount = (task.urgeCount ?? 0) + 1;
    task.lastUrgedAt = now;
    run.effects.push({
      type: 'taskUrged',
      taskId: task.id,
      elementId: task.elementId,
      urgedBy: actor.userId,
      assignee: task.assignee,
      candidateGroups: task.candidateGroups,
      candidateUsers: task.candidateUsers,
      reason,
    });
    run.record({
      actor: actor.userId,
      action: 'urged',
      elementId: task.elementId,
      taskId: task.id,
    });
  });
}
