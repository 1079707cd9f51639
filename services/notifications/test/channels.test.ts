// The e-mail and SMS channels against real peers: an SMTP server with STARTTLS and AUTH whose
// messages are parsed as a mail client would, and an HTTP server that checks Alibaba Cloud's
// request signature by its own implementation of the documented algorithm.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { startFakeAliyunSms, type FakeAliyunSms } from '@loanflow/test/support/aliyun-sms';
import { startSmtpServer, type TestSmtpServer } from '@loanflow/test/support/smtp';
import pino from 'pino';
import type { EmailChannel, OutgoingEmail, OutgoingSms, SmsChannel } from '../src/infra/channels';
import { aliyunSmsChannel, smtpEmailChannel } from '../src/infra/channels';

const log = pino({ level: 'silent' });
const FROM = 'LoanFlow 贷款系统 <no-reply@loanflow.local>';

/** A port nothing listens on (fetch refuses well-known ports like 9 before even connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function mail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    deliveryId: randomUUID(),
    to: 'li.ming@bank.cn',
    toName: '李明',
    subject: '【催办】贷款申请 A-2026-0001 的审批任务已超时',
    text: '李明，您好：贷款申请 A-2026-0001（金额 ¥1,000,000.00）的审批任务已超时，请尽快处理。',
    html: '<p>李明，您好：贷款申请 <b>A-2026-0001</b>（金额 ¥1,000,000.00）的审批任务已超时，请尽快处理。</p>',
    ...overrides,
  };
}

describe('smtpEmailChannel against an SMTP server with STARTTLS and AUTH', () => {
  let smtp: TestSmtpServer;
  let channel: EmailChannel;

  beforeAll(async () => {
    smtp = await startSmtpServer({
      auth: { user: 'loanflow', pass: 'pa ss:wörd' },
      starttls: true,
      refuse: ['gone@bank.cn'],
    });
    channel = smtpEmailChannel({
      url: `${smtp.url}?starttls=required`,
      from: FROM,
      poolSize: 5,
      rejectUnauthorized: false,
      log,
    });
  });

  afterAll(async () => {
    await channel.close();
    await smtp.stop();
  });

  beforeEach(() => smtp.messages.splice(0));

  it('delivers over TLS after login, with the Chinese subject and names decoded, both parts and List-Unsubscribe', async () => {
    const sent = mail({
      unsubscribeUrl: 'https://bank.example/notification-preferences?c=task.reminder',
    });
    const result = await channel.send(sent);
    expect(result).toEqual({ ok: true, providerId: `<${sent.deliveryId}@loanflow.local>` });

    const [received] = await smtp.waitFor(1);
    expect(received!.secure).toBe(true);
    expect(received!.user).toBe('loanflow');
    expect(received!.envelope).toEqual({
      mailFrom: 'no-reply@loanflow.local',
      rcptTo: ['li.ming@bank.cn'],
    });
    expect(received!.subject).toBe(sent.subject);
    expect(received!.from?.value).toEqual([
      { name: 'LoanFlow 贷款系统', address: 'no-reply@loanflow.local' },
    ]);
    const to = Array.isArray(received!.to) ? received!.to[0] : received!.to;
    expect(to?.value).toEqual([{ name: '李明', address: 'li.ming@bank.cn' }]);
    expect(received!.text?.trim()).toBe(sent.text);
    expect(received!.html).toContain('<b>A-2026-0001</b>');
    expect(received!.messageId).toBe(`<${sent.deliveryId}@loanflow.local>`);
    // mailparser gathers the List-* headers under "list"
    expect(received!.headers.get('list')).toEqual({
      unsubscribe: { url: 'https://bank.example/notification-preferences?c=task.reminder' },
      'unsubscribe-post': { name: 'List-Unsubscribe=One-Click' },
    });
    // On the wire (long lines folded, RFC 5322 §2.2.3): the exact header values, and the Chinese
    // ones as RFC 2047 encoded words with nothing raw outside ASCII.
    const headerBlock = received!.raw.slice(0, received!.raw.indexOf('\r\n\r\n'));
    expect(headerBlock).not.toMatch(/[^\p{ASCII}]/u);
    const unfolded = headerBlock.replace(/\r\n[ \t]+/g, ' ');
    expect(unfolded).toMatch(
      /^List-Unsubscribe: <https:\/\/bank\.example\/notification-preferences\?c=task\.reminder>\r?$/m,
    );
    expect(unfolded).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(unfolded).toMatch(/^Subject: (=\?UTF-8\?[BQ]\?[^?]*\?= ?)+\r?$/m);
    expect(unfolded).toMatch(
      /^From: (=\?UTF-8\?[BQ]\?[^?]*\?= ?)+ <no-reply@loanflow\.local>\r?$/m,
    );
  });

  it('sends no List-Unsubscribe for a mandatory message', async () => {
    await channel.send(mail());
    const [received] = await smtp.waitFor(1);
    expect(received!.headers.has('list')).toBe(false);
    expect(received!.raw).not.toMatch(/^List-Unsubscribe/m);
  });

  it('reports a recipient the server refuses with 550 as permanent, the address masked', async () => {
    const result = await channel.send(mail({ to: 'gone@bank.cn', toName: '离职员工' }));
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(!result.ok && result.error).toMatch(/550/);
    expect(!result.ok && result.error).not.toContain('gone@bank.cn');
    expect(smtp.refused).toContain('gone@bank.cn');
    // the pooled connection is still good for the next borrower
    expect(await channel.send(mail())).toMatchObject({ ok: true });
  });

  it('sends 50 mails at once through the pool, each exactly once', async () => {
    const mails = Array.from({ length: 50 }, (_, i) =>
      mail({ to: `officer${i}@bank.cn`, toName: `信贷员${i}` }),
    );
    const results = await Promise.all(mails.map((m) => channel.send(m)));
    expect(results.every((r) => r.ok)).toBe(true);
    const received = await smtp.waitFor(50);
    expect(received).toHaveLength(50);
    expect(new Set(received.map((m) => m.messageId))).toEqual(
      new Set(mails.map((m) => `<${m.deliveryId}@loanflow.local>`)),
    );
    expect(received.map((m) => m.envelope.rcptTo[0]).sort()).toEqual(mails.map((m) => m.to).sort());
  });

  it('a stopped server is a transient failure; once it is back the same mail goes through', async () => {
    await smtp.stop();
    const sent = mail();
    const down = await channel.send(sent);
    expect(down).toMatchObject({ ok: false, permanent: false });

    await smtp.start();
    expect(await channel.send(sent)).toEqual({
      ok: true,
      providerId: `<${sent.deliveryId}@loanflow.local>`,
    });
    const received = await smtp.waitFor(1);
    expect(received.map((m) => m.messageId)).toEqual([`<${sent.deliveryId}@loanflow.local>`]);
  });
});

describe('smtpEmailChannel: a wrong password', () => {
  it('is refused by the server and reported as transient (the bank fixes its configuration)', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'loanflow', pass: 'right' } });
    const url = smtp.url.replace(':right@', ':wrong@');
    const channel = smtpEmailChannel({
      url,
      from: FROM,
      poolSize: 1,
      rejectUnauthorized: false,
      log,
    });
    try {
      const result = await channel.send(mail());
      expect(result).toMatchObject({ ok: false, permanent: false });
      expect(!result.ok && result.error).toMatch(/EAUTH/);
      expect(smtp.messages).toHaveLength(0);
    } finally {
      await channel.close();
      await smtp.stop();
    }
  });
});

describe('aliyunSmsChannel against a provider that checks the signature', () => {
  const keys = { accessKeyId: 'LTAI5tLoanFlowTest', accessKeySecret: 'k3y/with+odd=chars*~' };
  let provider: FakeAliyunSms;
  let channel: SmsChannel;

  const sms = (overrides: Partial<OutgoingSms> = {}): OutgoingSms => ({
    deliveryId: randomUUID(),
    phone: '13812345678',
    templateCode: 'SMS_154950909',
    params: { name: '李明', amount: '¥1,234.56', date: '2026年12月10日' },
    text: '【LoanFlow银行】尊敬的李明，您的贷款本期应还¥1,234.56，将于2026年12月10日到期。',
    ...overrides,
  });

  const channelWith = (timeoutMs: number, secret = keys.accessKeySecret) =>
    aliyunSmsChannel({
      endpoint: provider.url,
      accessKeyId: keys.accessKeyId,
      accessKeySecret: secret,
      signName: 'LoanFlow银行',
      timeoutMs,
      log,
    });

  beforeAll(async () => {
    provider = await startFakeAliyunSms({ ...keys, invalidNumbers: ['13900000000'] });
    channel = channelWith(5000);
  });
  afterAll(async () => {
    await channel.close();
    await provider.stop();
  });
  beforeEach(() => {
    provider.mode = 'ok';
    provider.requests.splice(0);
    provider.refusals.splice(0);
  });

  it('is accepted with a valid signature; the BizId is the provider id', async () => {
    const sent = sms();
    const result = await channel.send(sent);
    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.providerId).toMatch(/^\d+\^0$/);
    expect(provider.refusals).toEqual([]);
    expect(provider.requests).toEqual([
      expect.objectContaining({
        phone: '13812345678',
        templateCode: 'SMS_154950909',
        params: { name: '李明', amount: '¥1,234.56', date: '2026年12月10日' },
        signName: 'LoanFlow银行',
        outId: sent.deliveryId,
      }),
    ]);
  });

  it('uses a fresh nonce for every request (the provider refuses a nonce seen before)', async () => {
    const results = await Promise.all([
      channel.send(sms()),
      channel.send(sms()),
      channel.send(sms()),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect(new Set(provider.requests.map((r) => r.nonce)).size).toBe(3);
  });

  it('is refused with SignatureDoesNotMatch when signed with another secret', async () => {
    const wrong = channelWith(5000, 'not-the-secret');
    const result = await wrong.send(sms());
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toMatch(/^SignatureDoesNotMatch/);
    expect(provider.refusals).toEqual(['SignatureDoesNotMatch']);
    expect(provider.requests).toEqual([]);
  });

  it('throttled (isv.BUSINESS_LIMIT_CONTROL) is transient', async () => {
    provider.mode = 'throttled';
    const result = await channel.send(sms());
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toMatch(/^isv\.BUSINESS_LIMIT_CONTROL/);
  });

  it('an invalid number (isv.MOBILE_NUMBER_ILLEGAL) is permanent, and the number is not in the error', async () => {
    const result = await channel.send(sms({ phone: '13900000000' }));
    expect(result).toMatchObject({ ok: false, permanent: true });
    expect(!result.ok && result.error).toMatch(/^isv\.MOBILE_NUMBER_ILLEGAL/);
    expect(!result.ok && result.error).not.toContain('13900000000');
  });

  it('HTTP 500 is transient', async () => {
    provider.mode = 'server-error';
    const result = await channel.send(sms());
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(!result.ok && result.error).toMatch(/HTTP 500/);
  });

  it('no answer is transient, given up after the configured timeout', async () => {
    provider.mode = 'no-answer';
    const impatient = channelWith(300);
    const started = performance.now();
    const result = await impatient.send(sms());
    const waited = performance.now() - started;
    expect(result).toEqual({
      ok: false,
      permanent: false,
      error: 'SMS provider did not answer within 300 ms',
    });
    expect(provider.requests).toHaveLength(1); // it did reach the provider
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(5000);
  });

  it('an unreachable endpoint is transient', async () => {
    const nowhere = aliyunSmsChannel({
      endpoint: `http://127.0.0.1:${await closedPort()}/`,
      ...keys,
      signName: 'LoanFlow银行',
      timeoutMs: 2000,
      log,
    });
    expect(await nowhere.send(sms())).toEqual({
      ok: false,
      permanent: false,
      error: 'SMS provider unreachable: ECONNREFUSED',
    });
  });
});

describe('the fake provider itself', () => {
  // The SendSms request of "HTTP协议及签名" (https://help.aliyun.com/document_detail/56189.html),
  // byte for byte: the fake's own verifier must accept its signature and refuse it once altered.
  const documented =
    '?Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D&AccessKeyId=testId&Action=SendSms&Format=XML' +
    '&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou' +
    '&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8' +
    '&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0' +
    '&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D' +
    '&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25';

  it("accepts the documentation's signed example and refuses it with one parameter changed", async () => {
    const provider = await startFakeAliyunSms({
      accessKeyId: 'testId',
      accessKeySecret: 'testSecret',
    });
    try {
      const good = await fetch(provider.url + documented);
      // past the signature, the fake stops at Format=XML (it answers JSON only)
      expect(await good.json()).toMatchObject({ Code: 'InvalidParameter' });
      const altered = await fetch(provider.url + documented.replace('OutId=123', 'OutId=124'));
      expect(altered.status).toBe(400);
      expect(await altered.json()).toMatchObject({ Code: 'SignatureDoesNotMatch' });
      expect(provider.refusals).toEqual(['InvalidParameter', 'SignatureDoesNotMatch']);
    } finally {
      await provider.stop();
    }
  });
});
