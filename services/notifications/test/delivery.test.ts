// E-mail and SMS leave through the dispatcher to real peers: an SMTP server (STARTTLS + AUTH)
// and a stand-in of Alibaba Cloud's SMS API that checks every request's signature.
import { randomUUID } from 'node:crypto';
import { accountingEventsV1, workflowEventsV1 } from '@loanflow/proto';
import { startFakeAliyunSms, type FakeAliyunSms } from '@loanflow/test/support/aliyun-sms';
import { startSmtpServer, type TestSmtpServer } from '@loanflow/test/support/smtp';
import { eventually, staff, startHarness, type Harness, type StaffUser } from './harness';

let h: Harness;
let smtp: TestSmtpServer;
let sms: FakeAliyunSms;
let admin: StaffUser;
let auditor: StaffUser;

const ACCESS_KEY = { accessKeyId: 'LTAI-test-key', accessKeySecret: 'test-secret-值' };

beforeAll(async () => {
  smtp = await startSmtpServer({ auth: { user: 'loanflow', pass: 'mail-pass' }, starttls: true });
  sms = await startFakeAliyunSms(ACCESS_KEY);
  h = await startHarness({
    SMTP_URL: smtp.url,
    SMTP_TLS_REJECT_UNAUTHORIZED: 'false',
    SMS_PROVIDER: 'aliyun',
    ALIYUN_SMS_ENDPOINT: sms.url,
    ALIYUN_SMS_ACCESS_KEY_ID: ACCESS_KEY.accessKeyId,
    ALIYUN_SMS_ACCESS_KEY_SECRET: ACCESS_KEY.accessKeySecret,
    SMS_TIMEOUT_MS: '500',
    RATE_LIMIT_SMS_PER_HOUR: '3',
    // Only the test moves deliveries on (dispatchNow), at its own clock.
    DISPATCH_INTERVAL_MS: '600000',
  });
  await h.addBranch('GZ001', 'HQ');
  admin = staff(h.runId, 'admin', ['admin'], 'HQ');
  auditor = staff(h.runId, 'audit', ['auditor'], 'HQ');
  await h.addUser(admin);
  await h.addUser(auditor);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await smtp?.stop();
  await sms?.stop();
});

/** The mails that reached `address` (the envelope says who got them), once there are `n`. */
const mailsTo = (address: string, n = 1) =>
  eventually(`${n} mail(s) to ${address}`, async () => {
    const got = smtp.messages.filter((m) => m.envelope.rcptTo.includes(address));
    return got.length >= n ? got : undefined;
  });
const smsTo = (phone: string, n = 1) =>
  eventually(`${n} SMS to ${phone}`, async () => {
    const got = sms.requests.filter((r) => r.phone === phone);
    return got.length >= n ? got : undefined;
  });

const urge = async (assignee: StaffUser, customerName = '赵六') => {
  const data = workflowEventsV1.TaskEvent.toJSON(
    workflowEventsV1.TaskEvent.fromPartial({
      task: {
        id: randomUUID(),
        businessKey: randomUUID(),
        step: 'investigation',
        name: '信贷员调查',
        state: 'open',
        assignee: assignee.id,
        candidateGroups: ['credit_officer'],
        branchId: 'GZ001',
        productCode: 'PERSONAL_CONSUMER',
        amount: '1000000.00',
        customerName,
        dueAt: '2026-12-08T10:00:00+08:00',
      },
      actor: 'someone',
      at: h.clock.now().toISOString(),
    }),
  );
  const id = await h.publish('workflow.task.urged', randomUUID(), data);
  await h.handled(id);
  return id;
};

const deliveriesOf = async (eventId: string) =>
  (
    await h.db.query<{
      channel: string;
      status: string;
      attempts: number;
      last_error: string;
      id: string;
    }>(
      'SELECT id, channel, status, attempts, last_error FROM deliveries WHERE event_id = $1 ORDER BY channel',
      [eventId],
    )
  ).rows;

