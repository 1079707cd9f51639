import type { Role } from '@loanflow/platform';

/** Who may enter customers and loan applications (录入): the front office. */
export const FRONT_OFFICE: Role[] = ['account_manager', 'corporate_lending'];

export { branchFilter, branchScopeOf, requireBranch, requireRole } from '@loanflow/platform';
