// A timer boundary event comes due.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import { requireText } from '../inputs';
import { addDuration } from '../../timer-schedule';
import { cancelToken, enter } from '../tokens';

/** Counter-based ids: a well-formed id at or below the counter was issued and has since ended. */
function wasIssued(id: string, prefix: string, counter: number): boolean {
  const match = new RegExp(`^${prefix}-(\\d+)$`).exec(id);
  return match !== null && Number(match[1]) <= counter;
}

/**
 * A due timer fires. Interrupting: the task (or vote, or job) is cancelled and the flow follows
 * the boundary event. Non-interrupting: the task stays, a token follows the boundary event's flow
 * (if any), and a cycle is rescheduled from its previous due time.
 */
export async function fireTimer(
  model: ProcessModel,
  state: InstanceState,
  timerId: string,
  now: string,
): Promise<CommandResult> {
  return execute(model, state, now, (run) => {
    requireText(timerId, 'timerId');
    run.requireActive();
    const timer = run.state.timers.find((candidate) => candidate.id === timerId);
    if (!timer) {
      if (wasIssued(timerId, 'timer', run.state.seq.timer)) {
        throw new EngineError('failed_precondition', `timer "${timerId}" is no longer scheduled`);
      }
      throw new EngineError('not_found', `timer "${timerId}" does not exist in this instance`);
    }
    if (Date.parse(run.now) < Date.parse(timer.dueAt)) {
      throw new EngineError('failed_precondition', `timer "${timerId}" is due at ${timer.dueAt}`);
    }
    const host = run.token(timer.hostTokenId);
    const openTasks = run.state.tasks.filter(
      (task) => task.tokenId === host.id && task.status === 'open',
    );
    run.effects.push({
      type: 'timerFired',
      timerId: timer.id,
      boundaryEventId: timer.boundaryEventId,
      hostElementId: timer.hostElementId,
      interrupting: timer.interrupting,
      taskIds: openTasks.map((task) => task.id),
    });
    run.record({ actor: null, action: 'timerFired', elementId: timer.boundaryEventId });
    const boundary = run.element(timer.boundaryEventId);
    if (timer.interrupting) {
      cancelToken(run, host, `timer ${timer.boundaryEventId} fired`);
    } else if (timer.cycle && timer.cycle.remainingAfterThis !== 0) {
      timer.dueAt = addDuration(timer.dueAt, timer.cycle.interval);
      if (timer.cycle.remainingAfterThis !== null) timer.cycle.remainingAfterThis -= 1;
      run.effects.push({ type: 'timerScheduled', timer: structuredClone(timer) });
    } else {
      run.state.timers = run.state.timers.filter((candidate) => candidate.id !== timer.id);
    }
    enter(run, boundary.id, host.branch, null);
  });
}