describe('e-mail over SMTP and SMS through the provider', () => {
  it('sends an urged task to the assignee by e-mail and SMS, signed and encoded correctly', async () => {
    const officer = staff(h.runId, 'co.urge', ['credit_officer'], 'GZ001', {
      email: 'wang.fang@bank.example',
      mobile: '13812345678',
    });
    await h.addUser(officer);
    const eventId = await urge(officer);
    await h.service.dispatchNow();

    const [mail] = await mailsTo('wang.fang@bank.example');
    expect(mail!.subject).toMatch(/[\u4e00-\u9fff]/);
    expect(mail!.subject).toContain('赵六');
    expect(mail!.text).toContain('赵六');
    expect(mail!.html).toContain('赵六');
    expect(mail!.secure).toBe(true);
    const unfolded = mail!.raw.replace(/\r?\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(/^List-Unsubscribe: <http[^>]*category=task_urge>\r?$/m);

    const [request] = await smsTo('13812345678');
    expect(request!.templateCode).toMatch(/^SMS_\d+$/);
    expect(request!.signName).toBe(h.config.SMS_SIGN_NAME);
    const statuses = await deliveriesOf(eventId);
    expect(statuses.map((d) => [d.channel, d.status])).toEqual([
      ['email', 'sent'],
      ['in_app', 'sent'],
      ['sms', 'sent'],
    ]);
    const { rows } = await h.db.query(
      `SELECT count(*)::int AS n FROM outbox WHERE event_type = 'notifications.message.sent' AND payload->'data'->>'eventId' = $1`,
      [eventId],
    );
    expect(rows[0].n).toBe(3);
  });

  it('delivers every e-mail exactly once when the SMTP server was down during a burst', async () => {
    const users: StaffUser[] = [];
    for (let i = 0; i < 6; i++) {
      const u = staff(h.runId, `co.burst${i}`, ['credit_officer'], 'GZ001', {
        email: `burst${i}.${h.runId}@bank.example`,
      });
      await h.addUser(u);
      users.push(u);
    }
    await smtp.stop();
    const events = [];
    for (const u of users) events.push(await urge(u));
    await h.service.dispatchNow();
    for (const id of events)
      expect((await deliveriesOf(id)).find((d) => d.channel === 'email')).toMatchObject({
        status: 'pending',
        attempts: 1,
      });

    await smtp.start();
    h.clock.set(new Date(h.clock.now().getTime() + 60_000).toISOString());
    await h.service.dispatchNow();
    for (const u of users) expect(await mailsTo(u.email!)).toHaveLength(1);
    // Once more: nothing is due, nothing is sent twice.
    h.clock.set(new Date(h.clock.now().getTime() + 3_600_000).toISOString());
    await h.service.dispatchNow();
    for (const u of users)
      expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(u.email!))).toHaveLength(1);
  });

  it('retries an SMS the provider failed with 5xx or did not answer, and fails an invalid number at once', async () => {
    const flaky = staff(h.runId, 'co.flaky', ['credit_officer'], 'GZ001', {
      mobile: '13900000001',
    });
    const invalid = staff(h.runId, 'co.invalid', ['credit_officer'], 'GZ001', {
      mobile: '13900000002',
    });
    await h.addUser(flaky);
    await h.addUser(invalid);
    sms.invalidNumbers.add('13900000002');

    sms.mode = 'server-error';
    const flakyEvent = await urge(flaky);
    await h.service.dispatchNow();
    expect((await deliveriesOf(flakyEvent)).find((d) => d.channel === 'sms')).toMatchObject({
      status: 'pending',
      attempts: 1,
    });
    sms.mode = 'no-answer';
    h.clock.set(new Date(h.clock.now().getTime() + 60_000).toISOString());
    await h.service.dispatchNow();
    expect((await deliveriesOf(flakyEvent)).find((d) => d.channel === 'sms')).toMatchObject({
      status: 'pending',
      attempts: 2,
    });
    sms.mode = 'ok';
    h.clock.set(new Date(h.clock.now().getTime() + 60_000).toISOString());
    await h.service.dispatchNow();
    expect((await deliveriesOf(flakyEvent)).find((d) => d.channel === 'sms')).toMatchObject({
      status: 'sent',
      attempts: 3,
    });

    const invalidEvent = await urge(invalid);
    await h.service.dispatchNow();
    const failed = (await deliveriesOf(invalidEvent)).find((d) => d.channel === 'sms')!;
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.last_error).toMatch(/MOBILE_NUMBER_ILLEGAL/);
    h.clock.set(new Date(h.clock.now().getTime() + 3_600_000).toISOString());
    await h.service.dispatchNow();
    expect((await deliveriesOf(invalidEvent)).find((d) => d.channel === 'sms')).toMatchObject({
      status: 'failed',
      attempts: 1,
    });

    // The delivery log: masked for the auditor, in full for administrators; resent by an administrator.
    const forAuditor = await h.client.listDeliveries(
      {
        status: 'failed',
        channel: 'sms',
        recipientId: invalid.id,
        eventType: '',
        createdFrom: '',
        createdTo: '',
        cursor: '',
        limit: 10,
      },
      h.as(auditor),
    );
    expect(forAuditor.deliveries.map((d) => d.address)).toEqual(['139****0002']);
    const forAdmin = await h.client.listDeliveries(
      {
        status: 'failed',
        channel: 'sms',
        recipientId: invalid.id,
        eventType: '',
        createdFrom: '',
        createdTo: '',
        cursor: '',
        limit: 10,
      },
      h.as(admin),
    );
    expect(forAdmin.deliveries.map((d) => d.address)).toEqual(['13900000002']);
    await expect(h.client.resendDelivery({ id: failed.id }, h.as(auditor))).rejects.toMatchObject({
      code: 'permission_denied',
    });
    sms.invalidNumbers.delete('13900000002');
    const resent = await h.client.resendDelivery({ id: failed.id }, h.as(admin));
    expect(resent.delivery).toMatchObject({ status: 'pending', attempts: 0 });
    await h.service.dispatchNow();
    expect((await deliveriesOf(invalidEvent)).find((d) => d.channel === 'sms')).toMatchObject({
      status: 'sent',
      attempts: 1,
    });
  });
});

