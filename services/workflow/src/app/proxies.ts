import { hasRole, invalidArgument, permissionDenied, type Principal } from '@loanflow/platform';
import * as engine from '../domain/engine';
import { todayInShanghai } from './dates';
import { parseTaskRowId } from '../infra/instance-store';
import { runCommand, type WorkflowDeps } from './instances';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * 委托: a user away from one date to another hands their tasks to a colleague. Tasks they hold
 * when the absence is in force move now (as transfers, in each instance's history); the
 * absence is kept so the team can see it.
 */
export async function setProxy(
  deps: WorkflowDeps,
  p: Principal,
  req: { userId: string; proxyUserId: string; fromDate: string; toDate: string },
): Promise<number> {
  const user = req.userId || p.userId;
  if (user !== p.userId && !hasRole(p, 'admin'))
    throw permissionDenied('only administrators set a proxy for someone else');
  const violations = [];
  if (!req.proxyUserId) violations.push({ field: 'proxyUserId', reason: 'is required' });
  if (req.proxyUserId === user)
    violations.push({ field: 'proxyUserId', reason: 'must be someone else' });
  if (!DATE.test(req.fromDate))
    violations.push({ field: 'fromDate', reason: 'must be a date YYYY-MM-DD' });
  if (!DATE.test(req.toDate))
    violations.push({ field: 'toDate', reason: 'must be a date YYYY-MM-DD' });
  if (violations.length === 0 && req.toDate < req.fromDate)
    violations.push({ field: 'toDate', reason: 'must not be before fromDate' });
  if (violations.length > 0) throw invalidArgument(violations);

  await deps.pool.query(
    `INSERT INTO proxies (user_id, proxy_user_id, from_date, to_date, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, from_date) DO UPDATE SET proxy_user_id = excluded.proxy_user_id, to_date = excluded.to_date`,
    [user, req.proxyUserId, req.fromDate, req.toDate, p.userId],
  );
  const today = todayInShanghai(deps.now?.() ?? new Date());
  if (today < req.fromDate || today > req.toDate) return 0;
  const { rows } = await deps.pool.query<{ id: string }>(
    "SELECT id FROM tasks WHERE assignee = $1 AND state = 'open' ORDER BY created_at",
    [user],
  );
  let handed = 0;
  for (const { id } of rows) {
    const ids = parseTaskRowId(id)!;
    await runCommand(deps, ids.instanceId, (m, s, now) =>
      engine.transfer(m, s, ids.taskId, { userId: user, groups: [] }, req.proxyUserId, now),
    );
    handed++;
  }
  return handed;
}
