import { hasRole, permissionDenied, ROLES, type Principal, type Role } from '@loanflow/platform';

/** Every staff role may change something in the workflow but the auditor's, which only reads. */
const WRITING_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'auditor');

export const mayWrite = (p: Principal): boolean => hasRole(p, ...WRITING_ROLES);

/** Refuses (PERMISSION_DENIED) a caller who only reads, naming the action. */
export function requireWriter(p: Principal, action: string): void {
  if (!mayWrite(p)) {
    throw permissionDenied(
      hasRole(p, 'auditor')
        ? `${action}: the auditor role is read-only`
        : `${action} needs a staff role that may act`,
    );
  }
}
