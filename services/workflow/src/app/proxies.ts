import {
  businessDateInChina,
  hasRole,
  invalidArgument,
  permissionDenied,
  type Principal,
} from '@loanflow/platform';
import * as engine from '../domain/engine';
import { parseTaskRowId } from '../infra/instance-store';
import { absencesFrom, saveAbsence, type Absence } from '../infra/proxy-repo';
import { openTaskIdsAssignedTo } from '../infra/task-repo';
import { requireWriter } from './access';
import { resolvePeople } from './directory';
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
  token: string,
): Promise<number> {
  requireWriter(p, 'setting a proxy');
  if (req.userId && req.userId !== p.userId && !hasRole(p, 'admin'))
    throw permissionDenied('only administrators set a proxy for someone else');
  const violations = [];
  if (!req.proxyUserId) violations.push({ field: 'proxyUserId', reason: 'is required' });
  if (req.proxyUserId === (req.userId || p.userId))
    violations.push({ field: 'proxyUserId', reason: 'must be someone else' });
  if (!DATE.test(req.fromDate))
    violations.push({ field: 'fromDate', reason: 'must be a date YYYY-MM-DD' });
  if (!DATE.test(req.toDate))
    violations.push({ field: 'toDate', reason: 'must be a date YYYY-MM-DD' });
  if (violations.length === 0 && req.toDate < req.fromDate)
    violations.push({ field: 'toDate', reason: 'must not be before fromDate' });
  if (violations.length > 0) throw invalidArgument(violations);
  const { user, proxy } = await checkedPeople(deps, p, req, token);

  await saveAbsence(deps.pool, {
    userId: user,
    proxyUserId: proxy,
    fromDate: req.fromDate,
    toDate: req.toDate,
    createdBy: p.userId,
  });
  const today = businessDateInChina(deps.now?.() ?? new Date());
  if (today < req.fromDate || today > req.toDate) return 0;
  let handed = 0;
  for (const id of await openTaskIdsAssignedTo(deps.pool, user)) {
    const ids = parseTaskRowId(id)!;
    await runCommand(deps, ids.instanceId, (m, s, now) =>
      engine.transfer(m, s, ids.taskId, { userId: user, groups: [] }, proxy, now),
    );
    handed++;
  }
  return handed;
}

/**
 * 委托 in force or to come (ending today or later, in the bank's calendar): the caller's own —
 * those they gave and those they stand in for — or, for administrators, everyone's or one user's.
 */
export async function listProxies(
  deps: WorkflowDeps,
  p: Principal,
  req: { userId: string },
): Promise<(Absence & { createdAt: Date })[]> {
  if (req.userId && req.userId !== p.userId && !hasRole(p, 'admin'))
    throw permissionDenied("only administrators see someone else's proxies");
  const today = businessDateInChina(deps.now?.() ?? new Date());
  const who = hasRole(p, 'admin') ? req.userId || undefined : p.userId;
  return absencesFrom(deps.pool, today, who);
}

/**
 * The absent user and their proxy are real users (given by id or username, kept as ids); the
 * proxy is active and holds one of the absent user's roles, so that the tasks they take over are
 * tasks they may work on.
 */
async function checkedPeople(
  deps: WorkflowDeps,
  p: Principal,
  req: { userId: string; proxyUserId: string },
  token: string,
): Promise<{ user: string; proxy: string }> {
  const absent = req.userId || p.userId;
  const [absentUser] =
    absent === p.userId
      ? [{ id: p.userId, roles: p.roles as string[], active: true }]
      : await deps.directory
          .lookUp([absent], token)
          .then((users) =>
            users.filter(
              (u) => u.id === absent || u.username.toLowerCase() === absent.toLowerCase(),
            ),
          );
  if (!absentUser)
    throw invalidArgument([{ field: 'userId', reason: `user "${absent}" does not exist` }]);
  if (!absentUser.active)
    throw invalidArgument([{ field: 'userId', reason: `user "${absent}" is inactive` }]);
  const ids = await resolvePeople(
    deps.directory,
    [{ field: 'proxyUserId', value: req.proxyUserId, roles: absentUser.roles }],
    token,
  );
  const proxy = ids.get('proxyUserId')!;
  if (proxy === absentUser.id)
    throw invalidArgument([{ field: 'proxyUserId', reason: 'must be someone else' }]);
  return { user: absentUser.id, proxy };
}
