import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded');
const hostPort = z.string().regex(/^[^:]+:\d+$/, 'must be host:port');
const hour = z.coerce.number().int().min(0).max(23);

export const notificationsEnv = z.object({
  ...commonEnv,
  NOTIFICATIONS_GRPC_HOST: z.string().default('0.0.0.0'),
  NOTIFICATIONS_GRPC_PORT: port(50057),
  NOTIFICATIONS_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/)
    .default('notifications'),
  /** PEM public key of the gateway's token signer (ES256). */
  AUTH_JWT_PUBLIC_KEY: pemKey('public'),
  /** Encrypts the phone numbers and e-mail addresses of the delivery log at rest. */
  PII_ENCRYPTION_KEY: base64Key,
  PII_INDEX_KEY: base64Key,
  /** PEM private key this service signs its service tokens with (borrower contact look-ups). */
  SERVICE_TOKEN_PRIVATE_KEY: pemKey('private'),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(120000).default(5000),
  APPLICATIONS_ADDR: hostPort.describe(
    'The applications service (host:port): the contact of a borrower to send an SMS to. Required.',
  ),

  /** smtp://user:pass@host:port (STARTTLS when offered) or smtps://; empty: e-mails go to the log. */
  SMTP_URL: z.string().default(''),
  SMTP_FROM: z.string().default('LoanFlow 贷款系统 <no-reply@loanflow.local>'),
  /** Whether the SMTP server's certificate must chain to a trusted root (off for test servers). */
  SMTP_TLS_REJECT_UNAUTHORIZED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(5),
  /** Base URL of the unsubscribe page put in List-Unsubscribe of optional categories. */
  NOTIFICATIONS_UNSUBSCRIBE_URL: z
    .string()
    .default('http://127.0.0.1:8080/notification-preferences'),

  /** "log": messages go to the log and the delivery log only; "aliyun": Alibaba Cloud SMS. */
  SMS_PROVIDER: z.enum(['log', 'aliyun']).default('log'),
  /** The bank's SMS signature (签名) registered with the provider. */
  SMS_SIGN_NAME: z.string().min(1).default('LoanFlow银行'),
  ALIYUN_SMS_ENDPOINT: z.string().url().default('https://dysmsapi.aliyuncs.com/'),
  ALIYUN_SMS_ACCESS_KEY_ID: z.string().default(''),
  ALIYUN_SMS_ACCESS_KEY_SECRET: z.string().default(''),
  SMS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(5000),

  /** Borrower SMS are held from this hour to QUIET_HOURS_END (bank time zone), one-time codes excepted. */
  QUIET_HOURS_START: hour.default(21),
  QUIET_HOURS_END: hour.default(8),
  /** At most this many messages per recipient and channel in an hour; more wait for the next. */
  RATE_LIMIT_SMS_PER_HOUR: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_EMAIL_PER_HOUR: z.coerce.number().int().min(1).default(60),
  /** "auto" digest: a user who got this many task e-mails today gets the rest in the digest. */
  DIGEST_THRESHOLD_PER_DAY: z.coerce.number().int().min(1).default(10),
  /** Hour (bank time zone) the daily digest e-mails go out. */
  DIGEST_HOUR: hour.default(18),
  /** Sending attempts before a delivery is dead (retried with exponential backoff and jitter). */
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  DELIVERY_BACKOFF_BASE_MS: z.coerce.number().int().min(10).default(2000),
  DELIVERY_BACKOFF_MAX_MS: z.coerce.number().int().min(100).default(3_600_000),
  /** How often the dispatcher looks for due deliveries when nothing woke it. */
  DISPATCH_INTERVAL_MS: z.coerce.number().int().min(10).max(600000).default(1000),
  DISPATCH_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(8),
  /** Events handled at once by the rules consumer. */
  EVENTS_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
});

export type NotificationsConfig = z.infer<typeof notificationsEnv>;

export const loadNotificationsConfig = (
  env: NodeJS.ProcessEnv = process.env,
): NotificationsConfig => loadConfig('notifications', notificationsEnv, env);
