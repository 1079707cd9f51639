// The templates the service starts with (version 1 of each code, channel and locale): what bank
// staff and borrowers read. SMS texts leave out the signature 【LoanFlow银行】: the channel adds it.
import type { Locale, TemplateDraft } from './templates';

type Texts = { subject?: string; body: string; html?: string };
type PerLocale = Record<Locale, Texts>;

const TIERS: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    normal: '正常',
    special_mention: '关注',
    substandard: '次级',
    doubtful: '可疑',
    loss: '损失',
  },
  en: {
    normal: 'Pass',
    special_mention: 'Special mention',
    substandard: 'Substandard',
    doubtful: 'Doubtful',
    loss: 'Loss',
  },
};

/** The five-tier class in the locale's words (an unknown value is shown as it came). */
const tier = (variable: string, locale: Locale) =>
  `{${variable}, select, ${Object.entries(TIERS[locale])
    .map(([value, words]) => `${value} {${words}}`)
    .join(' ')} other {{${variable}}}}`;

/** An e-mail's HTML part: greeting, what happened, the facts as a table, what to do. */
function emailHtml(
  greeting: string,
  lead: string,
  facts: Array<[label: string, value: string]>,
  action: string,
): string {
  const rows = facts
    .map(
      ([label, value]) =>
        `<tr><td style="padding:6px 12px 6px 0;color:#646a73;white-space:nowrap">${label}</td>` +
        `<td style="padding:6px 0;font-weight:600">${value}</td></tr>`,
    )
    .join('\n');
  return [
    `<p style="margin:0 0 12px">${greeting}</p>`,
    `<p style="margin:0 0 12px">${lead}</p>`,
    `<table style="border-collapse:collapse;margin:0 0 16px">\n${rows}\n</table>`,
    `<p style="margin:0 0 12px">${action}</p>`,
  ].join('\n');
}

const GREETING: Record<Locale, string> = {
  'zh-CN': '{recipientName}，您好：',
  en: 'Dear {recipientName},',
};

const TASK_FACTS: Record<Locale, Array<[string, string]>> = {
  'zh-CN': [
    ['客户', '{customerName}'],
    ['申请编号', '{applicationId}'],
    ['申请金额', '{amount}'],
    ['环节', '{taskName}'],
    ['处理时限', '{dueAt}'],
  ],
  en: [
    ['Customer', '{customerName}'],
    ['Application', '{applicationId}'],
    ['Amount applied for', '{amount}'],
    ['Step', '{taskName}'],
    ['Due', '{dueAt}'],
  ],
};

interface Definition {
  code: string;
  eventType: string;
  in_app?: PerLocale;
  email?: PerLocale;
  sms?: PerLocale;
}

