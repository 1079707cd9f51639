// A service task's job is done.
import type { ProcessModel } from '../../bpmn/process-model';
import { EngineError } from '../../engine-error';
import type { CommandResult, InstanceState } from '../../instance-state';
import { execute } from '../execution';
import type { Variables } from '../../feel';
import { requireText, requireVariables } from '../inputs';
import { moveOn } from '../tokens';

/** A worker finished a job. At-least-once delivery: completing a completed job changes nothing. */
export async function completeJob(
  model: ProcessModel,
  state: InstanceState,
  jobId: string,
  variables: Variables,
  now: string,
): Promise<CommandResult> {
  const output = requireVariables(variables);
  const job = state.jobs.find((candidate) => candidate.id === jobId);
  if (job?.status === 'completed') return { state, effects: [] };
  return execute(model, state, now, (run) => {
    requireText(jobId, 'jobId');
    const current = run.state.jobs.find((candidate) => candidate.id === jobId);
    if (!current)
      throw new EngineError('not_found', `job "${jobId}" does not exist in this instance`);
    if (current.status === 'cancelled')
      throw new EngineError('failed_precondition', `job "${jobId}" was cancelled`);
    run.requireActive();
    current.status = 'completed';
    run.mergeVariables(output);
    run.record({ actor: null, action: 'jobCompleted', elementId: current.elementId });
    moveOn(run, run.token(current.tokenId));
  });
}
