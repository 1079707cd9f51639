import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import {
  aliyunSmsChannel,
  aliyunTimestamp,
  canonicalQuery,
  logSmsChannel,
  percentEncode,
  signV1,
} from './aliyun-sms';

describe('percentEncode (RFC 3986 as the V1 signature wants it)', () => {
  it('leaves only A-Z a-z 0-9 - _ . ~ literal', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
    expect(percentEncode('*')).toBe('%2A');
    expect(percentEncode(' ')).toBe('%20');
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
    expect(percentEncode('/=&+:')).toBe('%2F%3D%26%2B%3A');
    expect(percentEncode('{"customer":"test"}')).toBe('%7B%22customer%22%3A%22test%22%7D');
  });

  it('encodes UTF-8 bytes of Chinese in upper-case hex', () => {
    expect(percentEncode('阿里云')).toBe('%E9%98%BF%E9%87%8C%E4%BA%91');
    expect(percentEncode('👍')).toBe('%F0%9F%91%8D');
  });

  it('decodes back to the input and leaves nothing outside the unreserved set', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        const encoded = percentEncode(s);
        expect(decodeURIComponent(encoded)).toBe(s);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
      }),
    );
  });
});

describe('signV1 against Alibaba Cloud published examples', () => {
  // "HTTP协议及签名" of the SMS service (https://help.aliyun.com/document_detail/56189.html, also
  // reproduced at https://developer.aliyun.com/ask/218522), the SendSms example: AccessKeySecret "testSecret", signed as GET, Signature zJDF+Lrzhj/ThnlvIToysFRq6t4=.
  const sendSmsExample = {
    AccessKeyId: 'testId',
    Action: 'SendSms',
    Format: 'XML',
    OutId: '123',
    PhoneNumbers: '15300000001',
    RegionId: 'cn-hangzhou',
    SignName: '阿里云短信测试专用',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
    SignatureVersion: '1.0',
    TemplateCode: 'SMS_71390007',
    TemplateParam: '{"customer":"test"}',
    Timestamp: '2017-07-12T02:42:19Z',
    Version: '2017-05-25',
  };

  it('reproduces the SendSms example of the SMS documentation', () => {
    expect(canonicalQuery(sendSmsExample)).toBe(
      'AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001' +
        '&RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8' +
        '&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0' +
        '&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D' +
        '&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25',
    );
    expect(signV1('GET', sendSmsExample, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
  });

  // The RPC "签名机制 / Signature mechanism" pages (e.g. https://help.aliyun.com/document_detail/154849.html)
  // sign ECS DescribeRegions with AccessKeyId "testid", AccessKeySecret "testsecret". Older versions
  // (reproduced at https://developer.aliyun.com/ask/210168) spell the parameter TimeStamp and give
  // CT9X0VtwR86fNWSnsc6v8YGOjuE=; current ones spell it Timestamp and give OLeaidS1JvxuMvnyHOwuJ+uX5qY=.
  const describeRegions = {
    AccessKeyId: 'testid',
    Action: 'DescribeRegions',
    Format: 'XML',
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
    SignatureVersion: '1.0',
    Version: '2014-05-26',
  };

  it('reproduces the DescribeRegions example of the signature mechanism page', () => {
    expect(
      signV1('GET', { ...describeRegions, Timestamp: '2016-02-23T12:46:24Z' }, 'testsecret'),
    ).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
    expect(
      signV1('GET', { ...describeRegions, TimeStamp: '2016-02-23T12:46:24Z' }, 'testsecret'),
    ).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('signs the method: POST and GET differ', () => {
    expect(signV1('POST', sendSmsExample, 'testSecret')).not.toBe(
      signV1('GET', sendSmsExample, 'testSecret'),
    );
  });

  it('does not depend on the order the parameters were given in, and ignores a Signature present', () => {
    const reversed = Object.fromEntries(Object.entries(sendSmsExample).reverse());
    expect(signV1('GET', reversed, 'testSecret')).toBe('zJDF+Lrzhj/ThnlvIToysFRq6t4=');
    expect(signV1('GET', { ...sendSmsExample, Signature: 'x' }, 'testSecret')).toBe(
      'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
    );
  });

  it('changes with every parameter value and with the secret', () => {
    const base = signV1('GET', sendSmsExample, 'testSecret');
    for (const name of Object.keys(sendSmsExample) as (keyof typeof sendSmsExample)[])
      expect(
        signV1('GET', { ...sendSmsExample, [name]: `${sendSmsExample[name]}x` }, 'testSecret'),
      ).not.toBe(base);
    expect(signV1('GET', sendSmsExample, 'testSecreT')).not.toBe(base);
  });
});

describe('aliyunSmsChannel: what it refuses before sending', () => {
  it('a template code that is not valid Unicode is a permanent failure, not a rejected promise', async () => {
    const channel = aliyunSmsChannel({
      endpoint: 'http://127.0.0.1:9/',
      accessKeyId: 'id',
      accessKeySecret: 'secret',
      signName: 'LoanFlow银行',
      timeoutMs: 1000,
      log: pino({ level: 'silent' }),
    });
    const result = await channel.send({
      deliveryId: 'd',
      phone: '13812345678',
      templateCode: 'SMS_\ud800',
      params: { name: '\ud800' },
      text: 'x',
    });
    expect(result).toEqual({
      ok: false,
      permanent: true,
      error: 'SMS request is not valid Unicode text',
    });
  });
});

describe('aliyunTimestamp', () => {
  it('is UTC to the second with a Z', () => {
    expect(aliyunTimestamp(new Date('2026-12-07T08:30:05.987+08:00'))).toBe('2026-12-07T00:30:05Z');
  });
});

describe('logSmsChannel', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { lines, log: pino({ level: 'info' }, sink) };
  }

  it('writes one line with the number masked, the text as delivered and its segments', async () => {
    const { lines, log } = capture();
    const sms = logSmsChannel(log, 'LoanFlow银行');
    const result = await sms.send({
      deliveryId: 'd-1',
      phone: '13812345678',
      templateCode: 'SMS_1',
      params: { amount: '¥1,000.00' },
      text: '您的贷款¥1,000.00已放款至尾号6789的账户。',
    });
    expect(result.ok && result.providerId).toMatch(/^log-[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      channel: 'sms',
      deliveryId: 'd-1',
      phone: '138****5678',
      templateCode: 'SMS_1',
      text: '【LoanFlow银行】您的贷款¥1,000.00已放款至尾号6789的账户。',
      characters: 39,
      segments: 1,
      encoding: 'ucs2',
      providerId: result.ok ? result.providerId : '',
    });
    expect(JSON.stringify(lines)).not.toContain('13812345678');
  });

  it('does not put the signature twice when the text already carries it, and gives each SMS its own id', async () => {
    const { lines, log } = capture();
    const sms = logSmsChannel(log, 'LoanFlow银行');
    const text = '【LoanFlow银行】' + '请'.repeat(70);
    const a = await sms.send({
      deliveryId: 'a',
      phone: '13900000000',
      templateCode: 'T',
      params: {},
      text,
    });
    const b = await sms.send({
      deliveryId: 'b',
      phone: '13900000000',
      templateCode: 'T',
      params: {},
      text,
    });
    expect(lines[0]).toMatchObject({ text, characters: 82, segments: 2 });
    expect(a.ok && b.ok && a.providerId !== b.providerId).toBe(true);
  });
});
