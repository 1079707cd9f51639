// What each management report holds: its tables, their bilingual columns and types, who may read
// it and which filters it takes. The one description the service, the gateway and the exports use.
import type { Role } from '@loanflow/platform';
import { DPD_BUCKETS, TIERS } from './report-figures';

/** How a cell reads (see the proto's Column.type). */
export type ColumnType =
  'text' | 'integer' | 'money' | 'money_wan' | 'ratio' | 'days' | 'date' | 'month';

export interface ColumnSpec {
  key: string;
  zh: string;
  en: string;
  type: ColumnType;
}

export interface TableSpec {
  name: string;
  zh: string;
  en: string;
  columns: readonly ColumnSpec[];
  /** Detail tables (a row per application or loan): only exported, never inlined. */
  exportOnly?: boolean;
}

export type ReportName = 'approval-efficiency' | 'pipeline' | 'portfolio' | 'post-loan';
export type FilterName = 'branchId' | 'productCode' | 'from' | 'to' | 'asOf';

export interface ReportSpec {
  name: ReportName;
  zh: string;
  en: string;
  /** Who may read it (always within their branch scope). */
  roles: readonly Role[] | 'staff';
  filters: readonly FilterName[];
  tables: readonly TableSpec[];
}

const col = (key: string, zh: string, en: string, type: ColumnType): ColumnSpec => ({
  key,
  zh,
  en,
  type,
});

const RESOLUTION = '(quarter-day resolution)';
const branchColumns = [
  col('branch_id', '机构代码', 'Branch', 'text'),
  col('branch_name', '机构名称', 'Branch name', 'text'),
];

const efficiencyFigures = [
  col('decided', '已决策', 'Decided', 'integer'),
  col('approved', '批准', 'Approved', 'integer'),
  col('rejected', '否决', 'Rejected', 'integer'),
  col('p50_days', '中位工作日', `P50 working days ${RESOLUTION}`, 'days'),
  col('p90_days', '90分位工作日', `P90 working days ${RESOLUTION}`, 'days'),
  col('within_3_days', '3个工作日内', 'Within 3 working days', 'integer'),
  col('share_within_3_days', '3日内占比(目标)', 'Share within 3 working days (target)', 'ratio'),
  col('share_within_7_days', '7日内占比', 'Share within 7 working days', 'ratio'),
];

const tierMoneyColumns = TIERS.map((t) => col(t.code, t.zh, `${t.en} (10k yuan)`, 'money_wan'));

