import {
  conflict,
  DomainError,
  failedPrecondition,
  hasRole,
  invalidArgument,
  isUuid,
  notFound,
  permissionDenied,
  requireRole,
  resourceExhausted,
  unauthenticated,
  uuidv7,
  withTransaction,
  type Pool,
  type Principal,
  type Role,
} from '@loanflow/platform';
import {
  checkProfile,
  checkUsername,
  publicView,
  Violations,
  type User,
  type UserProfile,
} from '../domain/directory';
import { DUMMY_HASH, hashPassword, passwordProblem, verifyPassword } from '../domain/passwords';
import { branchByCode, subtreeCodes } from '../infra/branch-repo';
import * as repo from '../infra/user-repo';
import { scopeOf } from './branches';
import { userChanged } from './events';

export interface DirectoryDeps {
  pool: Pool;
}

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;
/**
 * Failed log-ins of one username (known or not) within the window before further attempts are
 * throttled. Above the lock's 5, so a user who mistyped is told "wrong password", not "wait";
 * it stops password guessing and the cost of a password hash per guess.
 */
const THROTTLE_FAILURES = 10;
const THROTTLE_WINDOW_MINUTES = 15;
const USERNAME = /^[a-z0-9._-]{3,64}$/;

export interface Authenticated {
  user: User;
  /** The branches the user sees: their branch's subtree, or all from the head office. */
  branchScope: string[] | 'all';
}

/**
 * Checks a username and password. Wrong passwords count towards a temporary lock; the answer
 * is the same for an unknown user, a wrong password, a locked and a deactivated account. The
 * lock is decided in the row's UPDATE, so attempts sent together are counted one after the other.
 * Too many failures for a username: RESOURCE_EXHAUSTED with the seconds to wait.
 */
export async function authenticate(
  deps: DirectoryDeps,
  username: string,
  password: string,
): Promise<Authenticated> {
  const name = username.trim().toLowerCase();
  const throttled = USERNAME.test(name);
  if (throttled) {
    const wait = await repo.loginThrottled(
      deps.pool,
      name,
      THROTTLE_FAILURES,
      THROTTLE_WINDOW_MINUTES,
    );
    if (wait > 0)
      throw resourceExhausted('too many failed log-ins for this username; try again later', wait);
  }
  const user = await repo.userByUsername(deps.pool, name);
  const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
  const admitted = user && ok ? await repo.admitLogin(deps.pool, user.id) : undefined;
  if (!admitted) {
    if (user && !ok)
      await repo.recordFailedLogin(deps.pool, user.id, MAX_FAILED_LOGINS, LOCK_MINUTES);
    if (throttled) await repo.recordLoginFailure(deps.pool, name, THROTTLE_WINDOW_MINUTES);
    throw unauthenticated('wrong username or password, or the account is locked');
  }
  return { user: repo.toUser(admitted), branchScope: await scopeOf(deps.pool, admitted.branchId) };
}

export interface UserStanding {
  exists: boolean;
  active: boolean;
  locked: boolean;
  lockedUntil?: string;
}

/** Whether a user may still act (see CheckUser): any member of staff may ask. */
export async function checkUser(
  deps: DirectoryDeps,
  _actor: Principal,
  id: string,
): Promise<UserStanding> {
  if (!isUuid(id)) throw invalidArgument([{ field: 'userId', reason: 'must be a UUID' }]);
  const standing = await repo.userStanding(deps.pool, id);
  if (!standing) return { exists: false, active: false, locked: false };
  return {
    exists: true,
    active: standing.active,
    locked: standing.lockedUntil !== null,
    ...(standing.lockedUntil ? { lockedUntil: standing.lockedUntil.toISOString() } : {}),
  };
}

export interface ProfileInput {
  displayName: string;
  roles: readonly (string | undefined)[];
  branchId: string;
  email: string;
  mobile: string;
  language: string;
}

/** The profile checked field by field, the branch against the tree; every problem at once. */
async function validProfile(
  deps: DirectoryDeps,
  input: ProfileInput,
  v: Violations,
): Promise<UserProfile> {
  const profile = checkProfile(input, v);
  if (
    !v.list.some((x) => x.field === 'branchId') &&
    !(await branchByCode(deps.pool, profile.branchId))
  )
    v.add('branchId', `no branch ${profile.branchId} in the branch tree`);
  return profile;
}

export interface CreateUserCommand extends ProfileInput {
  username: string;
  initialPassword: string;
  /** A retry with the same id answers with the user that id created. */
  requestId: string;
}

