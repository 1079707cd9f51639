// 发起: a new instance at the model's start event.
import type { ProcessModel } from '../../bpmn/process-model';
import type { Variables } from '../../feel';
import type { Actor, CommandResult } from '../../instance-state';
import { emptyState, execute } from '../execution';
import { requireActor, requireNow, requireVariables } from '../inputs';
import { enter } from '../tokens';

/** Starts an instance at the model's start event. */
export async function start(
  model: ProcessModel,
  variables: Variables,
  now: string,
  actor: Actor,
): Promise<CommandResult> {
  requireActor(actor);
  const initial = requireVariables(variables);
  const state = emptyState(model, initial, requireNow(now));
  return execute(model, state, now, (run) => {
    run.record({ actor: actor.userId, action: 'started', elementId: model.startEventId });
    run.effects.push({
      type: 'processStarted',
      processId: model.id,
      startedBy: actor.userId,
      variables: structuredClone(initial),
    });
    enter(run, model.startEventId, [], null);
  });
}