export const REPORTS: readonly ReportSpec[] = [
  {
    name: 'approval-efficiency',
    zh: '审批效率',
    en: 'Approval efficiency',
    roles: 'staff',
    filters: ['branchId', 'productCode', 'from', 'to'],
    tables: [
      { name: 'summary', zh: '汇总', en: 'Summary', columns: efficiencyFigures },
      {
        name: 'monthly',
        zh: '按月',
        en: 'By month',
        columns: [col('month', '月份', 'Month', 'month'), ...efficiencyFigures],
      },
      {
        name: 'steps',
        zh: '审批环节',
        en: 'Approval steps',
        columns: [
          col('step', '环节', 'Step', 'text'),
          col('completed', '已办结', 'Completed', 'integer'),
          col('p50_days', '中位工作日', `P50 working days ${RESOLUTION}`, 'days'),
          col('p90_days', '90分位工作日', `P90 working days ${RESOLUTION}`, 'days'),
          col('sent_back', '退回', 'Sent back', 'integer'),
          col('send_back_rate', '退回率', 'Send-back rate', 'ratio'),
          col('open', '在办', 'Open', 'integer'),
          col('overdue_open', '超时在办', 'Overdue open', 'integer'),
        ],
      },
      {
        name: 'officers',
        zh: '人员工作量',
        en: 'Officer workload',
        columns: [
          col('officer', '经办人', 'Officer', 'text'),
          col('open', '在办', 'Open tasks', 'integer'),
          col('done_this_week', '本周办结', 'Done this week', 'integer'),
          col('done_in_range', '期间办结', 'Done in range', 'integer'),
          col('average_days', '平均处理工作日', 'Average handling working days', 'days'),
        ],
      },
      {
        name: 'applications',
        zh: '申请明细',
        en: 'Applications',
        exportOnly: true,
        columns: [
          col('application_id', '申请编号', 'Application', 'text'),
          ...branchColumns.slice(0, 1),
          col('product_code', '产品', 'Product', 'text'),
          col('amount', '申请金额', 'Amount', 'money'),
          col('submitted_at', '提交日期', 'Submitted', 'date'),
          col('decided_at', '决策日期', 'Decided', 'date'),
          col('decision', '决策', 'Decision', 'text'),
          col('working_days', '工作日', 'Working days', 'days'),
          col('send_backs', '退回次数', 'Send-backs', 'integer'),
          col('approved_amount', '批准金额', 'Approved amount', 'money'),
        ],
      },
    ],
  },
  {
    name: 'pipeline',
    zh: '业务流程',
    en: 'Pipeline',
    roles: 'staff',
    filters: ['branchId', 'productCode', 'from', 'to'],
    tables: [
      {
        name: 'by_status',
        zh: '按状态',
        en: 'By status',
        columns: [
          col('status', '状态', 'Status', 'text'),
          col('applications', '笔数', 'Applications', 'integer'),
          col('amount', '申请金额', 'Amount', 'money'),
        ],
      },
      {
        name: 'by_step',
        zh: '按当前环节',
        en: 'By current step',
        columns: [
          col('step', '当前环节', 'Current step', 'text'),
          col('applications', '笔数', 'Applications', 'integer'),
          col('amount', '申请金额', 'Amount', 'money'),
        ],
      },
      {
        name: 'funnel',
        zh: '转化漏斗',
        en: 'Conversion funnel',
        columns: [
          col('stage', '阶段', 'Stage', 'text'),
          col('applications', '笔数', 'Applications', 'integer'),
          col('amount', '金额', 'Amount', 'money'),
          col('from_previous', '较上一阶段', 'Of the previous stage', 'ratio'),
          col('from_submitted', '较提交', 'Of submitted', 'ratio'),
        ],
      },
      {
        name: 'decline_reasons',
        zh: '拒绝原因',
        en: 'Decline reasons',
        columns: [
          col('source', '来源', 'Source', 'text'),
          col('reason', '原因', 'Reason (rule code or step)', 'text'),
          col('applications', '笔数', 'Applications', 'integer'),
          col('amount', '申请金额', 'Amount', 'money'),
        ],
      },
    ],
  },
  {
    name: 'portfolio',
    zh: '贷款质量',
    en: 'Portfolio',
    roles: [
      'risk_manager',
      'post_loan_officer',
      'final_approver',
      'committee_chair',
      'committee_member',
      'auditor',
      'admin',
    ],
    filters: ['branchId', 'productCode', 'from', 'to', 'asOf'],
    tables: [
      {
        name: 'five_tier',
        zh: '贷款五级分类情况表',
        en: 'Five-tier loan quality',
        columns: [
          ...branchColumns,
          ...tierMoneyColumns,
          col('total', '合计', 'Total (10k yuan)', 'money_wan'),
          col('npl', '不良贷款', 'Non-performing (10k yuan)', 'money_wan'),
          col('npl_ratio', '不良率', 'NPL ratio', 'ratio'),
          col('loans', '笔数', 'Loans', 'integer'),
        ],
      },
      {
        name: 'overdue_buckets',
        zh: '逾期分布',
        en: 'Overdue buckets',
        columns: [
          col('days_past_due', '逾期天数', 'Days past due', 'text'),
          col('loans', '笔数', 'Loans', 'integer'),
          col('outstanding_principal', '贷款余额', 'Outstanding principal', 'money'),
          col('overdue_principal', '逾期本金', 'Overdue principal', 'money'),
        ],
      },
      {
        name: 'migration',
        zh: '五级分类迁徙',
        en: 'Tier migration (loans)',
        columns: [
          col('from', '月初分类', 'Start of month', 'text'),
          ...TIERS.map((t) => col(t.code, t.zh, t.en, 'integer')),
          col('total', '合计', 'Total', 'integer'),
          col('migration_rate', '下迁率', 'Downgrade rate', 'ratio'),
        ],
      },
      {
        name: 'monthly_flows',
        zh: '月度发生额',
        en: 'Monthly flows',
        columns: [
          col('month', '月份', 'Month', 'month'),
          col('disbursements', '放款笔数', 'Disbursements', 'integer'),
          col('disbursed', '放款金额', 'Disbursed', 'money'),
          col('repaid_principal', '回收本金', 'Principal repaid', 'money'),
          col('repaid_interest', '回收利息', 'Interest repaid', 'money'),
          col('interest_income', '利息收入', 'Interest income', 'money'),
          col('written_off', '核销', 'Written off', 'money'),
          col('recovered', '核销后收回', 'Recovered', 'money'),
        ],
      },
      {
        name: 'loans',
        zh: '贷款明细',
        en: 'Loans',
        exportOnly: true,
        columns: [
          col('loan_number', '借据号', 'Loan number', 'text'),
          branchColumns[0]!,
          col('product_code', '产品', 'Product', 'text'),
          col('classification', '五级分类', 'Tier', 'text'),
          col('days_past_due', '逾期天数', 'Days past due', 'integer'),
          col('outstanding_principal', '贷款余额', 'Outstanding principal', 'money'),
          col('overdue_principal', '逾期本金', 'Overdue principal', 'money'),
          col('accrued_interest', '应计利息', 'Accrued interest', 'money'),
          col('penalty_interest', '罚息', 'Penalty interest', 'money'),
          col('compound_interest', '复利', 'Compound interest', 'money'),
          col('annual_rate_percent', '年利率%', 'Annual rate %', 'text'),
          col('maturity_date', '到期日', 'Maturity', 'date'),
        ],
      },
    ],
  },
  {
    name: 'post-loan',
    zh: '贷后管理',
    en: 'Post-loan',
    roles: [
      'risk_manager',
      'post_loan_officer',
      'final_approver',
      'committee_chair',
      'committee_member',
      'auditor',
      'admin',
    ],
    filters: ['branchId', 'from', 'to'],
    tables: [
      {
        name: 'collection',
        zh: '催收',
        en: 'Collection',
        columns: [
          ...branchColumns,
          col('open', '在催案件', 'Open cases', 'integer'),
          col('closed', '结案', 'Closed cases', 'integer'),
          col('promises_made', '承诺还款', 'Promises pending', 'integer'),
          col('promises_kept', '已兑现', 'Promises kept', 'integer'),
          col('promises_broken', '未兑现', 'Promises broken', 'integer'),
          col('kept_rate', '兑现率', 'Kept rate', 'ratio'),
          col('promised_amount', '承诺金额', 'Promised amount', 'money'),
        ],
      },
      {
        name: 'litigation',
        zh: '诉讼',
        en: 'Litigation',
        columns: [
          col('stage', '阶段', 'Stage', 'text'),
          col('cases', '案件数', 'Cases', 'integer'),
          col('judgement_amount', '判决金额', 'Judgement amount', 'money'),
        ],
      },
      {
        name: 'assets',
        zh: '抵债资产',
        en: 'Repossessed assets',
        columns: [
          col('status', '状态', 'Status', 'text'),
          col('assets', '件数', 'Assets', 'integer'),
          col('booked_value', '入账价值', 'Booked value', 'money'),
          col('proceeds', '处置收入', 'Proceeds', 'money'),
        ],
      },
    ],
  },
];

export const reportNamed = (name: string): ReportSpec | undefined =>
  REPORTS.find((r) => r.name === name);

export const tableNamed = (report: ReportSpec, name: string): TableSpec | undefined =>
  report.tables.find((t) => t.name === name);

/** Whether `roles` may read `report` (the branch scope applies on top). */
export const mayRead = (report: ReportSpec, roles: readonly Role[]): boolean =>
  report.roles === 'staff' ? roles.length > 0 : roles.some((r) => report.roles.includes(r));

/** The label of an overdue bucket row. */
export const dpdLabel = (bucket: number): string =>
  DPD_BUCKETS.find((b) => b.bucket === bucket)?.label ?? String(bucket);
