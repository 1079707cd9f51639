import {
  canAccessBranch,
  invalidArgument,
  isUuid,
  notFound,
  permissionDenied,
  type Principal,
} from '@loanflow/platform';
import { cachedDefinition, type StoredDefinition } from '../infra/definition-repo';
import { instanceById, instanceByBusinessKey, type StoredInstance } from '../infra/instance-store';
import type { WorkflowDeps } from './instances';

/** An instance with its timeline, by id or by application id; branch-scoped like the application. */
export async function getInstance(
  deps: WorkflowDeps,
  p: Principal,
  q: { id: string; businessKey: string },
): Promise<{ instance: StoredInstance; definition: StoredDefinition }> {
  if (!q.id && !q.businessKey)
    throw invalidArgument([{ field: 'id', reason: 'give the instance id or the business key' }]);
  if (q.id && !isUuid(q.id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  const instance = q.id
    ? await instanceById(deps.pool, q.id)
    : await instanceByBusinessKey(deps.pool, q.businessKey);
  if (!instance) throw notFound('process instance');
  const branch = instance.context.branchId;
  if (branch && !canAccessBranch(p, branch))
    throw permissionDenied(`the process belongs to branch ${branch}`);
  const definition = (await cachedDefinition(deps.pool, instance.definitionId))!;
  return { instance, definition };
}
