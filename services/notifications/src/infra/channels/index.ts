import type { Logger } from '@loanflow/platform';
import type { NotificationsConfig } from '../../config';
import { aliyunSmsChannel, logSmsChannel } from './aliyun-sms';
import type { EmailChannel, SmsChannel } from './channel';
import { logEmailChannel, smtpEmailChannel } from './email';

export * from './channel';
export * from './email';
export * from './aliyun-sms';

/**
 * The channels the configuration asks for: SMTP when SMTP_URL is set, else the log; Alibaba Cloud
 * SMS when SMS_PROVIDER=aliyun, else the log. Missing keys for aliyun fail here, at boot.
 */
export function channelsFromConfig(
  config: NotificationsConfig,
  log: Logger,
): { email: EmailChannel; sms: SmsChannel } {
  return { sms: smsChannelOf(config, log), email: emailChannelOf(config, log) };
}

function emailChannelOf(config: NotificationsConfig, log: Logger): EmailChannel {
  if (!config.SMTP_URL) return logEmailChannel(log);
  return smtpEmailChannel({
    url: config.SMTP_URL,
    from: config.SMTP_FROM,
    poolSize: config.SMTP_POOL_SIZE,
    rejectUnauthorized: config.SMTP_TLS_REJECT_UNAUTHORIZED,
    log,
  });
}

function smsChannelOf(config: NotificationsConfig, log: Logger): SmsChannel {
  if (config.SMS_PROVIDER === 'log') return logSmsChannel(log, config.SMS_SIGN_NAME);
  const missing = (['ALIYUN_SMS_ACCESS_KEY_ID', 'ALIYUN_SMS_ACCESS_KEY_SECRET'] as const).filter(
    (name) => config[name] === '',
  );
  if (missing.length > 0)
    throw new Error(`${missing.join(', ')}: required when SMS_PROVIDER=aliyun`);
  return aliyunSmsChannel({
    endpoint: config.ALIYUN_SMS_ENDPOINT,
    accessKeyId: config.ALIYUN_SMS_ACCESS_KEY_ID,
    accessKeySecret: config.ALIYUN_SMS_ACCESS_KEY_SECRET,
    signName: config.SMS_SIGN_NAME,
    timeoutMs: config.SMS_TIMEOUT_MS,
    log,
  });
}
