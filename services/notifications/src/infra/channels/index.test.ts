import pino from 'pino';
import type { NotificationsConfig } from '../../config';
import { channelsFromConfig } from './index';

const log = pino({ level: 'silent' });
const config = (overrides: Partial<NotificationsConfig>) =>
  ({
    SMTP_URL: '',
    SMTP_FROM: 'LoanFlow <no-reply@loanflow.local>',
    SMTP_TLS_REJECT_UNAUTHORIZED: true,
    SMTP_POOL_SIZE: 5,
    SMS_PROVIDER: 'log',
    SMS_SIGN_NAME: 'LoanFlow银行',
    ALIYUN_SMS_ENDPOINT: 'https://dysmsapi.aliyuncs.com/',
    ALIYUN_SMS_ACCESS_KEY_ID: '',
    ALIYUN_SMS_ACCESS_KEY_SECRET: '',
    SMS_TIMEOUT_MS: 5000,
    ...overrides,
  }) as NotificationsConfig;

const sms = { deliveryId: 'd', phone: '13812345678', templateCode: 'T', params: {}, text: 'x' };
const mail = { deliveryId: 'd', to: 'a@b.cn', toName: 'A', subject: 's', text: 't', html: 'h' };

describe('channelsFromConfig', () => {
  it('writes both to the log when neither SMTP nor a provider is configured (npm start)', async () => {
    const { email, sms: smsChannel } = channelsFromConfig(config({}), log);
    expect(await email.send(mail)).toMatchObject({
      ok: true,
      providerId: expect.stringMatching(/^log-/),
    });
    expect(await smsChannel.send(sms)).toMatchObject({
      ok: true,
      providerId: expect.stringMatching(/^log-/),
    });
  });

  it('uses SMTP when SMTP_URL is set (an unreachable server fails transiently, not via the log)', async () => {
    const { email } = channelsFromConfig(config({ SMTP_URL: 'smtp://127.0.0.1:9' }), log);
    try {
      expect(await email.send(mail)).toMatchObject({ ok: false, permanent: false });
    } finally {
      await email.close();
    }
  });

  it('uses Alibaba Cloud when asked, and refuses to start without its keys, naming them', async () => {
    expect(() => channelsFromConfig(config({ SMS_PROVIDER: 'aliyun' }), log)).toThrow(
      'ALIYUN_SMS_ACCESS_KEY_ID, ALIYUN_SMS_ACCESS_KEY_SECRET: required when SMS_PROVIDER=aliyun',
    );
    const { sms: aliyun } = channelsFromConfig(
      config({
        SMS_PROVIDER: 'aliyun',
        ALIYUN_SMS_ENDPOINT: 'http://127.0.0.1:9/',
        ALIYUN_SMS_ACCESS_KEY_ID: 'id',
        ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
      }),
      log,
    );
    expect(await aliyun.send(sms)).toMatchObject({ ok: false, permanent: false });
  });
});
