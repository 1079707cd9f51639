// Moving a running instance to another version of its process.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';

/**
 * Moves an instance to another version of its process. Allowed only when every token waits at a
 * user task that exists, as a user task of the same kind (single or vote), in the new version.
 * Timers of boundary events the new version no longer has are cancelled.
 */
export async function migrateInstance(
  state: InstanceState,
  fromModel: ProcessModel,
  toModel: ProcessModel,
  now: string,
): Promise<CommandResult> {
  return execute(toModel, state, now, (run) => {
    run.requireActive();
    if (state.processId !== fromModel.id) {
      throw new EngineError(
        'invalid_argument',
        `the instance runs process "${state.processId}", not "${fromModel.id}"`,
      );
    }
    const blocking = run.state.tokens
      .filter((token) => {
        const before = fromModel.elements[token.elementId];
        const after = toModel.elements[token.elementId];
        return (
          before?.kind !== 'userTask' ||
          after?.kind !== 'userTask' ||
          (before.multiInstance === null) !== (after.multiInstance === null)
        );
      })
      .map((token) => token.elementId);
    if (blocking.length > 0) {
      const ids = [...new Set(blocking)];
      throw new EngineError(
        'failed_precondition',
        `cannot migrate: tokens wait at ${ids.join(', ')}, which are not user tasks of the same kind in both versions`,
        { blockingElementIds: ids },
      );
    }
    for (const timer of [...run.state.timers]) {
      const boundary = toModel.elements[timer.boundaryEventId];
      if (boundary?.kind !== 'timerBoundaryEvent' || boundary.attachedTo !== timer.hostElementId) {
        run.state.timers = run.state.timers.filter((candidate) => candidate.id !== timer.id);
        run.effects.push({ type: 'timerCancelled', timerId: timer.id });
      }
    }
    for (const task of run.state.tasks) {
      const element = toModel.elements[task.elementId];
      if (element?.kind === 'userTask' && (task.status === 'open' || task.status === 'suspended')) {
        task.stepCode = element.stepCode;
        task.name = element.name;
      }
    }
    run.state.processId = toModel.id;
    run.record({
      actor: null,
      action: 'migrated',
      elementId: null,
      reason: `${fromModel.id} → ${toModel.id}`,
    });
  });
}
