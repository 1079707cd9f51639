// Message catch events: a token waits for a message by name and correlation key.
import type { ElementDef } from '../bpmn/process-model';
import type { Execution } from './execution';

export function subscribe(
  run: Execution,
  element: Extract<ElementDef, { kind: 'messageCatchEvent' }>,
  branch: string[],
): void {
  const token = run.newToken(element.id, branch, { type: 'message', subscriptionId: '' });
  const name = run.evaluate(
    element.messageName,
    run.state.variables,
    `message name of "${element.id}"`,
  );
  const key =
    element.correlationKey === null
      ? null
      : run.evaluate(
          element.correlationKey,
          run.state.variables,
          `correlation key of "${element.id}"`,
        );
  const subscription = {
    id: run.nextId('subscription'),
    elementId: element.id,
    tokenId: token.id,
    messageName: String(name),
    correlationKey: key === null ? null : String(key),
  };
  token.wait = { type: 'message', subscriptionId: subscription.id };
  run.state.subscriptions.push(subscription);
}
