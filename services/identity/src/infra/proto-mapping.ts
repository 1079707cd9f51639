import type { Role } from '@loanflow/platform';
import { identityV1 as pb, vocabularyV1 } from '@loanflow/proto';
import type { Branch, User } from '../domain/directory';

const PREFIX = 'ROLE_';

/** `ROLE_CREDIT_OFFICER` → `credit_officer`; unspecified and unknown values → undefined. */
export function roleOf(value: vocabularyV1.Role): string | undefined {
  if (value === vocabularyV1.Role.ROLE_UNSPECIFIED || value === vocabularyV1.Role.UNRECOGNIZED)
    return undefined;
  return value.slice(PREFIX.length).toLowerCase();
}

export const pbRole = (role: Role): vocabularyV1.Role =>
  vocabularyV1.roleFromJSON(`${PREFIX}${role.toUpperCase()}`);

export const userToPb = (u: User): pb.User => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  roles: u.roles.map(pbRole),
  branchId: u.branchId,
  email: u.email,
  mobile: u.mobile,
  language: u.language,
  active: u.active,
  locked: u.locked,
  version: u.version,
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

export const branchToPb = (b: Branch): pb.Branch => ({
  code: b.code,
  name: b.name,
  parentCode: b.parentCode ?? '',
  level: b.level,
});
