// The application left the approval early: the instance ends at once.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { CommandResult, InstanceState, TerminationCause } from '../../instance-state';
import { execute } from '../execution';
import { requireText } from '../inputs';
import { cancelTask } from '../tasks';
import { cancelToken } from '../tokens';

const TERMINATION_CAUSES: readonly TerminationCause[] = ['withdrawn', 'declined', 'expired'];

/**
 * The application left the approval before a decision (withdrawn by its account manager,
 * declined or expired in the applications service): the instance ends at once. Every open task
 * is cancelled (with the reason, so it leaves every queue), every timer, job and message wait with
 * it. An instance that has already ended is left as it is, so a repeated request or a redelivered
 * event changes nothing.
 */
export async function terminateProcess(
  model: ProcessModel,
  state: InstanceState,
  input: { cause: TerminationCause; reason: string; actor: string },
  now: string,
): Promise<CommandResult> {
  if (!TERMINATION_CAUSES.includes(input.cause)) {
    throw new EngineError(
      'invalid_argument',
      `cause must be one of ${TERMINATION_CAUSES.join(', ')}`,
    );
  }
  requireText(input.actor, 'the actor');
  if (typeof input.reason !== 'string')
    throw new EngineError('invalid_argument', 'reason must be a string');
  if (state.status !== 'active') return { state, effects: [] };
  return execute(model, state, now, (run) => {
    const why = `the application was ${input.cause}${input.reason ? `: ${input.reason}` : ''}`;
    const open = run.state.tasks.filter((t) => t.status === 'open' || t.status === 'suspended');
    for (const token of [...run.state.tokens]) cancelToken(run, token, why);
    // Whatever no token held any more (defensive: nothing may outlive the instance).
    for (const task of open) cancelTask(run, task, why);
    for (const timer of run.state.timers)
      run.effects.push({ type: 'timerCancelled', timerId: timer.id });
    run.state.timers = [];
    for (const job of run.state.jobs.filter((j) => j.status === 'open')) {
      job.status = 'cancelled';
      run.effects.push({ type: 'jobCancelled', jobId: job.id });
    }
    run.state.subscriptions = [];
    run.state.multiInstanceBodies = [];
    run.state.termination = {
      cause: input.cause,
      reason: input.reason,
      actor: input.actor,
      at: run.now,
    };
    run.state.status = 'terminated';
    run.state.endedAt = run.now;
    run.record({ actor: input.actor, action: 'terminated', elementId: null, reason: why });
    run.effects.push({
      type: 'processTerminated',
      cause: input.cause,
      reason: input.reason,
      actor: input.actor,
      cancelledTaskIds: open.map((t) => t.id),
    });
  });
}
