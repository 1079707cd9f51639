// What a person may do on a task now: the buttons a client shows.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { Actor, InstanceState } from '../../instance-state';
import { startsWith } from '../branches';
import { inspect } from '../execution';
import { requireSeparation, requireWorker } from '../guards';
import { requireActor } from '../inputs';
import { withdraw } from './withdraw';

/** The approval actions of the task API, in the order clients show them. */
export const TASK_ACTIONS = [
  'claim',
  'unclaim',
  'complete',
  'send-back',
  'withdraw',
  'transfer',
  'delegate',
  'add-signer',
  'urge',
] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

/** What `actor` may do on a task now, and the earlier steps it could be sent back to. */
export async function allowedActions(
  model: ProcessModel,
  state: InstanceState,
  taskId: string,
  actor: Actor,
  now: string,
): Promise<{ actions: TaskAction[]; sendBackTargets: string[] }> {
  requireActor(actor);
  const none = { actions: [] as TaskAction[], sendBackTargets: [] as string[] };
  const task = state.tasks.find((t) => t.id === taskId);
  if (state.status !== 'active' || !task) return none;
  const run = await inspect(model, state, now);
  const holds = (check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (error) {
      if (error instanceof EngineError) return false;
      throw error;
    }
  };
  const actions: TaskAction[] = [];
  if (task.status === 'completed') {
    // 撤回 is the only action on a finished task: ask the command itself (it reads, then refuses).
    const taken = await withdraw(model, state, taskId, actor, now).then(
      () => true,
      (error: unknown) => {
        if (error instanceof EngineError) return false;
        throw error;
      },
    );
    return { actions: taken ? ['withdraw'] : [], sendBackTargets: [] };
  }
  if (task.status !== 'open') return none;
  const mine = task.assignee === actor.userId;
  const worker = holds(() => requireWorker(task, actor));
  const separated = holds(() => requireSeparation(run, task, actor.userId));
  const sendBackTargets = [
    ...new Set(
      state.tasks
        .filter(
          (t) =>
            t.status === 'completed' &&
            t.signerFor === null &&
            t.elementId !== task.elementId &&
            state.visited.includes(t.elementId) &&
            startsWith(task.branch, t.branch),
        )
        .map((t) => t.elementId),
    ),
  ];
  if (task.assignee === null && worker && separated) actions.push('claim');
  if (
    mine &&
    task.owner === null &&
    (task.candidateGroups.length > 0 || task.candidateUsers.length > 0)
  )
    actions.push('unclaim');
  if (worker && separated) actions.push('complete');
  if (worker && separated && sendBackTargets.length > 0) actions.push('send-back');
  if (worker && task.owner === null) actions.push('transfer');
  if (mine && task.owner === null) actions.push('delegate');
  if (mine && task.owner === null && task.bodyId === null) actions.push('add-signer');
  actions.push('urge');
  return { actions, sendBackTargets: actions.includes('send-back') ? sendBackTargets : [] };
}
