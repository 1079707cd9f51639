import { Writable } from 'node:stream';
import pino from 'pino';
import { failureOf, logEmailChannel, smtpOptionsOf } from './email';

const log = pino({ level: 'silent' });
const base = {
  from: 'LoanFlow <no-reply@loanflow.local>',
  poolSize: 3,
  rejectUnauthorized: true,
  log,
};

describe('smtpOptionsOf', () => {
  it('reads host, port, credentials and the pool size from an smtp:// URL', () => {
    expect(
      smtpOptionsOf({ ...base, url: 'smtp://mailer:p%40ss%3Aw0rd@mail.bank.cn:2525' }),
    ).toMatchObject({
      pool: true,
      maxConnections: 3,
      host: 'mail.bank.cn',
      port: 2525,
      secure: false,
      requireTLS: false,
      auth: { user: 'mailer', pass: 'p@ss:w0rd' },
      tls: { rejectUnauthorized: true },
    });
  });

  it('requires STARTTLS when the URL says so, and smtps:// is TLS from the start', () => {
    expect(smtpOptionsOf({ ...base, url: 'smtp://a:b@h:25?starttls=required' }).requireTLS).toBe(
      true,
    );
    expect(smtpOptionsOf({ ...base, url: 'smtps://a:b@h' })).toMatchObject({
      secure: true,
      port: 465,
    });
    expect(smtpOptionsOf({ ...base, url: 'smtp://h' })).toMatchObject({
      port: 587,
      auth: undefined,
    });
  });

  it('refuses what it cannot honour, naming the setting and not the password', () => {
    expect(() => smtpOptionsOf({ ...base, url: 'http://a:secret@h' })).toThrow(
      /^SMTP_URL: scheme must be smtp: or smtps:/,
    );
    expect(() => smtpOptionsOf({ ...base, url: 'smtp://a:secret@h?starttls=maybe' })).toThrow(
      /SMTP_URL: starttls/,
    );
    expect(() => smtpOptionsOf({ ...base, url: 'not a url secret' })).toThrow(
      /^SMTP_URL: not a URL/,
    );
    try {
      smtpOptionsOf({ ...base, url: 'http://a:secret@h' });
    } catch (err) {
      expect((err as Error).message).not.toContain('secret');
    }
  });
});

describe('failureOf: permanent or transient', () => {
  const address = 'li.ming@bank.cn';
  const smtpError = (fields: Record<string, unknown>) => Object.assign(new Error('failed'), fields);

  it.each([
    [
      '550 to RCPT TO (no such mailbox)',
      { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 },
      true,
    ],
    ['553 to MAIL FROM', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553 }, true],
    ['501 to RCPT TO', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 501 }, true],
    [
      '554 to DATA (message refused)',
      { code: 'EMESSAGE', command: 'DATA', responseCode: 554 },
      true,
    ],
    ['EENVELOPE without a reply (no recipient)', { code: 'EENVELOPE', command: 'API' }, true],
    // nodemailer says EENVELOPE for any refused recipient; greylisting's 450 must still be retried
    [
      '450 to RCPT TO (greylisted)',
      { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 },
      false,
    ],
    ['451 to DATA', { code: 'EMESSAGE', command: 'DATA', responseCode: 451 }, false],
    ['421 at connect', { code: 'EPROTOCOL', command: 'CONN', responseCode: 421 }, false],
    ['connection refused', { code: 'ESOCKET', command: 'CONN' }, false],
    ['timeout', { code: 'ETIMEDOUT', command: 'CONN' }, false],
    [
      '535 to AUTH (our credentials)',
      { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 },
      false,
    ],
  ])('%s', (_what, fields, permanent) => {
    expect(failureOf(smtpError(fields), address).permanent).toBe(permanent);
  });

  it('masks the address when the server repeats it', () => {
    const err = smtpError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 });
    err.message = `Recipient command failed: 550 5.1.1 <${address}>: unknown user`;
    const result = failureOf(err, address);
    expect(result.error).toBe(
      'EENVELOPE RCPT TO Recipient command failed: 550 5.1.1 <l*****g@bank.cn>: unknown user',
    );
  });
});

describe('logEmailChannel', () => {
  it('writes one line without the address in clear and returns a log provider id', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    const channel = logEmailChannel(pino({ level: 'info' }, sink));
    const result = await channel.send({
      deliveryId: 'd-9',
      to: 'li.ming@bank.cn',
      toName: '李明',
      subject: '任务提醒：贷款申请 A-1 待审批',
      text: 't',
      html: '<p>t</p>',
    });
    expect(result.ok && result.providerId).toMatch(/^log-[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      channel: 'email',
      deliveryId: 'd-9',
      to: 'l*****g@bank.cn',
      subject: '任务提醒：贷款申请 A-1 待审批',
      unsubscribe: false,
    });
    expect(JSON.stringify(lines)).not.toContain('li.ming@');
  });
});
