import { HEAD_OFFICE } from '@loanflow/platform';
import type { DirectorySeed } from './app/seed';

/** Demo password of every demo user; demo data only, never in a real deployment. */
export const DEMO_PASSWORD = 'loanflow-demo';

/**
 * The demo bank: the head office, the Shanghai branch with its Pudong sub-branch, and the
 * Beijing branch; one user for each role of the approval chain (GLOSSARY.md).
 */
export const DEMO_DIRECTORY: DirectorySeed = {
  password: DEMO_PASSWORD,
  branches: [
    { code: 'SH001', name: '上海分行', parentCode: HEAD_OFFICE },
    { code: 'SH001-01', name: '浦东支行', parentCode: 'SH001' },
    { code: 'BJ001', name: '北京分行', parentCode: HEAD_OFFICE },
  ],
  users: [
    demo('am.li', '李明', ['account_manager'], 'SH001', '13800000101'),
    demo('am.qian', '钱芳 (浦东支行)', ['account_manager'], 'SH001-01', '13800000102'),
    demo('am.zhao', '赵强 (北京分行)', ['account_manager'], 'BJ001', '13800000103'),
    demo('corp.sun', '孙丽', ['corporate_lending'], 'SH001', '13800000104'),
    demo('market.wang', '王芳', ['market_specialist'], 'SH001', '13800000105'),
    demo('group.chen', '陈刚', ['group_leader'], 'SH001', '13800000106'),
    demo('credit.zhou', '周洁', ['credit_officer'], 'SH001', '13800000107'),
    // Beijing's own front of the chain, so that am.zhao's applications reach the committee too.
    demo('market.gao', '高峰 (北京分行)', ['market_specialist'], 'BJ001', '13800000118'),
    demo('group.liu', '刘洋 (北京分行)', ['group_leader'], 'BJ001', '13800000119'),
    demo('credit.han', '韩雪 (北京分行)', ['credit_officer'], 'BJ001', '13800000120'),
    demo('review.wu', '吴静', ['pre_meeting_reviewer'], HEAD_OFFICE, '13800000108'),
    demo('committee.xu', '徐涛', ['committee_member'], HEAD_OFFICE, '13800000109'),
    // The loan committee votes with at least three members.
    demo('committee.zhang', '张敏', ['committee_member'], HEAD_OFFICE, '13800000117'),
    demo(
      'committee.he',
      '何伟',
      ['committee_member', 'committee_chair'],
      HEAD_OFFICE,
      '13800000110',
    ),
    demo('risk.lin', '林峰', ['risk_manager'], HEAD_OFFICE, '13800000111'),
    demo('final.guo', '郭华', ['final_approver'], HEAD_OFFICE, '13800000112'),
    demo('disb.ma', '马超', ['disbursement_reviewer'], HEAD_OFFICE, '13800000113'),
    demo('postloan.hu', '胡敏', ['post_loan_officer'], 'SH001', '13800000114'),
    demo('audit.luo', '罗琳', ['auditor'], HEAD_OFFICE, '13800000115'),
    { ...demo('admin', 'Administrator', ['admin'], HEAD_OFFICE, '13800000100'), language: 'en' },
    // The second pair of eyes where one administrator's request needs another's approval.
    demo('admin.qin', '秦岚', ['admin'], HEAD_OFFICE, '13800000116'),
  ],
};

function demo(
  username: string,
  displayName: string,
  roles: DirectorySeed['users'][number]['roles'],
  branchId: string,
  mobile: string,
): DirectorySeed['users'][number] {
  return {
    username,
    displayName,
    roles,
    branchId,
    email: `${username}@demo.loanflow.dev`,
    mobile,
    language: 'zh-CN',
  };
}
