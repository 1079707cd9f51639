// 通知与消息 end to end (issue 11 §7): one system with a real SMTP server (STARTTLS + AUTH) and the
// fake Alibaba Cloud SMS endpoint (it records only requests whose signature it verified), driven
// through the gateway as the bankers would. One loan carries the borrower's story from approval
// to overdue; the notifications service's clock is the test's, so quiet hours are chosen, not met.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { startFakeAliyunSms, type FakeAliyunSms } from '../support/aliyun-sms';
import { fileDocuments } from '../support/checklists';
import { mobile } from '../support/identities';
import { individual, lifecycle, LIFECYCLE_USERS, type LoanCase } from '../support/lifecycle';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp';
import { connectSse, isEvent, type SseConnection, type SseItem } from '../support/sse';
import { startSystem, type TestSystem, type TestUser } from '../support/system';
import type { Body } from '../support/uploads';

jest.setTimeout(120_000);

const SMTP_AUTH = { user: 'loanflow-relay', pass: 'relay-secret-e2e' };
const ALIYUN = {
  accessKeyId: 'LTAI5tE2eNotifications',
  accessKeySecret: 'e2e-secret-key-of-the-bank',
};

/** Staff with contact data: the chain's people, a second SH001 specialist, Beijing's, post-loan. */
const contact = (u: TestUser): TestUser => ({
  ...u,
  email: `${u.username}@bank.example`,
  mobile: mobile(),
  language: 'zh-CN',
});
const STAFF: TestUser[] = [
  ...LIFECYCLE_USERS,
  { username: 'mkt2.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'mkt.bj', roles: ['market_specialist'], branchId: 'BJ001' },
  { username: 'postloan.sh', roles: ['post_loan_officer'], branchId: 'SH001' },
];
const USERS = STAFF.map(contact);
const user = (username: string) => USERS.find((u) => u.username === username)!;

const URGE_REASON = '客户急需用款，请今天处理';
const BORROWER_ACCOUNT = '6222 0210 0112 3457 321';
/**
 * Every test system on this machine shares the bus and the branch codes, so other systems'
 * events reach this one's directory of SH001 staff too: what is this test's is told apart by a
 * borrower name no other run uses.
 */
const BORROWER = `陈${randomName()}`;
const LOAN: LoanCase = {
  productCode: 'PERSONAL_CONSUMER',
  customer: individual(BORROWER, '1990-03-08', '30000.00'),
  amount: '200000.00',
  termMonths: 24,
  repaymentMethod: 'equal_installments',
  ratePercent: '3.6000',
  committee: false,
  assigner: 'gl.sh',
  // 自主支付 into the borrower's own account: its tail is what the disbursement SMS shows.
  payee: { paymentMethod: 'self', counterpartyAccount: BORROWER_ACCOUNT },
};
const BORROWER_MOBILE = (LOAN.customer.individual as Body).mobile as string;

interface Notification {
  id: string;
  seq: number;
  category: string;
  title: string;
  body: string;
  eventType: string;
  subjectKind: string | null;
  subjectId: string | null;
  readAt: string | null;
  mandatory: boolean;
}
interface Delivery {
  id: string;
  ruleId: string;
  eventType: string;
  recipientKind: string;
  recipientId: string;
  channel: string;
  address: string | null;
  templateCode: string;
  status: string;
  providerId: string | null;
  attempts: number;
  nextAttemptAt: string | null;
  sentAt: string | null;
}

const notificationOf = (item: SseItem) =>
  JSON.parse((item as { data: string }).data) as Notification;
/** A live notification about this test's borrower. */
const ours = (item: SseItem) =>
  isEvent('notification')(item) && notificationOf(item).body.includes(BORROWER);

/**
 * The notifications service's clock: real time passing from an instant the test chooses (Asia/
 * Shanghai office hours unless a test moves it), so retries and leases still see time go by.
 */
function testClock(startIso: string) {
  let base = Date.parse(startIso);
  let realStart = Date.now();
  return {
    now: () => new Date(base + (Date.now() - realStart)),
    set(iso: string) {
      base = Date.parse(iso);
      realStart = Date.now();
    },
  };
}

describe('end to end: notifications across every service, through the gateway', () => {
  let system: TestSystem;
  let smtp: TestSmtpServer;
  let sms: FakeAliyunSms;
  const clock = testClock('2026-12-07T10:00:00+08:00');
  const bank = lifecycle(() => system);
  const { call, eventually, ids, ok } = bank;
  const open: SseConnection[] = [];
  /** The provider template code of each SMS template, as the administrators' API lists it. */
  const smsCodes: Record<string, string> = {};

  // The loan the borrower's story is about, filled as the tests go.
  let applicationId = '';
  let customerId = '';
  /** The market routing step as the process definition names it (the tasks' name). */
  let routing = '';

  const stream = async (who: string) => {
    const sse = await connectSse(system.baseUrl, '/api/v1/notifications/stream', {
      token: await system.login(who),
    });
    expect(sse.status).toBe(200);
    open.push(sse);
    return sse;
  };
  const unread = async (who: string) =>
    ok(
      await call<{ unreadCount: number; lastSeq: number }>(
        who,
        'GET',
        '/notifications/unread-count',
      ),
      200,
      'unread count',
    );
  const inbox = async (who: string) =>
    ok(await call<{ items: Notification[] }>(who, 'GET', '/notifications?limit=50'), 200, 'inbox')
      .items;
  const deliveries = async (who: string, query: string) =>
    ok(
      await call<{ items: Delivery[] }>(who, 'GET', `/notification-deliveries?limit=100&${query}`),
      200,
      'delivery log',
    ).items;
  /** The verified SMS requests to `phone` with the template of `code`. */
  const smsTo = (phone: string, code: string) =>
    sms.requests.filter((r) => r.phone === phone && r.templateCode === smsCodes[code]);
  const oneSms = (phone: string, code: string) =>
    eventually(`the ${code} SMS to ${phone}`, async () => {
      const got = smsTo(phone, code);
      return got.length > 0 ? got : undefined;
    });
  const mailTo = (address: string, subject: string) =>
    eventually(`the e-mail "${subject}" to ${address}`, async () =>
      smtp.messages.find((m) => m.envelope.rcptTo.includes(address) && m.subject === subject),
    );

  beforeAll(async () => {
    smtp = await startSmtpServer({ auth: SMTP_AUTH });
    sms = await startFakeAliyunSms(ALIYUN);
    system = await startSystem({
      users: USERS,
      notificationsNow: clock.now,
      notificationsEnv: {
        SMTP_URL: smtp.url,
        SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
        SMTP_FROM: 'LoanFlow 贷款系统 <no-reply@bank.example>',
        SMS_PROVIDER: 'aliyun',
        ALIYUN_SMS_ENDPOINT: sms.url,
        ALIYUN_SMS_ACCESS_KEY_ID: ALIYUN.accessKeyId,
        ALIYUN_SMS_ACCESS_KEY_SECRET: ALIYUN.accessKeySecret,
        DISPATCH_INTERVAL_MS: '200',
      },
    });
    await bank.loadIds(USERS);
    const templates = ok(
      await call<{ items: { code: string; channel: string; providerTemplateCode: string }[] }>(
        'admin.hq',
        'GET',
        '/notification-templates',
      ),
      200,
      'templates',
    ).items;
    for (const t of templates) if (t.channel === 'sms') smsCodes[t.code] = t.providerTemplateCode;
  });

  afterAll(async () => {
    for (const sse of open) sse.close();
    await system?.stop();
    await sms?.stop();
    await smtp?.stop();
  });

  it('a submitted application reaches each candidate’s live stream within 2 s, and nobody else', async () => {
    const candidates = ['mkt.sh', 'mkt2.sh'];
    const everyone = [...candidates, 'mkt.bj'];
    const before = Object.fromEntries(
      await Promise.all(everyone.map(async (who) => [who, await unread(who)] as const)),
    );
    const streams = Object.fromEntries(
      await Promise.all(everyone.map(async (who) => [who, await stream(who)] as const)),
    );
    // Open upstream too, so only the stream's own latency is measured below.
    await eventually('the streams open', async () =>
      system.notifications.openStreams() >= everyone.length ? true : undefined,
    );

    const submitted = await bank.submit(LOAN);
    const answeredAt = Date.now();
    ({ applicationId, customerId } = submitted);
    const arrivals = await Promise.all(
      candidates.map((who) =>
        streams[who]!.next(ours, 2000).then((item) => ({ who, item, at: Date.now() })),
      ),
    );

    for (const { who, item, at } of arrivals) {
      expect(at - answeredAt).toBeLessThan(2000);
      const n = notificationOf(item);
      const task = await bank.taskAt(who, applicationId, 'market_routing');
      routing = (await call<Body>(who, 'GET', `/tasks/${task.id}`)).body.name as string;
      expect((item as { id: string }).id).toBe(String(n.seq));
      expect(n).toMatchObject({
        eventType: 'workflow.task.created',
        category: 'task',
        subjectKind: 'task',
        subjectId: task.id,
        readAt: null,
        mandatory: false,
        title: `新待办：${routing}`,
        body: `您有一笔新的待办：${BORROWER}¥200,000.00的${routing}，请及时处理。`,
      });
      // One unread message more for this task; others' systems may add theirs meanwhile, each
      // counted once too.
      const after = await unread(who);
      const since = (await inbox(who)).filter(
        (m) => m.seq > before[who]!.lastSeq && m.seq <= after.lastSeq,
      );
      expect(since.filter((m) => m.body.includes(BORROWER))).toEqual([
        expect.objectContaining({ id: n.id }),
      ]);
      expect(after.unreadCount).toBe(before[who]!.unreadCount + since.length);
    }
    // Beijing's specialist holds the same role in another branch: nothing, live or stored.
    expect(streams['mkt.bj']!.items.filter(ours)).toEqual([]);
    expect((await inbox('mkt.bj')).filter((m) => m.body.includes(BORROWER))).toEqual([]);
  });

  it('an urge reaches the assignee by e-mail (STARTTLS, AUTH, Chinese subject, both parts), in-app and SMS', async () => {
    const task = await bank.taskAt('mkt.sh', applicationId, 'market_routing');
    ok(await call('mkt.sh', 'POST', `/tasks/${task.id}:claim`, {}), 200, 'claim');
    const assignee = user('mkt.sh');
    const mailsBefore = smtp.messages.length;

    ok(await call('am.sh', 'POST', `/tasks/${task.id}:urge`, { reason: URGE_REASON }), 200, 'urge');

    const mail = await mailTo(assignee.email!, `【催办】${BORROWER}的${routing}`);
    expect(mail.envelope.rcptTo).toEqual([assignee.email]);
    expect(mail.to).toMatchObject({ value: [{ address: assignee.email, name: 'mkt.sh' }] });
    expect(mail.from).toMatchObject({
      value: [{ address: 'no-reply@bank.example', name: 'LoanFlow 贷款系统' }],
    });
    // Delivered over TLS after logging in, as the relay insists.
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe(SMTP_AUTH.user);
    // The Chinese subject travels RFC 2047-encoded, never as raw 8-bit bytes in the header.
    const rawSubject = /^Subject: (.*(?:\r\n[ \t].*)*)/im.exec(mail.raw)![1]!;
    expect(rawSubject).toMatch(/=\?UTF-8\?[BQ]\?/i);
    expect(mail.text).toContain('mkt.sh，您好：');
    expect(mail.text).toContain(`am.sh催办您的待办：${BORROWER}（申请编号`);
    expect(mail.text).toContain(`${applicationId}，金额¥200,000.00）的${routing}`);
    expect(mail.text).toContain(`催办说明：${URGE_REASON}\n\n请尽快登录 LoanFlow 处理。`);
    expect(mail.html).toContain('am.sh催办了您的一笔待办：');
    expect(mail.html).toContain(`<td style="padding:6px 0;font-weight:600">${URGE_REASON}</td>`);
    expect(mail.html).toContain(`<td style="padding:6px 0;font-weight:600">${BORROWER}</td>`);
    expect(mail.html).toContain('¥200,000.00');
    // An optional category: the header that lets the reader switch it off.
    const unfolded = mail.raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(/^List-Unsubscribe: <http[^>]*category=task_urge>\r?$/m);
    // Nobody else was mailed about it.
    expect(
      smtp.messages
        .slice(mailsBefore)
        .filter((m) => m.subject?.includes(BORROWER))
        .map((m) => m.envelope.rcptTo),
    ).toEqual([[assignee.email]]);

    const urgeMessage = await eventually('the urge in mkt.sh’s inbox', async () =>
      (await inbox('mkt.sh')).find(
        (n) => n.eventType === 'workflow.task.urged' && n.subjectId === task.id,
      ),
    );
    expect(urgeMessage).toMatchObject({
      category: 'task_urge',
      subjectKind: 'task',
      subjectId: task.id,
      title: `催办：${routing}`,
      body: `am.sh催办：${BORROWER}¥200,000.00的${routing}，请尽快处理。${URGE_REASON}`,
    });
    // The other specialist is no longer a candidate of a claimed task: not urged.
    expect(
      (await inbox('mkt2.sh')).filter(
        (n) => n.subjectId === task.id && n.eventType === 'workflow.task.urged',
      ),
    ).toEqual([]);

    const [text] = await oneSms(assignee.mobile!, 'task.urged');
    expect(smsTo(assignee.mobile!, 'task.urged')).toHaveLength(1);
    expect(text!.signName).toBe('LoanFlow银行');
    expect(text!.params).toEqual({
      recipientName: 'mkt.sh',
      customerName: BORROWER,
      amount: '¥200,000.00',
      taskName: routing,
    });
    expect(sms.refusals).toEqual([]);
  });

  it('tells the borrower by SMS: approved, contract ready, paid out, due soon, overdue; the post-loan officer too', async () => {
    if (!applicationId) throw new Error('needs the application of the tests before');
    await bank.investigate(LOAN, applicationId);
    await bank.approve(LOAN, applicationId);

    const [decided] = await oneSms(BORROWER_MOBILE, 'application.approved.borrower');
    expect(decided!.signName).toBe('LoanFlow银行');
    expect(decided!.params).toEqual({
      customerName: BORROWER,
      approvedAmount: '¥200,000.00',
      approvedTermMonths: '24',
    });

    const { contract, date } = await bank.contract(LOAN, applicationId, BORROWER);
    const [generated] = await oneSms(BORROWER_MOBILE, 'contract.generated');
    expect(generated!.params).toEqual({
      customerName: BORROWER,
      contractNumber: contract.contractNumber,
    });

    await fileDocuments(system, 'am.sh', applicationId, 'disbursement');
    const loan = await eventually('the loan under the signed contract', async () => {
      const res = await call<Body>('disb.hq', 'POST', '/loans', {
        applicationId,
        payee: LOAN.payee,
      });
      return res.status === 201 ? res.body : undefined;
    });
    expect(loan.customerId).toBe(customerId);
    const [disbursed] = await oneSms(BORROWER_MOBILE, 'loan.disbursed');
    expect(disbursed!.params).toEqual({
      customerName: BORROWER,
      amount: '¥200,000.00',
      valueDate: formatChineseDate(date),
      accountTail: '7321',
      maturityDate: formatChineseDate(contract.terms.maturityDate as string),
    });

    // Days pass until the first installment is three days away, then past due without payment.
    const booked = ok(await call<Body>('disb.hq', 'GET', `/loans/${loan.id}`), 200, 'loan');
    const first = booked.installments[0] as Body;
    const dueDate = first.dueDate as string;
    const noticeDay = addDays(dueDate, -3);
    let day = await bank.openBusinessDate();
    while (day <= noticeDay) {
      ok(await call('admin.hq', 'POST', `/business-days/${day}:close`, {}), 200, `close ${day}`);
      day = await bank.openBusinessDate();
    }
    const [dueSoon] = await oneSms(BORROWER_MOBILE, 'installment.due-soon');
    expect(smsTo(BORROWER_MOBILE, 'installment.due-soon')).toHaveLength(1);
    expect(dueSoon!.params).toEqual({
      customerName: BORROWER,
      installment: '1',
      amountDue: formatYuan(first.total as string),
      dueDate: formatChineseDate(dueDate),
    });

    const officer = user('postloan.sh');
    while (day <= dueDate) {
      ok(await call('admin.hq', 'POST', `/business-days/${day}:close`, {}), 200, `close ${day}`);
      day = await bank.openBusinessDate();
    }
    // Closing the due date with nothing paid makes the loan overdue.
    const [overdue] = await oneSms(BORROWER_MOBILE, 'loan.overdue.borrower');
    const { balances } = ok(await call<Body>('disb.hq', 'GET', `/loans/${loan.id}`), 200, 'loan');
    expect(balances.overduePrincipal).toBe(first.principal);
    const overdueTotal = addYuan(balances.overduePrincipal, balances.overdueInterest);
    expect(overdue!.params).toEqual({
      customerName: BORROWER,
      overdueAmount: formatYuan(overdueTotal),
    });
    const officerMessage = await eventually('the overdue notice in postloan.sh’s inbox', async () =>
      (await inbox('postloan.sh')).find(
        (n) => n.eventType === 'accounting.loan.overdue' && n.subjectId === loan.id,
      ),
    );
    expect(officerMessage).toMatchObject({
      category: 'overdue',
      mandatory: true,
      subjectKind: 'loan',
      subjectId: loan.id,
      title: `贷款逾期：${BORROWER} ${loan.loanNumber}`,
      body: `${BORROWER}的贷款${loan.loanNumber}于${formatChineseDate(dueDate)}逾期：逾期本金${formatYuan(balances.overduePrincipal as string)}，逾期利息${formatYuan(balances.overdueInterest as string)}，最早未还到期日${formatChineseDate(dueDate)}。请及时开展催收。`,
    });
    const mail = await mailTo(
      officer.email!,
      `【贷款逾期】${BORROWER}的贷款${loan.loanNumber}已逾期`,
    );
    expect(mail.envelope.rcptTo).toEqual([officer.email]);
    expect(mail.text).toContain(`合计${formatYuan(overdueTotal)}，最早未还到期日`);
    expect(mail.html).toContain(
      `<td style="padding:6px 0;font-weight:600">${loan.loanNumber}</td>`,
    );
    // Mandatory: no way to switch it off, so no unsubscribe header.
    expect(mail.raw).not.toMatch(/^List-Unsubscribe:/im);
    expect(sms.refusals).toEqual([]);
    loanId = loan.id as string;
  });

  let loanId = '';

  it('holds a borrower SMS produced at 22:00 China time until 08:00, then sends it once', async () => {
    if (!loanId) throw new Error('needs the loan of the test before');
    clock.set('2026-12-08T22:00:00+08:00');
    const receiptsBefore = smsTo(BORROWER_MOBILE, 'repayment.receipt').length;
    const paid = ok(
      await call<Body>('disb.hq', 'POST', `/loans/${loanId}/repayments`, {
        amount: '500.00',
        kind: 'regular',
      }),
      201,
      'repayment',
    );
    const held = await eventually('the receipt held for quiet hours', async () =>
      (
        await deliveries(
          'admin.hq',
          `eventType=accounting.loan.repayment-posted&recipientId=${customerId}`,
        )
      ).find((d) => d.status === 'held'),
    );
    expect(held).toMatchObject({
      channel: 'sms',
      recipientKind: 'borrower',
      address: BORROWER_MOBILE,
      attempts: 0,
      sentAt: null,
      nextAttemptAt: '2026-12-09T00:00:00.000Z',
    });
    // A minute before eight it still waits.
    clock.set('2026-12-09T07:59:00+08:00');
    await system.notifications.dispatchNow();
    expect(smsTo(BORROWER_MOBILE, 'repayment.receipt')).toHaveLength(receiptsBefore);

    clock.set('2026-12-09T08:00:00+08:00');
    await system.notifications.dispatchNow();
    await system.notifications.dispatchNow();
    const receipts = smsTo(BORROWER_MOBILE, 'repayment.receipt').slice(receiptsBefore);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.params).toEqual({
      customerName: BORROWER,
      amount: '¥500.00',
      valueDate: formatChineseDate(paid.repayment.valueDate as string),
    });
    const sent = (
      await deliveries(
        'admin.hq',
        `eventType=accounting.loan.repayment-posted&recipientId=${customerId}`,
      )
    ).find((d) => d.id === held.id)!;
    expect(sent).toMatchObject({ status: 'sent', attempts: 1 });
    expect(Date.parse(sent.sentAt!)).toBeGreaterThanOrEqual(Date.parse('2026-12-09T00:00:00Z'));
  });

  it('keeps a delivery log: phones masked for the auditor, whole for the administrator; message.sent in the outbox', async () => {
    const query = `channel=sms&recipientId=${customerId}`;
    const full = await deliveries('admin.hq', query);
    const audited = await deliveries('audit.hq', query);
    expect(full.map((d) => d.id)).toEqual(audited.map((d) => d.id));
    expect(full.map((d) => d.templateCode).sort()).toEqual(
      [
        'application.approved.borrower',
        'contract.generated',
        'installment.due-soon',
        'loan.disbursed',
        'loan.overdue.borrower',
        'repayment.receipt',
      ].sort(),
    );
    for (const d of full) {
      expect(d).toMatchObject({
        status: 'sent',
        recipientKind: 'borrower',
        address: BORROWER_MOBILE,
      });
      expect(d.providerId).toMatch(/\^0$/);
    }
    // One message per rule, event and recipient: the provider was asked once for each.
    expect(
      sms.requests
        .filter((r) => r.phone === BORROWER_MOBILE)
        .map((r) => r.templateCode)
        .sort(),
    ).toEqual(full.map((d) => smsCodes[d.templateCode]).sort());
    const masked = `${BORROWER_MOBILE.slice(0, 3)}****${BORROWER_MOBILE.slice(-4)}`;
    for (const d of audited) expect(d.address).toBe(masked);
    expect(JSON.stringify(audited)).not.toContain(BORROWER_MOBILE);

    // The assignee's e-mail of the urge: the auditor sees it masked too.
    const mkt = user('mkt.sh');
    const [mail] = await deliveries('audit.hq', `channel=email&recipientId=${ids['mkt.sh']}`);
    expect(mail!.address).not.toBe(mkt.email);
    expect(mail!.address).toContain('*');

    // Every sent delivery is announced for reporting, without the address or the text.
    await system.notifications.flushOutbox();
    const { rows } = await system.db.query<{ payload: { data: Record<string, unknown> } }>(
      `SELECT payload FROM ${system.schemas.notifications}.outbox WHERE event_type = 'notifications.message.sent'`,
    );
    const announced = new Map(
      rows.map((r) => [r.payload.data.deliveryId as string, r.payload.data]),
    );
    for (const d of full)
      expect(announced.get(d.id)).toMatchObject({
        deliveryId: d.id,
        channel: 'sms',
        recipientKind: 'borrower',
        status: 'sent',
        templateCode: d.templateCode,
      });
    expect(JSON.stringify(rows)).not.toContain(BORROWER_MOBILE);
  });
});

/** Two characters of a given name, different in every run (see BORROWER). */
function randomName(): string {
  const chars = '安宁静怡雅欣悦琳婷慧晓雪梅兰芳丽娜娟霞燕';
  return Array.from(randomBytes(2), (b) => chars[b % chars.length]).join('');
}

/** `2025-02-15` → `2025年2月15日`, as the zh-CN templates print dates. */
function formatChineseDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${y}年${m}月${d}日`;
}

/** A decimal string of yuan → `¥1,234.50`, as the zh-CN templates print money. */
function formatYuan(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return `¥${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction.padEnd(2, '0')}`;
}

/** The sum of decimal strings of yuan, in fen: money is never a float. */
function addYuan(...amounts: string[]): string {
  const fen = amounts.reduce((sum, a) => sum + BigInt(a.replace('.', '')), 0n);
  return `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