export async function createUser(
  deps: DirectoryDeps,
  actor: Principal,
  cmd: CreateUserCommand,
): Promise<User> {
  requireRole(actor, ['admin'], 'creating a user');
  const requestId = cmd.requestId.trim() || null;
  if (requestId) {
    const earlier = await repo.userByRequestId(deps.pool, requestId);
    if (earlier) return sameRequest(earlier, cmd.username);
  }
  const v = new Violations();
  const username = checkUsername(cmd.username, v);
  const profile = await validProfile(deps, cmd, v);
  const weak = passwordProblem(cmd.initialPassword, username);
  if (weak) v.add('initialPassword', weak);
  if (v.list.length > 0) throw invalidArgument(v.list);
  const taken = await repo.userByUsername(deps.pool, username);
  if (taken) throw usernameTaken(taken);

  const passwordHash = await hashPassword(cmd.initialPassword);
  return withTransaction(deps.pool, async (tx) => {
    const row = { ...profile, id: uuidv7(), username, passwordHash, requestId };
    const created = await repo.insertUser(tx, row);
    // Lost a race: the other insert is committed, so it can be read outside this transaction.
    if (created === 'username_taken')
      throw usernameTaken((await repo.userByUsername(deps.pool, username))!);
    if (created === 'request_id_taken')
      return sameRequest((await repo.userByRequestId(deps.pool, requestId!))!, username);
    const user = repo.toUser(created);
    await userChanged(tx, 'created', user);
    return user;
  });
}

function sameRequest(earlier: repo.UserRecord, username: string): User {
  if (earlier.username !== username.trim().toLowerCase())
    throw failedPrecondition(
      `request id already created user ${earlier.username} (${earlier.id}); use a new request id for another user`,
    );
  return repo.toUser(earlier);
}

function usernameTaken(existing: repo.UserRecord) {
  // The existing id rides in the violation, so a client can go to that user.
  return new DomainError(
    'already_exists',
    `username ${existing.username} is taken by user ${existing.id}`,
    [{ field: 'username', reason: `is taken by user ${existing.id}` }],
  );
}

export interface UpdateUserCommand extends ProfileInput {
  id: string;
  expectedVersion: number;
}

export async function updateUser(
  deps: DirectoryDeps,
  actor: Principal,
  cmd: UpdateUserCommand,
): Promise<User> {
  requireRole(actor, ['admin'], 'editing a user');
  const v = new Violations();
  if (!isUuid(cmd.id)) v.add('id', 'must be a UUID');
  if (!(cmd.expectedVersion > 0))
    v.add('expectedVersion', 'is required: the version of the user as you read it');
  const profile = await validProfile(deps, cmd, v);
  if (v.list.length > 0) throw invalidArgument(v.list);
  if (cmd.id === actor.userId && !profile.roles.includes('admin'))
    throw failedPrecondition('you cannot take the admin role from yourself');
  return withTransaction(deps.pool, async (tx) => {
    const updated = await repo.updateProfile(tx, cmd.id, cmd.expectedVersion, profile);
    if (!updated) {
      const current = await repo.userById(tx, cmd.id);
      if (!current) throw notFound(`user ${cmd.id}`);
      throw conflict(
        `user ${current.username} is at version ${current.version}, not ${cmd.expectedVersion}: someone changed it; read it again`,
      );
    }
    const user = repo.toUser(updated);
    await userChanged(tx, 'updated', user);
    return user;
  });
}

export async function deactivateUser(
  deps: DirectoryDeps,
  actor: Principal,
  id: string,
  reason: string,
): Promise<User> {
  requireRole(actor, ['admin'], 'deactivating a user');
  const v = new Violations();
  if (!isUuid(id)) v.add('id', 'must be a UUID');
  const why = reason.trim();
  if (!why) v.add('reason', 'is required: say why the account is closed');
  else if ([...why].length > 500) v.add('reason', 'must be at most 500 characters');
  if (v.list.length > 0) throw invalidArgument(v.list);
  if (id === actor.userId) throw failedPrecondition('you cannot deactivate your own account');
  return setActive(deps, id, false, why);
}

export async function reactivateUser(
  deps: DirectoryDeps,
  actor: Principal,
  id: string,
): Promise<User> {
  requireRole(actor, ['admin'], 'reactivating a user');
  if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  return setActive(deps, id, true, null);
}

/** Already in that state: the user as it is, and no event. */
function setActive(deps: DirectoryDeps, id: string, active: boolean, reason: string | null) {
  return withTransaction(deps.pool, async (tx) => {
    const changed = await repo.setActive(tx, id, active, reason);
    if (!changed) {
      const current = await repo.userById(tx, id);
      if (!current) throw notFound(`user ${id}`);
      return repo.toUser(current);
    }
    const user = repo.toUser(changed);
    await userChanged(tx, active ? 'updated' : 'deactivated', user);
    return user;
  });
}

