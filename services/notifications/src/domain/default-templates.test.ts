import { DEFAULT_TEMPLATES } from './default-templates';
import { checkTemplate, kindsOf, renderTemplate, sampleValues } from './templates';

const SIGNATURE = '【LoanFlow银行】';

// Issue 11 §3/§5: each template code and the channels it is sent on.
const CHANNELS: Record<string, string[]> = {
  'task.created': ['in_app'],
  'task.assigned': ['in_app'],
  'task.reminder': ['in_app', 'email'],
  'task.overdue': ['in_app', 'email'],
  'task.urged': ['in_app', 'email', 'sms'],
  'task.escalated': ['in_app', 'email', 'sms'],
  'application.decided': ['in_app'],
  'application.approved.borrower': ['sms'],
  'application.declined.borrower': ['sms'],
  'contract.generated': ['sms'],
  'contract.signed': ['in_app', 'email'],
  'loan.disbursed': ['sms'],
  'installment.due-soon': ['sms'],
  'loan.overdue.borrower': ['sms'],
  'loan.overdue': ['in_app', 'email'],
  'repayment.receipt': ['sms'],
  'loan.settled': ['sms'],
  'loan.classified': ['in_app', 'email'],
  digest: ['email'],
};

const name = (t: (typeof DEFAULT_TEMPLATES)[number]) => `${t.code} ${t.channel} ${t.locale}`;

test('every template code on each of its channels, in zh-CN and in en, once', () => {
  const expected = Object.entries(CHANNELS).flatMap(([code, channels]) =>
    channels.flatMap((channel) => [`${code} ${channel} zh-CN`, `${code} ${channel} en`]),
  );
  expect(DEFAULT_TEMPLATES.map(name).sort()).toEqual(expected.sort());
});

test.each(DEFAULT_TEMPLATES.map((t) => [name(t), t] as const))(
  '%s passes checkTemplate and renders its samples completely',
  (_, t) => {
    const { variables } = checkTemplate(t);
    expect(variables.length).toBeGreaterThan(0);
    const rendered = renderTemplate(t, sampleValues(t.eventType), kindsOf(t.eventType));
    for (const text of [rendered.subject, rendered.body, rendered.html]) {
      expect(text).not.toMatch(/[{}]/);
      expect(text).not.toContain('undefined');
    }
    if (t.channel !== 'sms') expect(rendered.subject).not.toBe('');
    expect(rendered.html).toContain('<!doctype html>');
  },
);

test('SMS: provider codes SMS_4600000NN, one per template, shared by its locales; no signature in the text', () => {
  const sms = DEFAULT_TEMPLATES.filter((t) => t.channel === 'sms');
  const byCode = new Map<string, Set<string>>();
  for (const t of sms) {
    expect(t.providerTemplateCode).toMatch(/^SMS_4600000\d{2}$/);
    expect(t.body).not.toContain('【');
    byCode.set(t.code, (byCode.get(t.code) ?? new Set()).add(t.providerTemplateCode));
  }
  expect([...byCode.values()].every((codes) => codes.size === 1)).toBe(true);
  const codes = [...byCode.values()].map((s) => [...s][0]);
  expect(new Set(codes).size).toBe(codes.length);
  expect(codes.sort()).toEqual(codes.map((_, i) => `SMS_4600000${String(i + 1).padStart(2, '0')}`));
  expect(
    DEFAULT_TEMPLATES.filter((t) => t.channel !== 'sms').every(
      (t) => t.providerTemplateCode === '',
    ),
  ).toBe(true);
});

test('zh-CN SMS fit one message (70 characters with the signature) with the samples', () => {
  for (const t of DEFAULT_TEMPLATES.filter((x) => x.channel === 'sms' && x.locale === 'zh-CN')) {
    const { body } = renderTemplate(t, sampleValues(t.eventType), kindsOf(t.eventType));
    expect([t.code, [...(SIGNATURE + body)].length <= 70]).toEqual([t.code, true]);
  }
});

test('samples render as bank staff and borrowers read them', () => {
  const render = (
    code: string,
    channel: string,
    locale: string,
    values: Record<string, string> = {},
  ) => {
    const t = DEFAULT_TEMPLATES.find(
      (x) => x.code === code && x.channel === channel && x.locale === locale,
    )!;
    return renderTemplate(t, { ...sampleValues(t.eventType), ...values }, kindsOf(t.eventType));
  };
  expect(render('task.created', 'in_app', 'zh-CN').body).toBe(
    '您有一笔新的待办：张三¥1,000,000.00的贷前调查，请及时处理。',
  );
  expect(
    render('application.declined.borrower', 'sms', 'zh-CN', { decision: 'rejected' }).body,
  ).toBe('张三，很抱歉，您的贷款申请未获批准，感谢您的信任，详情请咨询客户经理。');
  expect(render('application.decided', 'in_app', 'en', { approvedTermMonths: '1' }).body).toBe(
    'The loan application of 张三 (APP-20261207-0001) was approved: CNY 800,000.00 at 4.35% a year for 1 month. Please arrange the contract with the customer.',
  );
  expect(
    render('loan.classified', 'in_app', 'zh-CN', { fromTier: 'substandard', toTier: 'doubtful' })
      .subject,
  ).toBe('五级分类调整：DK2026120900031 调为可疑');
  expect(
    render('loan.classified', 'email', 'en', { cause: 'manual', reason: 'fraud' }).body,
  ).toContain('from Special mention to Substandard: fraud.');
  expect(render('loan.settled', 'sms', 'zh-CN').body).toBe(
    '张三，您于2027年3月9日还款¥23,642.51已入账，贷款已全部结清。感谢您的支持！',
  );
  expect(render('digest', 'email', 'en', { count: '1', items: '· a' }).subject).toBe(
    '[LoanFlow] 1 notification waiting for you',
  );
  expect(render('installment.due-soon', 'sms', 'en').body).toBe(
    'Dear 张三, installment 3 of your loan, CNY 23,642.51, is due on 9 Mar 2027. Please make sure the funds are in your account.',
  );
});