describe('rate limits', () => {
  it('holds SMS beyond the hourly limit of one recipient until a slot frees, then sends them', async () => {
    const urged = staff(h.runId, 'co.limit', ['credit_officer'], 'GZ001', {
      mobile: '13600000003',
    });
    await h.addUser(urged);
    h.clock.set('2026-12-11T10:00:00+08:00');
    const events: string[] = [];
    for (let i = 0; i < 5; i++) {
      events.push(await urge(urged, `客户${i}`));
      await h.service.dispatchNow();
      h.clock.set(new Date(h.clock.now().getTime() + 60_000).toISOString());
    }
    expect(sms.requests.filter((r) => r.phone === '13600000003')).toHaveLength(3);
    const held = (await Promise.all(events.map(deliveriesOf)))
      .flat()
      .filter((d) => d.channel === 'sms' && d.status === 'held');
    expect(held).toHaveLength(2);
    expect(held.every((d) => d.attempts === 0 && /over 3 per hour/.test(d.last_error))).toBe(true);

    // An hour after the first three, the two held ones go.
    h.clock.set('2026-12-11T11:02:00+08:00');
    await h.service.dispatchNow();
    await smsTo('13600000003', 5);
    expect(sms.requests.filter((r) => r.phone === '13600000003')).toHaveLength(5);
  });
});

