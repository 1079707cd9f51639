// A message arrives for a waiting message catch event.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import type { Variables } from '../../feel';
import { requireText, requireVariables } from '../inputs';
import { moveOn } from '../tokens';

/** Delivers a message to the first subscription with its name and correlation key. */
export async function correlateMessage(
  model: ProcessModel,
  state: InstanceState,
  messageName: string,
  correlationKey: string | null,
  variables: Variables,
  now: string,
): Promise<CommandResult> {
  requireText(messageName, 'messageName');
  const payload = requireVariables(variables);
  return execute(model, state, now, (run) => {
    run.requireActive();
    const subscription = run.state.subscriptions.find(
      (candidate) =>
        candidate.messageName === messageName &&
        (candidate.correlationKey === null || candidate.correlationKey === correlationKey),
    );
    if (!subscription) {
      throw new EngineError(
        'not_found',
        `no one waits for message "${messageName}" with key "${correlationKey ?? ''}"`,
      );
    }
    run.state.subscriptions = run.state.subscriptions.filter(
      (candidate) => candidate.id !== subscription.id,
    );
    run.mergeVariables(payload);
    run.record({
      actor: null,
      action: 'messageCorrelated',
      elementId: subscription.elementId,
      reason: messageName,
    });
    moveOn(run, run.token(subscription.tokenId));
  });
}
