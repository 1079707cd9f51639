import { HEAD_OFFICE, type Pool, type Role } from '@loanflow/platform';
import { createUser } from './auth/users';

/** Branches of the demo bank. */
export const DEMO_BRANCHES = { pudong: 'SH001', haidian: 'BJ001' } as const;

/** Demo password of every demo user; demo data only, never in a real deployment. */
export const DEMO_PASSWORD = 'loanflow-demo';

/** One demo user for each role of the approval chain (GLOSSARY.md), plus a second branch. */
export const DEMO_USERS: {
  username: string;
  displayName: string;
  roles: Role[];
  branchId: string;
}[] = [
  {
    username: 'am.li',
    displayName: '李明 (account manager)',
    roles: ['account_manager'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'am.zhao',
    displayName: '赵强 (account manager, Beijing)',
    roles: ['account_manager'],
    branchId: DEMO_BRANCHES.haidian,
  },
  {
    username: 'corp.sun',
    displayName: '孙丽 (corporate lending)',
    roles: ['corporate_lending'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'market.wang',
    displayName: '王芳 (market specialist)',
    roles: ['market_specialist'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'group.chen',
    displayName: '陈刚 (group leader)',
    roles: ['group_leader'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'credit.zhou',
    displayName: '周洁 (credit officer)',
    roles: ['credit_officer'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'review.wu',
    displayName: '吴静 (pre-meeting reviewer)',
    roles: ['pre_meeting_reviewer'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'committee.xu',
    displayName: '徐涛 (loan committee)',
    roles: ['committee_member'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'committee.he',
    displayName: '何伟 (loan committee chair)',
    roles: ['committee_member', 'committee_chair'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'risk.lin',
    displayName: '林峰 (risk manager)',
    roles: ['risk_manager'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'final.guo',
    displayName: '郭华 (final approver)',
    roles: ['final_approver'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'disb.ma',
    displayName: '马超 (disbursement reviewer)',
    roles: ['disbursement_reviewer'],
    branchId: HEAD_OFFICE,
  },
  {
    username: 'postloan.hu',
    displayName: '胡敏 (post-loan officer)',
    roles: ['post_loan_officer'],
    branchId: DEMO_BRANCHES.pudong,
  },
  {
    username: 'audit.luo',
    displayName: '罗琳 (auditor)',
    roles: ['auditor'],
    branchId: HEAD_OFFICE,
  },
  { username: 'admin', displayName: 'Administrator', roles: ['admin'], branchId: HEAD_OFFICE },
  // The second pair of eyes where one administrator's request needs another's approval.
  {
    username: 'admin.qin',
    displayName: '秦岚 (administrator, checker)',
    roles: ['admin'],
    branchId: HEAD_OFFICE,
  },
];

export async function seedDemoUsers(pool: Pool): Promise<number> {
  let created = 0;
  for (const u of DEMO_USERS)
    if (await createUser(pool, { ...u, password: DEMO_PASSWORD })) created++;
  return created;
}
