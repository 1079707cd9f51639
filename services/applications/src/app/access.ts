import {
  canAccessBranch,
  hasRole,
  permissionDenied,
  type Principal,
  type Role,
} from '@loanflow/platform';

/** Who may enter customers and loan applications (录入): the front office. */
export const FRONT_OFFICE: Role[] = ['account_manager', 'corporate_lending'];

export function requireRole(p: Principal, allowed: Role[], action: string): void {
  if (!hasRole(p, ...allowed)) {
    throw permissionDenied(`${action} needs one of the roles ${allowed.join(', ')}`);
  }
}

/** Data scope: staff see their own branch; head-office staff see all branches. */
export function requireBranch(p: Principal, branchId: string, what: string): void {
  if (!canAccessBranch(p, branchId)) {
    throw permissionDenied(
      `${what} belongs to branch ${branchId}, outside your branch ${p.branchId}`,
    );
  }
}
