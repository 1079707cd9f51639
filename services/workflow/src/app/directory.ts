import { HEAD_OFFICE, invalidArgument, type FieldViolation } from '@loanflow/platform';

/** A staff user as the workflow needs to know them. */
export interface DirectoryUser {
  id: string;
  username: string;
  active: boolean;
  /** Role names, e.g. `credit_officer` (the candidate groups of steps are role names). */
  roles: string[];
  branchId: string;
}

/**
 * The user directory (the identity service). `lookUp` answers the users that the given user ids
 * or usernames name, asked on the caller's behalf (their token); a name that matches nobody is
 * left out.
 */
export interface UserDirectory {
  lookUp(idsOrUsernames: string[], token: string): Promise<DirectoryUser[]>;
  /** Whether staff of `userBranch` may see data of `branch` (its subtree; head office: all). */
  covers(userBranch: string, branch: string, token: string): Promise<boolean>;
}

/** A person named in a command: the field it came from, what was given, and who may be named. */
export interface PersonNamed {
  field: string;
  value: string;
  /** Role names of which they must hold one; empty: any active user. */
  roles: string[];
  /** The application's branch, which they must be able to see (else the task would be orphaned). */
  branchId?: string;
}

const matches = (user: DirectoryUser, given: string) =>
  user.id === given || user.username.toLowerCase() === given.toLowerCase();

/**
 * Checks that everyone a command names is an existing, active user holding a role the step
 * allows, and gives their user ids (a username given becomes the id). Every problem is reported
 * at once, each with its field; nothing is written by a command refused here.
 */
export async function resolvePeople(
  directory: UserDirectory,
  named: PersonNamed[],
  token: string,
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  if (named.length === 0) return ids;
  const users = await directory.lookUp([...new Set(named.map((n) => n.value))], token);
  const violations: FieldViolation[] = [];
  for (const n of named) {
    const user = users.find((u) => matches(u, n.value));
    if (!user) violations.push({ field: n.field, reason: `user "${n.value}" does not exist` });
    else if (!user.active)
      violations.push({ field: n.field, reason: `user "${n.value}" is inactive` });
    else if (n.roles.length > 0 && !n.roles.some((r) => user.roles.includes(r)))
      violations.push({
        field: n.field,
        reason: `user "${n.value}" does not hold ${n.roles.join(' or ')}`,
      });
    else if (n.branchId && !(await directory.covers(user.branchId, n.branchId, token)))
      violations.push({
        field: n.field,
        reason: `user "${n.value}" of branch ${user.branchId} cannot see an application of branch ${n.branchId}`,
      });
    else ids.set(n.field, user.id);
  }
  if (violations.length > 0) throw invalidArgument(violations);
  return ids;
}

/** A directory of a fixed list of users: unit tests, and a deployment's fixtures. */
export function inMemoryDirectory(users: DirectoryUser[]): UserDirectory {
  return {
    lookUp: async (names) => users.filter((u) => names.some((n) => matches(u, n))),
    covers: async (userBranch, branch) =>
      userBranch === HEAD_OFFICE || userBranch === branch || branch.startsWith(`${userBranch}-`),
  };
}