describe('the daily digest', () => {
  it('gathers the task e-mails of a user who asked for it into one e-mail at the digest hour', async () => {
    const busy = staff(h.runId, 'co.digest', ['credit_officer'], 'GZ001', {
      email: `digest.${h.runId}@bank.example`,
    });
    await h.addUser(busy);
    await h.client.updatePreferences({ preferences: [], emailDigest: 'always' }, h.as(busy));
    h.clock.set('2026-12-10T10:00:00+08:00');
    const reminders: string[] = [];
    for (const customerName of ['周一', '周二', '周三']) {
      const data = workflowEventsV1.TaskEvent.toJSON(
        workflowEventsV1.TaskEvent.fromPartial({
          task: {
            id: randomUUID(),
            businessKey: randomUUID(),
            step: 'investigation',
            name: '信贷员调查',
            state: 'open',
            assignee: busy.id,
            branchId: 'GZ001',
            amount: '50000.00',
            customerName,
            dueAt: '2026-12-10T17:00:00+08:00',
          },
          at: h.clock.now().toISOString(),
        }),
      );
      const id = await h.publish('workflow.task.reminder', randomUUID(), data);
      await h.handled(id);
      reminders.push(id);
    }
    await h.service.dispatchNow();
    for (const id of reminders)
      expect((await deliveriesOf(id)).find((d) => d.channel === 'email')).toMatchObject({
        status: 'digest',
        attempts: 0,
      });
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(busy.email!))).toEqual([]);

    h.clock.set('2026-12-10T18:00:00+08:00');
    await h.service.dispatchNow();
    await h.service.dispatchNow();
    const [digest, ...more] = await mailsTo(busy.email!);
    expect(more).toEqual([]);
    expect(digest!.subject).toBe('【LoanFlow】您有3条待处理通知');
    for (const name of ['周一', '周二', '周三']) expect(digest!.text).toContain(name);
    const { rows } = await h.db.query<{ status: string; digest_id: string | null }>(
      `SELECT status, digest_id FROM deliveries WHERE event_id = ANY($1::uuid[]) AND channel = 'email'`,
      [reminders],
    );
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent']);
    expect(new Set(rows.map((r) => r.digest_id)).size).toBe(1);
    // The next pass finds nothing more to gather or send.
    await h.service.dispatchNow();
    expect(smtp.messages.filter((m) => m.envelope.rcptTo.includes(busy.email!))).toHaveLength(1);
  });
});

describe('borrower SMS', () => {
  const customerId = randomUUID();
  const loanId = randomUUID();

  beforeAll(async () => {
    h.peer.borrowers.set(customerId, {
      customerId,
      name: '陈静',
      mobile: '13700001111',
      applicationIds: [],
    });
    const disbursed = accountingEventsV1.LoanDisbursed.toJSON({
      loanId,
      loanNumber: 'LN-2026-000123',
      customerId,
      branchId: 'GZ001',
      productCode: 'PERSONAL_CONSUMER',
      tranche: 1,
      amount: '200000.00',
      valueDate: '2026-12-07',
      paymentMethod: 'self',
      annualRatePercent: '4.35',
      maturityDate: '2027-12-07',
      accountTail: '6688',
    });
    await h.handled(await h.publish('accounting.loan.disbursed', loanId, disbursed));
  });

  it('holds an SMS produced at 22:00 China time until 08:00, then sends it', async () => {
    h.clock.set('2026-12-07T22:00:00+08:00');
    const overdue = accountingEventsV1.LoanOverdue.toJSON({
      loanId,
      loanNumber: 'LN-2026-000123',
      branchId: 'GZ001',
      businessDate: '2026-12-07',
      overduePrincipal: '1520.33',
      overdueInterest: '120.10',
      oldestUnpaidDue: '2026-12-06',
    });
    const eventId = await h.publish('accounting.loan.overdue', loanId, overdue);
    await h.handled(eventId);
    await h.service.dispatchNow();
    const held = (await deliveriesOf(eventId)).filter((d) => d.channel === 'sms');
    expect(held).toEqual([expect.objectContaining({ status: 'held' })]);
    const before = sms.requests.filter((r) => r.phone === '13700001111').length;

    h.clock.set('2026-12-08T07:59:00+08:00');
    await h.service.dispatchNow();
    expect(sms.requests.filter((r) => r.phone === '13700001111')).toHaveLength(before);

    h.clock.set('2026-12-08T08:00:00+08:00');
    await h.service.dispatchNow();
    const sent = (await smsTo('13700001111', before + 1)).find((r) => r.outId === held[0]!.id);
    // What is overdue, principal and interest together, as the borrower reads it; their name.
    expect(Object.values(sent!.params)).toEqual(expect.arrayContaining(['¥1,640.43', '陈静']));
    expect(h.peer.disclosures).toContain(`${customerId}/notification`);
  });
});
