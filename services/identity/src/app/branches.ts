import {
  alreadyExists,
  HEAD_OFFICE,
  invalidArgument,
  notFound,
  requireRole,
  type Pool,
  type Principal,
  type Queryable,
  withTransaction,
} from '@loanflow/platform';
import { checkNewBranch, levelUnder, Violations, type Branch } from '../domain/directory';
import * as repo from '../infra/branch-repo';
import { branchCreated } from './events';

export const listBranches = (deps: { pool: Pool }): Promise<Branch[]> =>
  repo.listBranches(deps.pool);

/** Opens a branch under the head office, or a sub-branch under a branch, and announces it. */
export async function createBranch(
  deps: { pool: Pool },
  actor: Principal,
  input: { code: string; name: string; parentCode: string },
): Promise<Branch> {
  requireRole(actor, ['admin'], 'opening a branch');
  const v = new Violations();
  const b = checkNewBranch(input, v);
  const parent = b.parentCode ? await repo.branchByCode(deps.pool, b.parentCode) : undefined;
  const level = parent && levelUnder(parent);
  if (b.parentCode && !parent) v.add('parentCode', `no branch ${b.parentCode} in the branch tree`);
  else if (parent && !level)
    v.add('parentCode', `${parent.code} is a sub-branch; the tree ends at sub-branches`);
  if (v.list.length > 0) throw invalidArgument(v.list);
  return withTransaction(deps.pool, async (tx) => {
    const created = await repo.insertBranch(tx, { ...b, level: level! });
    if (!created) throw alreadyExists(`branch ${b.code} already exists`);
    await branchCreated(tx, created);
    return created;
  });
}

/** The codes a branch's subtree covers, itself included. */
export async function branchScope(deps: { pool: Pool }, branchId: string): Promise<string[]> {
  if (!branchId.trim()) throw invalidArgument([{ field: 'branchId', reason: 'is required' }]);
  const codes = await repo.subtreeCodes(deps.pool, branchId.trim());
  if (codes.length === 0) throw notFound(`branch ${branchId}`);
  return codes;
}

/** A user's data scope: everything from the head office, else their branch's subtree. */
export async function scopeOf(db: Queryable, branchId: string): Promise<string[] | 'all'> {
  if (branchId === HEAD_OFFICE) return 'all';
  return repo.subtreeCodes(db, branchId);
}
