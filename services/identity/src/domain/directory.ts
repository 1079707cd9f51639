import { BRANCH_CODE, ROLES, type FieldViolation, type Role } from '@loanflow/platform';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export type BranchLevel = 'head_office' | 'branch' | 'sub_branch';

export interface Branch {
  code: string;
  name: string;
  /** null for the head office, the root. */
  parentCode: string | null;
  level: BranchLevel;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  branchId: string;
  email: string;
  mobile: string;
  language: Language;
  active: boolean;
  /** Locked now after too many failed log-ins. */
  locked: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The fields an administrator sets on a user (on creation and on every edit). */
export interface UserProfile {
  displayName: string;
  roles: Role[];
  branchId: string;
  email: string;
  mobile: string;
  language: Language;
}

/** Collects field violations, so that one answer names every bad field at once. */
export class Violations {
  readonly list: FieldViolation[] = [];
  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }
}

const USERNAME = /^[a-z0-9._-]{3,64}$/;
// Deliberately loose: the mailbox decides what it accepts; this catches typos and pasted junk.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
// Mainland mobile numbers: 11 digits starting 13–19.
const MOBILE = /^1[3-9]\d{9}$/;

export function checkUsername(raw: string, v: Violations, field = 'username'): string {
  const username = raw.trim().toLowerCase();
  if (!username) v.add(field, 'is required');
  else if (!USERNAME.test(username))
    v.add(field, 'must be 3 to 64 characters of a-z, 0-9, dot, underscore or hyphen');
  return username;
}

/** Roles as given (wire words or enum names already mapped); unknown ones named by position. */
export function checkRoles(raw: readonly (string | undefined)[], v: Violations): Role[] {
  if (raw.length === 0) v.add('roles', 'give at least one role');
  const roles: Role[] = [];
  raw.forEach((r, i) => {
    if (r !== undefined && (ROLES as readonly string[]).includes(r)) {
      if (!roles.includes(r as Role)) roles.push(r as Role);
    } else v.add(`roles[${i}]`, `is not a role; the roles are ${ROLES.join(', ')}`);
  });
  return roles;
}

/**
 * Trims and checks a user's profile; the branch is checked for form only (whether it exists is
 * the directory's question). An empty language means zh-CN.
 */
export function checkProfile(
  input: {
    displayName: string;
    roles: readonly (string | undefined)[];
    branchId: string;
    email: string;
    mobile: string;
    language: string;
  },
  v: Violations,
): UserProfile {
  const displayName = input.displayName.trim();
  if (!displayName) v.add('displayName', 'is required');
  else if ([...displayName].length > 100) v.add('displayName', 'must be at most 100 characters');
  const roles = checkRoles(input.roles, v);
  const branchId = input.branchId.trim();
  if (!branchId) v.add('branchId', 'is required');
  else if (!BRANCH_CODE.test(branchId)) v.add('branchId', 'is not a branch code (e.g. SH001-01)');
  const email = input.email.trim();
  if (email && (email.length > 254 || !EMAIL.test(email)))
    v.add('email', 'must be an e-mail address such as zhou.jie@bank.example');
  const mobile = normalizeMobile(input.mobile);
  if (mobile && !MOBILE.test(mobile))
    v.add('mobile', 'must be a mainland mobile number: 11 digits starting 13 to 19');
  const language = input.language.trim() || 'zh-CN';
  if (!(LANGUAGES as readonly string[]).includes(language))
    v.add('language', 'must be zh-CN or en');
  return {
    displayName,
    roles,
    branchId,
    email: email.replace(/@.*$/, (domain) => domain.toLowerCase()),
    mobile,
    language: language as Language,
  };
}

/** `+86 138-1688-1234` → `13816881234`; anything else is left for the check to refuse. */
export function normalizeMobile(raw: string): string {
  const compact = raw.replace(/[\s-]/g, '');
  return compact.replace(/^(\+86|0086)(?=\d{11}$)/, '');
}

/** The level of a new branch under `parent`: the tree is head office → branch → sub-branch. */
export function levelUnder(parent: Branch): BranchLevel | undefined {
  if (parent.level === 'head_office') return 'branch';
  if (parent.level === 'branch') return 'sub_branch';
  return undefined;
}

export function checkNewBranch(
  input: { code: string; name: string; parentCode: string },
  v: Violations,
): { code: string; name: string; parentCode: string } {
  const code = input.code.trim().toUpperCase();
  if (!code) v.add('code', 'is required');
  else if (!BRANCH_CODE.test(code))
    v.add('code', 'must be letters and digits, a sub-branch with a suffix (e.g. SH001, SH001-01)');
  const name = input.name.trim();
  if (!name) v.add('name', 'is required');
  else if ([...name].length > 100) v.add('name', 'must be at most 100 characters');
  const parentCode = input.parentCode.trim().toUpperCase();
  if (!parentCode)
    v.add('parentCode', 'is required: every branch but the head office has a parent');
  return { code, name, parentCode };
}

/** What a caller who is neither an administrator nor the user may see of a user. */
export function publicView(user: User): User {
  return { ...user, email: '', mobile: '' };
}
