import { join } from 'node:path';
import {
  createGrpcClient,
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  onCommit,
  OutboxRelay,
  PiiProtector,
  platformMigrations,
  promiseClient,
  runService,
  ServiceTokens,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { applicationsV1 } from '@loanflow/proto';
import type { BorrowerContacts, NotificationsDeps } from './app/deps';
import { Dispatcher } from './app/dispatch';
import { seedDefaults } from './app/seed';
import { loadNotificationsConfig, type NotificationsConfig } from './config';
import { grpcBorrowerContacts } from './infra/borrowers';
import { channelsFromConfig } from './infra/channels';
import type { EmailChannel, SmsChannel } from './infra/channels/channel';
import { startConsumers } from './infra/event-consumers';
import { notificationsService } from './infra/grpc-handlers';
import { InboxHub } from './infra/inbox-hub';

export { notificationsEnv, loadNotificationsConfig } from './config';
export type { NotificationsConfig } from './config';
/** The pooled SMTP channel on its own (the benchmark sends through it without the dispatcher). */
export { smtpEmailChannel, type SmtpEmailOptions } from './infra/channels';

export interface RunningNotifications {
  grpcPort: number;
  consumers: string[];
  /** Runs dispatch passes until nothing is due at the service's clock (tests). */
  dispatchNow(): Promise<void>;
  flushOutbox(): Promise<void>;
  /** Live inbox streams open now. */
  openStreams(): number;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'notifications', dir: join(__dirname, '..', 'migrations') };

/**
 * 通知与消息: in-app messages, e-mail and SMS, sent by rules (versioned data) on the events of
 * every service. It keeps its own copy of the staff directory from identity's events and asks
 * the applications service for a borrower's contact when a rule tells a borrower.
 */
export async function start(
  config: NotificationsConfig,
  opts: {
    log?: Logger;
    bus?: EventBus;
    now?: () => Date;
    random?: () => number;
    /** Channels other than the configured ones (tests). */
    channels?: { email?: EmailChannel; sms?: SmsChannel };
    borrowers?: BorrowerContacts;
    /** How often the live streams look for messages other replicas stored. */
    inboxPollMs?: number;
  } = {},
): Promise<RunningNotifications> {
  const log = opts.log ?? createLogger('notifications', config.LOG_LEVEL);
  const schema = config.NOTIFICATIONS_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'notifications',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  log.info(await seedDefaults(pool), 'default templates and rules in place');

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'notifications', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();

  const configured = channelsFromConfig(config, log);
  const email = opts.channels?.email ?? configured.email;
  const sms = opts.channels?.sms ?? configured.sms;
  const applications = promiseClient(
    createGrpcClient(applicationsV1.ApplicationsServiceClient, config.APPLICATIONS_ADDR),
  );
  const deps: NotificationsDeps = {
    pool,
    log,
    now: opts.now ?? (() => new Date()),
    random: opts.random ?? Math.random,
    pii: new PiiProtector(config.PII_ENCRYPTION_KEY, config.PII_INDEX_KEY),
    borrowers:
      opts.borrowers ??
      grpcBorrowerContacts(
        applications,
        new ServiceTokens('notifications', config.SERVICE_TOKEN_PRIVATE_KEY),
        config.RPC_TIMEOUT_MS,
      ),
    email,
    sms,
    policy: {
      quiet: {
        start: config.QUIET_HOURS_START,
        end: config.QUIET_HOURS_END,
        timeZone: config.BANK_TIME_ZONE,
      },
      timeZone: config.BANK_TIME_ZONE,
      signName: config.SMS_SIGN_NAME,
      digestThreshold: config.DIGEST_THRESHOLD_PER_DAY,
      digestHour: config.DIGEST_HOUR,
      smsPerHour: config.RATE_LIMIT_SMS_PER_HOUR,
      emailPerHour: config.RATE_LIMIT_EMAIL_PER_HOUR,
      maxAttempts: config.DELIVERY_MAX_ATTEMPTS,
      backoffBaseMs: config.DELIVERY_BACKOFF_BASE_MS,
      backoffMaxMs: config.DELIVERY_BACKOFF_MAX_MS,
      unsubscribeUrl: config.NOTIFICATIONS_UNSUBSCRIBE_URL,
    },
  };

  const hub = new InboxHub(pool, log.child({ component: 'inbox' }), opts.inboxPollMs ?? 250);
  const dispatcher = new Dispatcher(deps, {
    intervalMs: config.DISPATCH_INTERVAL_MS,
    limit: 100,
    concurrency: config.DISPATCH_CONCURRENCY,
  });
  // A commit that stored messages or queued deliveries wakes both at once (cheap when idle).
  const offCommit = onCommit(pool, () => {
    hub.kick();
    dispatcher.kick();
  });
  dispatcher.start();

  const consumers = await startConsumers(deps, {
    bus,
    pool,
    log,
    schema,
    startAt: config.EVENTS_START_AT,
    concurrency: config.EVENTS_CONCURRENCY,
  });

  const server = new GrpcServer({
    log,
    services: [notificationsService(deps, hub, { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(
    config.NOTIFICATIONS_GRPC_HOST,
    config.NOTIFICATIONS_GRPC_PORT,
  );

  return {
    grpcPort,
    consumers: consumers.map((c) => c.consumer),
    dispatchNow: () => dispatcher.drain(),
    flushOutbox: () => relay.kick(),
    openStreams: () => hub.size,
    async stop() {
      // Live streams never end on their own: close them first so the server's drain is prompt.
      await hub.stop();
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      for (const c of consumers) await c.subscription.drain();
      offCommit();
      await dispatcher.stop();
      await relay.kick();
      await relay.stop();
      await email.close();
      await sms.close();
      applications.close();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('notifications', loadNotificationsConfig, start);
