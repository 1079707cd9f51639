import { invalidArgument, notFound, type PoolClient } from '@loanflow/platform';
import * as engine from '../domain/engine';
import type { Variables } from '../domain/feel';
import { instanceByBusinessKey, parseTaskRowId } from '../infra/instance-store';
import { finishJob } from '../infra/instance-store';
import { runCommand, type CommandOutcome, type WorkflowDeps } from './instances';

const isObject = (v: unknown): v is Variables =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A worker finished a service-task job: the token moves on. A repeat is a no-op (engine and inbox). */
export async function completeJob(
  deps: WorkflowDeps,
  jobId: string,
  variables: unknown,
  tx?: PoolClient,
): Promise<CommandOutcome> {
  const ids = parseTaskRowId(jobId);
  if (!ids) throw invalidArgument([{ field: 'jobId', reason: 'is not a job id' }]);
  if (variables !== undefined && !isObject(variables))
    throw invalidArgument([{ field: 'variables', reason: 'must be an object' }]);
  const outcome = await runCommand(
    deps,
    ids.instanceId,
    (m, s, now) => engine.completeJob(m, s, ids.taskId, variables ?? {}, now),
    tx,
  );
  if (tx) await finishJob(tx, ids.instanceId, ids.taskId);
  return outcome;
}

export async function correlateMessage(
  deps: WorkflowDeps,
  req: { messageName: string; businessKey: string; correlationKey: string; variables: unknown },
): Promise<CommandOutcome> {
  if (!req.messageName) throw invalidArgument([{ field: 'messageName', reason: 'is required' }]);
  if (!req.businessKey) throw invalidArgument([{ field: 'businessKey', reason: 'is required' }]);
  if (req.variables !== undefined && !isObject(req.variables))
    throw invalidArgument([{ field: 'variables', reason: 'must be an object' }]);
  const instance = await instanceByBusinessKey(deps.pool, req.businessKey);
  if (!instance) throw notFound(`process for ${req.businessKey}`);
  return runCommand(deps, instance.id, (m, s, now) =>
    engine.correlateMessage(
      m,
      s,
      req.messageName,
      req.correlationKey || null,
      (req.variables as Variables | undefined) ?? {},
      now,
    ),
  );
}
