import { createHash } from 'node:crypto';
import {
  hasRole,
  invalidArgument,
  notFound,
  permissionDenied,
  uuidv7,
  withTransaction,
  type Principal,
} from '@loanflow/platform';
import * as engine from '../domain/engine';
import { parseDefinition } from '../domain/bpmn/parse';
import {
  definitionById,
  definitionByVersion,
  definitionXml,
  insertDefinition,
  latestDefinition,
  listDefinitions,
  lockDeploymentsOf,
  type StoredDefinition,
} from '../infra/definition-repo';
import { activeInstanceIds, instanceById, saveInstance } from '../infra/instance-store';
import { asDomainError, nowOf, type WorkflowDeps } from './instances';

const MAX_XML = 2 * 1024 * 1024;

/**
 * Deploys BPMN XML as the next version of its process id. Refused with every problem and the
 * element it is on; the same XML as the latest version deploys nothing.
 */
export async function deployDefinition(
  deps: WorkflowDeps,
  deployedBy: string,
  xml: string,
): Promise<{ definition: StoredDefinition; created: boolean }> {
  if (!xml.trim()) throw invalidArgument([{ field: 'xml', reason: 'is required' }]);
  if (xml.length > MAX_XML)
    throw invalidArgument([{ field: 'xml', reason: `must be at most ${MAX_XML} bytes` }]);
  const parsed = await parseDefinition(xml);
  if (!parsed.ok) {
    throw invalidArgument(
      parsed.errors.map((e) => ({
        field: e.elementId ? `xml#${e.elementId}` : 'xml',
        reason: e.reason,
      })),
      `the process definition is not valid: ${parsed.errors.map((e) => (e.elementId ? `${e.elementId}: ${e.reason}` : e.reason)).join('; ')}`,
    );
  }
  const checksum = createHash('sha256').update(xml).digest('hex');
  return withTransaction(deps.pool, async (tx) => {
    await lockDeploymentsOf(tx, parsed.model.id);
    const latest = await latestDefinition(tx, parsed.model.id);
    if (latest?.checksum === checksum) return { definition: latest, created: false };
    const definition = await insertDefinition(tx, {
      id: uuidv7(),
      key: parsed.model.id,
      version: (latest?.version ?? 0) + 1,
      name: parsed.model.name ?? parsed.model.id,
      model: parsed.model,
      checksum,
      xml,
      deployedBy,
    });
    return { definition, created: true };
  });
}

export function requireAdmin(p: Principal, action: string): void {
  if (!hasRole(p, 'admin')) throw permissionDenied(`${action} needs the admin role`);
}

export async function getDefinition(
  deps: WorkflowDeps,
  q: { id: string; key: string; version: number },
) {
  const d = q.id
    ? await definitionById(deps.pool, q.id)
    : q.key
      ? q.version
        ? await definitionByVersion(deps.pool, q.key, q.version)
        : await latestDefinition(deps.pool, q.key)
      : undefined;
  if (!q.id && !q.key)
    throw invalidArgument([{ field: 'id', reason: 'give the definition id or its key' }]);
  if (!d) throw notFound('process definition');
  return { definition: d, xml: (await definitionXml(deps.pool, d.id)) ?? '' };
}

export const allDefinitions = (deps: WorkflowDeps, key: string): Promise<StoredDefinition[]> =>
  listDefinitions(deps.pool, key || undefined);

/**
 * Moves active instances of one version to another. Each instance moves on its own; those whose
 * tokens wait somewhere the new version does not have are refused with the reason.
 */
export async function migrateInstances(
  deps: WorkflowDeps,
  req: { definitionKey: string; fromVersion: number; toVersion: number; instanceIds: string[] },
): Promise<{ migrated: string[]; refused: { instanceId: string; reason: string }[] }> {
  const from = await definitionByVersion(deps.pool, req.definitionKey, req.fromVersion);
  const to = await definitionByVersion(deps.pool, req.definitionKey, req.toVersion);
  if (!from)
    throw invalidArgument([
      { field: 'fromVersion', reason: `no version ${req.fromVersion} of ${req.definitionKey}` },
    ]);
  if (!to)
    throw invalidArgument([
      { field: 'toVersion', reason: `no version ${req.toVersion} of ${req.definitionKey}` },
    ]);
  const ids =
    req.instanceIds.length > 0 ? req.instanceIds : await activeInstanceIds(deps.pool, from.id);
  const migrated: string[] = [];
  const refused: { instanceId: string; reason: string }[] = [];
  for (const id of ids) {
    try {
      await withTransaction(deps.pool, async (tx) => {
        const instance = await instanceById(tx, id, true);
        if (!instance || instance.definitionId !== from.id)
          throw new Error(`not an instance of ${from.key} v${from.version}`);
        const result = await engine
          .migrateInstance(instance.state, from.model, to.model, nowOf(deps))
          .catch((err: unknown) => {
            throw asDomainError(err);
          });
        await saveInstance(tx, {
          id,
          revision: instance.revision,
          state: result.state,
          definitionId: to.id,
        });
      });
      migrated.push(id);
    } catch (err) {
      refused.push({ instanceId: id, reason: (err as Error).message });
    }
  }
  return { migrated, refused };
}
