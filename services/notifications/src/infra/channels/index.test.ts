import { createServer, type AddressInfo } from 'node:net';
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

/** A port nothing listens on (fetch refuses well-known ports like 9 before even connecting). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

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
    const { email } = channelsFromConfig(
      config({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}` }),
      log,
    );
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
        ALIYUN_SMS_ENDPOINT: `http://127.0.0.1:${await closedPort()}/`,
        ALIYUN_SMS_ACCESS_KEY_ID: 'id',
        ALIYUN_SMS_ACCESS_KEY_SECRET: 'secret',
      }),
      log,
    );
    expect(await aliyun.send(sms)).toEqual({
      ok: false,
      permanent: false,
      error: 'SMS provider unreachable: ECONNREFUSED',
    });
  });
});
