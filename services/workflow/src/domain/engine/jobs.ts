// Service tasks: a token waits for a job that an external worker completes.
import type { ElementDef } from '../bpmn/process-model';
import type { Execution } from './execution';
import { scheduleBoundaryTimers } from './timers';

export function activateServiceTask(
  run: Execution,
  element: Extract<ElementDef, { kind: 'serviceTask' }>,
  branch: string[],
): void {
  const token = run.newToken(element.id, branch, { type: 'job', jobId: '' });
  const type = run.evaluate(element.jobType, run.state.variables, `job type of "${element.id}"`);
  const job = {
    id: run.nextId('job'),
    elementId: element.id,
    tokenId: token.id,
    type: String(type),
    retries: element.retries,
    status: 'open' as const,
    createdAt: run.now,
  };
  token.wait = { type: 'job', jobId: job.id };
  run.state.jobs.push(job);
  run.effects.push({ type: 'jobCreated', job: { ...job } });
  scheduleBoundaryTimers(run, element, token);
}