/** An administrator sets a new password (the user should change it); a lock is lifted. */
export async function resetPassword(
  deps: DirectoryDeps,
  actor: Principal,
  id: string,
  newPassword: string,
): Promise<void> {
  requireRole(actor, ['admin'], 'resetting a password');
  if (!isUuid(id)) throw invalidArgument([{ field: 'id', reason: 'must be a UUID' }]);
  const user = await repo.userById(deps.pool, id);
  if (!user) throw notFound(`user ${id}`);
  const weak = passwordProblem(newPassword, user.username);
  if (weak) throw invalidArgument([{ field: 'newPassword', reason: weak }]);
  await repo.setPassword(deps.pool, id, await hashPassword(newPassword));
}

/** E-mail and mobile are for administrators and the user themself. */
const shownTo = (actor: Principal) => (u: repo.UserRecord) =>
  hasRole(actor, 'admin') || u.id === actor.userId ? repo.toUser(u) : publicView(repo.toUser(u));

const MAX_LOOKUP = 500;

/** Users by id, in the order asked; unknown ids are left out. */
export async function getUsers(deps: DirectoryDeps, actor: Principal, ids: string[]) {
  if (ids.length > MAX_LOOKUP)
    throw invalidArgument([{ field: 'ids', reason: `at most ${MAX_LOOKUP} at once` }]);
  const bad = ids.findIndex((id) => !isUuid(id));
  if (bad >= 0) throw invalidArgument([{ field: `ids[${bad}]`, reason: 'must be a UUID' }]);
  const found = new Map((await repo.usersByIds(deps.pool, ids)).map((u) => [u.id, u]));
  return ids.flatMap((id) => (found.has(id) ? [shownTo(actor)(found.get(id)!)] : []));
}

/** Users by username, in the order asked; unknown names are left out. */
export async function resolveUsernames(deps: DirectoryDeps, actor: Principal, usernames: string[]) {
  if (usernames.length > MAX_LOOKUP)
    throw invalidArgument([{ field: 'usernames', reason: `at most ${MAX_LOOKUP} at once` }]);
  const wanted = usernames.map((u) => u.trim().toLowerCase());
  const found = new Map(
    (await repo.usersByUsernames(deps.pool, wanted)).map((u) => [u.username, u]),
  );
  return wanted.flatMap((name) => (found.has(name) ? [shownTo(actor)(found.get(name)!)] : []));
}

export interface ListUsersQuery {
  role?: Role;
  branchId: string;
  status: string;
  query: string;
  pageSize: number;
  pageToken: string;
}

/**
 * Every member of staff may list active users (to pick a credit officer, a delegate…);
 * administrators see inactive ones too, and everyone's contact details.
 */
export async function listUsers(deps: DirectoryDeps, actor: Principal, q: ListUsersQuery) {
  const v = new Violations();
  const status = q.status.trim();
  if (!['', 'active', 'inactive'].includes(status)) v.add('status', 'must be active or inactive');
  const size = q.pageSize || 50;
  if (size < 1 || size > 200) v.add('pageSize', 'must be between 1 and 200');
  let after: string | undefined;
  if (q.pageToken) {
    after = Buffer.from(q.pageToken, 'base64url').toString('utf8');
    if (!/^[a-z0-9._-]{3,64}$/.test(after))
      v.add('pageToken', 'is not a token this service issued');
  }
  const query = q.query.trim();
  if ([...query].length > 100) v.add('query', 'must be at most 100 characters');
  let branches: string[] | undefined;
  if (q.branchId.trim()) {
    branches = await subtreeCodes(deps.pool, q.branchId.trim());
    if (branches.length === 0)
      v.add('branchId', `no branch ${q.branchId.trim()} in the branch tree`);
  }
  if (v.list.length > 0) throw invalidArgument(v.list);
  const admin = hasRole(actor, 'admin');
  if (!admin && status === 'inactive')
    throw permissionDenied('listing inactive users needs the role admin');
  const rows = await repo.listUsers(
    deps.pool,
    {
      role: q.role,
      branches,
      active: status === 'inactive' ? false : status === 'active' || !admin ? true : undefined,
      query: query || undefined,
    },
    { size, after },
  );
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  return {
    users: page.map(shownTo(actor)),
    nextPageToken:
      rows.length > size && last ? Buffer.from(last.username).toString('base64url') : '',
  };
}