const DEFINITIONS: Definition[] = [
  {
    code: 'task.created',
    eventType: 'workflow.task.created',
    in_app: {
      'zh-CN': {
        subject: '新待办：{taskName}',
        body: '您有一笔新的待办：{customerName}{amount}的{taskName}，请及时处理。',
      },
      en: {
        subject: 'New task: {taskName}',
        body: 'You have a new task: {taskName} for {customerName} ({amount}).',
      },
    },
  },
  {
    code: 'task.assigned',
    eventType: 'workflow.task.assigned',
    in_app: {
      'zh-CN': {
        subject: '待办已分派给您：{taskName}',
        body: '{customerName}{amount}的{taskName}已分派给您，请及时处理。',
      },
      en: {
        subject: 'Task assigned to you: {taskName}',
        body: '{taskName} for {customerName} ({amount}) has been assigned to you.',
      },
    },
  },
  {
    code: 'task.reminder',
    eventType: 'workflow.task.reminder',
    in_app: {
      'zh-CN': {
        subject: '待办即将到期：{taskName}',
        body: '{customerName}{amount}的{taskName}将于{dueAt}到期，请及时处理。',
      },
      en: {
        subject: 'Task due soon: {taskName}',
        body: '{taskName} for {customerName} ({amount}) is due on {dueAt}.',
      },
    },
    email: {
      'zh-CN': {
        subject: '【待办提醒】{customerName}的{taskName}将于{dueAt}到期',
        body: '{recipientName}，您好：\n\n您的待办{customerName}（申请编号{applicationId}，金额{amount}）的{taskName}将于{dueAt}到期，请及时登录 LoanFlow 处理。',
        html: emailHtml(
          GREETING['zh-CN'],
          '您有一笔待办即将到期：',
          TASK_FACTS['zh-CN'],
          '请及时登录 LoanFlow 处理，超时将影响审批时效。',
        ),
      },
      en: {
        subject: '[Reminder] {taskName} for {customerName} is due on {dueAt}',
        body: 'Dear {recipientName},\n\nYour task {taskName} for {customerName} (application {applicationId}, {amount}) is due on {dueAt}. Please handle it in LoanFlow in time.',
        html: emailHtml(
          GREETING.en,
          'One of your tasks is due soon:',
          TASK_FACTS.en,
          'Please handle it in LoanFlow before it falls overdue.',
        ),
      },
    },
  },
  {
    code: 'task.overdue',
    eventType: 'workflow.task.overdue',
    in_app: {
      'zh-CN': {
        subject: '待办已超时：{taskName}',
        body: '{customerName}{amount}的{taskName}已超过处理时限（{dueAt}），请尽快处理。',
      },
      en: {
        subject: 'Task overdue: {taskName}',
        body: '{taskName} for {customerName} ({amount}) was due on {dueAt} and is now overdue.',
      },
    },
    email: {
      'zh-CN': {
        subject: '【待办超时】{customerName}的{taskName}已超过处理时限',
        body: '{recipientName}，您好：\n\n您的待办{customerName}（申请编号{applicationId}，金额{amount}）的{taskName}已于{dueAt}超时，请尽快登录 LoanFlow 处理。',
        html: emailHtml(
          GREETING['zh-CN'],
          '您有一笔待办已超过处理时限：',
          TASK_FACTS['zh-CN'],
          '请尽快登录 LoanFlow 处理；持续超时将按流程升级。',
        ),
      },
      en: {
        subject: '[Overdue] {taskName} for {customerName}',
        body: 'Dear {recipientName},\n\nYour task {taskName} for {customerName} (application {applicationId}, {amount}) was due on {dueAt} and is now overdue. Please handle it in LoanFlow as soon as possible.',
        html: emailHtml(
          GREETING.en,
          'One of your tasks is overdue:',
          TASK_FACTS.en,
          'Please handle it in LoanFlow as soon as possible; a task left overdue is escalated.',
        ),
      },
    },
  },
  {
    code: 'task.urged',
    eventType: 'workflow.task.urged',
    in_app: {
      'zh-CN': {
        subject: '催办：{taskName}',
        body: '{actor}催办：{customerName}{amount}的{taskName}，请尽快处理。{reason}',
      },
      en: {
        subject: 'Please hurry: {taskName}',
        body: '{actor} asks you to hurry with {taskName} for {customerName} ({amount}). {reason}',
      },
    },
    email: {
      'zh-CN': {
        subject: '【催办】{customerName}的{taskName}',
        body: '{recipientName}，您好：\n\n{actor}催办您的待办：{customerName}（申请编号{applicationId}，金额{amount}）的{taskName}，处理时限{dueAt}。\n\n催办说明：{reason}\n\n请尽快登录 LoanFlow 处理。',
        html: emailHtml(
          GREETING['zh-CN'],
          '{actor}催办了您的一笔待办：',
          [...TASK_FACTS['zh-CN'], ['催办说明', '{reason}']],
          '请尽快登录 LoanFlow 处理。',
        ),
      },
      en: {
        subject: '[Urgent] {taskName} for {customerName}',
        body: 'Dear {recipientName},\n\n{actor} asks you to hurry with {taskName} for {customerName} (application {applicationId}, {amount}), due on {dueAt}.\n\nNote: {reason}\n\nPlease handle it in LoanFlow as soon as possible.',
        html: emailHtml(
          GREETING.en,
          '{actor} asks you to hurry with one of your tasks:',
          [...TASK_FACTS.en, ['Note', '{reason}']],
          'Please handle it in LoanFlow as soon as possible.',
        ),
      },
    },
    sms: {
      'zh-CN': { body: '{recipientName}，{customerName}{amount}的{taskName}被催办，请尽快处理。' },
      en: {
        body: '{recipientName}: please hurry with {taskName} for {customerName} ({amount}).',
      },
    },
  },
  {
    code: 'task.escalated',
    eventType: 'workflow.task.escalated',
    in_app: {
      'zh-CN': {
        subject: '待办已升级：{taskName}',
        body: '{customerName}{amount}的{taskName}超过处理时限，已升级，请关注并尽快处理。',
      },
      en: {
        subject: 'Task escalated: {taskName}',
        body: '{taskName} for {customerName} ({amount}) went past its time limit and has been escalated.',
      },
    },
    email: {
      'zh-CN': {
        subject: '【待办升级】{customerName}的{taskName}已升级',
        body: '{recipientName}，您好：\n\n{customerName}（申请编号{applicationId}，金额{amount}）的{taskName}超过处理时限（{dueAt}），已按流程升级，请关注并尽快处理。',
        html: emailHtml(
          GREETING['zh-CN'],
          '以下待办超过处理时限，已按流程升级：',
          TASK_FACTS['zh-CN'],
          '请关注并尽快登录 LoanFlow 处理。',
        ),
      },
      en: {
        subject: '[Escalated] {taskName} for {customerName}',
        body: 'Dear {recipientName},\n\n{taskName} for {customerName} (application {applicationId}, {amount}) went past its time limit ({dueAt}) and has been escalated. Please see that it is handled soon.',
        html: emailHtml(
          GREETING.en,
          'This task went past its time limit and has been escalated:',
          TASK_FACTS.en,
          'Please see that it is handled in LoanFlow soon.',
        ),
      },
    },
    sms: {
      'zh-CN': {
        body: '{recipientName}，{customerName}{amount}的{taskName}已超时升级，请尽快处理。',
      },
      en: {
        body: '{recipientName}: {taskName} for {customerName} ({amount}) is overdue and escalated.',
      },
    },
  },
  {
    code: 'application.decided',
    eventType: 'workflow.process.completed',
    in_app: {
      'zh-CN': {
        subject:
          '{decision, select, approved {审批通过} rejected {审批未通过} other {审批终止}}：{customerName}',
        body: '{customerName}的贷款申请（{applicationId}）{decision, select, approved {已审批通过：金额{approvedAmount}，年利率{approvedRate}，期限{approvedTermMonths}个月。请联系客户签订合同。} rejected {未获批准，请及时告知客户。} other {审批已终止。}}',
      },
      en: {
        subject:
          '{decision, select, approved {Approved} rejected {Declined} other {Approval ended}}: {customerName}',
        body: 'The loan application of {customerName} ({applicationId}) {decision, select, approved {was approved: {approvedAmount} at {approvedRate} a year for {approvedTermMonths, plural, one {# month} other {# months}}. Please arrange the contract with the customer.} rejected {was declined. Please let the customer know.} other {ended without a decision.}}',
      },
    },
  },
  {
    code: 'application.approved.borrower',
    eventType: 'workflow.process.completed',
    sms: {
      'zh-CN': {
        body: '{customerName}，您的贷款申请已获批准，金额{approvedAmount}，期限{approvedTermMonths}个月，客户经理将联系您签约。',
      },
      en: {
        body: 'Dear {customerName}, your loan application has been approved: {approvedAmount}, term {approvedTermMonths} months. Your account manager will contact you to sign.',
      },
    },
  },
  {
    code: 'application.declined.borrower',
    eventType: 'workflow.process.completed',
    sms: {
      'zh-CN': {
        body: '{customerName}，很抱歉，您的贷款申请未获批准，感谢您的信任，详情请咨询客户经理。',
      },
      en: {
        body: 'Dear {customerName}, we are sorry: your loan application was not approved. Please ask your account manager for details.',
      },
    },
  },
  {
    code: 'contract.generated',
    eventType: 'documents.contract.generated',
    sms: {
      'zh-CN': {
        body: '{customerName}，您的借款合同{contractNumber}已生成，请携身份证到网点签署，或在手机银行凭合同编号电子签署。',
      },
      en: {
        body: 'Dear {customerName}, your loan contract {contractNumber} is ready. Sign it at the branch with your ID card, or sign it electronically in mobile banking with the contract number.',
      },
    },
  },
  {
    code: 'contract.signed',
    eventType: 'documents.contract.signed',
    in_app: {
      'zh-CN': {
        subject: '合同已签署：{contractNumber}',
        body: '{customerName}的借款合同{contractNumber}（金额{amount}）已于{signedAt}完成签署，可办理放款。',
      },
      en: {
        subject: 'Contract signed: {contractNumber}',
        body: 'The loan contract {contractNumber} of {customerName} ({amount}) was signed on {signedAt} and is ready for disbursement.',
      },
    },
    email: {
      'zh-CN': {
        subject: '【合同已签署】{customerName}的借款合同{contractNumber}',
        body: '{recipientName}，您好：\n\n{customerName}的借款合同{contractNumber}（申请编号{applicationId}，金额{amount}）已于{signedAt}完成签署，合同已生效，可办理放款。',
        html: emailHtml(
          GREETING['zh-CN'],
          '以下借款合同已完成全部签署，合同已生效：',
          [
            ['借款人', '{customerName}'],
            ['合同编号', '{contractNumber}'],
            ['申请编号', '{applicationId}'],
            ['合同金额', '{amount}'],
            ['签署完成时间', '{signedAt}'],
          ],
          '请登录 LoanFlow 办理放款。',
        ),
      },
      en: {
        subject: '[Contract signed] {contractNumber} of {customerName}',
        body: 'Dear {recipientName},\n\nThe loan contract {contractNumber} of {customerName} (application {applicationId}, {amount}) was signed by every party on {signedAt} and is in force. The loan can now be disbursed.',
        html: emailHtml(
          GREETING.en,
          'Every party has signed this loan contract; it is in force:',
          [
            ['Borrower', '{customerName}'],
            ['Contract', '{contractNumber}'],
            ['Application', '{applicationId}'],
            ['Amount', '{amount}'],
            ['Signed', '{signedAt}'],
          ],
          'The loan can now be disbursed in LoanFlow.',
        ),
      },
    },
  },
  {
    code: 'loan.disbursed',
    eventType: 'accounting.loan.disbursed',
    sms: {
      'zh-CN': {
        body: '{customerName}，您的贷款{amount}已于{valueDate}发放至尾号{accountTail}的账户，到期日{maturityDate}。',
      },
      en: {
        body: 'Dear {customerName}, your loan of {amount} was paid into your account ending {accountTail} on {valueDate}; it matures on {maturityDate}.',
      },
    },
  },
  {
    code: 'installment.due-soon',
    eventType: 'accounting.installment.due-soon',
    sms: {
      'zh-CN': {
        body: '{customerName}，您的贷款第{installment}期应还{amountDue}将于{dueDate}到期，请提前存足款项。',
      },
      en: {
        body: 'Dear {customerName}, installment {installment} of your loan, {amountDue}, is due on {dueDate}. Please make sure the funds are in your account.',
      },
    },
  },
  {
    code: 'loan.overdue.borrower',
    eventType: 'accounting.loan.overdue',
    sms: {
      'zh-CN': {
        body: '{customerName}，您的贷款已逾期，逾期本息{overdueAmount}，请尽快还款，以免产生罚息并影响征信。',
      },
      en: {
        body: 'Dear {customerName}, your loan is overdue by {overdueAmount}. Please repay it soon to avoid penalty interest and harm to your credit record.',
      },
    },
  },
  {
    code: 'loan.overdue',
    eventType: 'accounting.loan.overdue',
    in_app: {
      'zh-CN': {
        subject: '贷款逾期：{customerName} {loanNumber}',
        body: '{customerName}的贷款{loanNumber}于{businessDate}逾期：逾期本金{overduePrincipal}，逾期利息{overdueInterest}，最早未还到期日{oldestUnpaidDue}。请及时开展催收。',
      },
      en: {
        subject: 'Loan overdue: {customerName} {loanNumber}',
        body: 'The loan {loanNumber} of {customerName} fell overdue on {businessDate}: principal {overduePrincipal}, interest {overdueInterest}, oldest unpaid installment due on {oldestUnpaidDue}. Please start collection.',
      },
    },
    email: {
      'zh-CN': {
        subject: '【贷款逾期】{customerName}的贷款{loanNumber}已逾期',
        body: '{recipientName}，您好：\n\n{customerName}的贷款{loanNumber}于{businessDate}逾期，逾期本金{overduePrincipal}，逾期利息{overdueInterest}，合计{overdueAmount}，最早未还到期日{oldestUnpaidDue}。\n\n请及时联系借款人并开展催收。',
        html: emailHtml(
          GREETING['zh-CN'],
          '您管户的一笔贷款已逾期：',
          [
            ['借款人', '{customerName}'],
            ['贷款编号', '{loanNumber}'],
            ['逾期日期', '{businessDate}'],
            ['逾期本金', '{overduePrincipal}'],
            ['逾期利息', '{overdueInterest}'],
            ['逾期合计', '{overdueAmount}'],
            ['最早未还到期日', '{oldestUnpaidDue}'],
          ],
          '请及时联系借款人并开展催收。',
        ),
      },
      en: {
        subject: '[Overdue] Loan {loanNumber} of {customerName}',
        body: 'Dear {recipientName},\n\nThe loan {loanNumber} of {customerName} fell overdue on {businessDate}: principal {overduePrincipal}, interest {overdueInterest}, {overdueAmount} in all; the oldest unpaid installment was due on {oldestUnpaidDue}.\n\nPlease contact the borrower and start collection.',
        html: emailHtml(
          GREETING.en,
          'A loan you look after has fallen overdue:',
          [
            ['Borrower', '{customerName}'],
            ['Loan', '{loanNumber}'],
            ['Overdue since', '{businessDate}'],
            ['Overdue principal', '{overduePrincipal}'],
            ['Overdue interest', '{overdueInterest}'],
            ['Overdue in all', '{overdueAmount}'],
            ['Oldest unpaid due date', '{oldestUnpaidDue}'],
          ],
          'Please contact the borrower and start collection.',
        ),
      },
    },
  },
  {
    code: 'repayment.receipt',
    eventType: 'accounting.loan.repayment-posted',
    sms: {
      'zh-CN': {
        body: '{customerName}，您于{valueDate}还款{amount}已入账。感谢您的支持！',
      },
      en: {
        body: 'Dear {customerName}, your repayment of {amount} on {valueDate} has been received. Thank you.',
      },
    },
  },
  {
    code: 'loan.settled',
    eventType: 'accounting.loan.repayment-posted',
    sms: {
      'zh-CN': {
        body: '{customerName}，您于{valueDate}还款{amount}已入账，贷款已全部结清。感谢您的支持！',
      },
      en: {
        body: 'Dear {customerName}, your repayment of {amount} on {valueDate} has been received and your loan is now paid off. Thank you.',
      },
    },
  },
  {
    code: 'loan.classified',
    eventType: 'accounting.loan.classified',
    in_app: {
      'zh-CN': {
        subject: `五级分类调整：{loanNumber} 调为${tier('toTier', 'zh-CN')}`,
        body: `{customerName}的贷款{loanNumber}五级分类由${tier('fromTier', 'zh-CN')}调整为${tier('toTier', 'zh-CN')}{cause, select, days_past_due {（逾期{daysPastDue}天）} other {}}，请关注风险并及时处置。`,
      },
      en: {
        subject: `Loan {loanNumber} reclassified as ${tier('toTier', 'en')}`,
        body: `The loan {loanNumber} of {customerName} was reclassified from ${tier('fromTier', 'en')} to ${tier('toTier', 'en')}{cause, select, days_past_due { ({daysPastDue, plural, one {# day} other {# days}} past due)} other {}}. Please review the risk and act on it.`,
      },
    },
    email: {
      'zh-CN': {
        subject: `【风险预警】贷款{loanNumber}五级分类调为${tier('toTier', 'zh-CN')}`,
        body: `{recipientName}，您好：\n\n{customerName}的贷款{loanNumber}于{businessDate}五级分类由${tier('fromTier', 'zh-CN')}调整为${tier('toTier', 'zh-CN')}{cause, select, days_past_due {，逾期{daysPastDue}天} other {，调整原因：{reason}}}。\n\n请关注该笔贷款风险，及时制定处置方案。`,
        html: emailHtml(
          GREETING['zh-CN'],
          '以下贷款的五级分类已下调，请关注：',
          [
            ['借款人', '{customerName}'],
            ['贷款编号', '{loanNumber}'],
            ['调整日期', '{businessDate}'],
            ['原分类', tier('fromTier', 'zh-CN')],
            ['现分类', tier('toTier', 'zh-CN')],
            [
              '调整原因',
              '{cause, select, days_past_due {逾期{daysPastDue}天} other {人工调整：{reason}}}',
            ],
          ],
          '请关注该笔贷款风险，及时制定处置方案。',
        ),
      },
      en: {
        subject: `[Risk alert] Loan {loanNumber} reclassified as ${tier('toTier', 'en')}`,
        body: `Dear {recipientName},\n\nThe loan {loanNumber} of {customerName} was reclassified on {businessDate} from ${tier('fromTier', 'en')} to ${tier('toTier', 'en')}{cause, select, days_past_due { at {daysPastDue, plural, one {# day} other {# days}} past due} other {: {reason}}}.\n\nPlease review the risk of this loan and plan the next steps.`,
        html: emailHtml(
          GREETING.en,
          'This loan has been reclassified:',
          [
            ['Borrower', '{customerName}'],
            ['Loan', '{loanNumber}'],
            ['Date', '{businessDate}'],
            ['From', tier('fromTier', 'en')],
            ['To', tier('toTier', 'en')],
            [
              'Why',
              '{cause, select, days_past_due {{daysPastDue, plural, one {# day} other {# days}} past due} other {Manual change: {reason}}}',
            ],
          ],
          'Please review the risk of this loan and plan the next steps.',
        ),
      },
    },
  },
  {
    code: 'digest',
    eventType: 'digest',
    email: {
      'zh-CN': {
        subject: '【LoanFlow】您有{count}条待处理通知',
        body: '{recipientName}，您好：\n\n以下是您今天的{count}条通知：\n\n{items}\n\n请登录 LoanFlow 查看和处理。',
        html: [
          `<p style="margin:0 0 12px">${GREETING['zh-CN']}</p>`,
          '<p style="margin:0 0 12px">以下是您今天的{count}条通知：</p>',
          '<pre style="margin:0 0 16px;font-family:inherit;white-space:pre-wrap">{items}</pre>',
          '<p style="margin:0 0 12px">请登录 LoanFlow 查看和处理。</p>',
        ].join('\n'),
      },
      en: {
        subject:
          '[LoanFlow] {count, plural, one {# notification} other {# notifications}} waiting for you',
        body: 'Dear {recipientName},\n\nHere {count, plural, one {is your notification} other {are your # notifications}} of today:\n\n{items}\n\nPlease see to them in LoanFlow.',
        html: [
          `<p style="margin:0 0 12px">${GREETING.en}</p>`,
          '<p style="margin:0 0 12px">Here {count, plural, one {is your notification} other {are your # notifications}} of today:</p>',
          '<pre style="margin:0 0 16px;font-family:inherit;white-space:pre-wrap">{items}</pre>',
          '<p style="margin:0 0 12px">Please see to them in LoanFlow.</p>',
        ].join('\n'),
      },
    },
  },
];

const LOCALE_ORDER: Locale[] = ['zh-CN', 'en'];

/** SMS template codes as registered with the provider: one per template, both locales share it. */
function providerCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const d of DEFINITIONS)
    if (d.sms) codes.set(d.code, `SMS_4600000${String(codes.size + 1).padStart(2, '0')}`);
  return codes;
}

function drafts(): TemplateDraft[] {
  const smsCodes = providerCodes();
  const out: TemplateDraft[] = [];
  for (const d of DEFINITIONS)
    for (const channel of ['in_app', 'email', 'sms'] as const) {
      const texts = d[channel];
      if (texts === undefined) continue;
      for (const locale of LOCALE_ORDER)
        out.push({
          code: d.code,
          channel,
          locale,
          eventType: d.eventType,
          subject: texts[locale].subject ?? '',
          body: texts[locale].body,
          html: texts[locale].html ?? '',
          providerTemplateCode: channel === 'sms' ? smsCodes.get(d.code)! : '',
        });
    }
  return out;
}

export const DEFAULT_TEMPLATES: TemplateDraft[] = drafts();
