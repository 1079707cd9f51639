import { join } from 'node:path';
import {
  consumeOnce,
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  OutboxRelay,
  PiiProtector,
  platformMigrations,
  runService,
  withTransaction,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { todayInChina } from './domain/calendar';
import { DEFAULT_RULESET } from './domain/preassessment';
import { SEED_PRODUCTS } from './domain/products';
import { loadApplicationsConfig, type ApplicationsConfig } from './config';
import { expireStaleApplications } from './app/lifecycle';
import { accountingClient, loansOfCustomer } from './infra/accounting-client';
import { seedCatalogue } from './infra/catalogue-repo';
import { contractSigned, loanDisbursed, processCompleted } from './infra/event-consumers';
import { applicationsService } from './infra/grpc-handlers';

export { applicationsEnv, loadApplicationsConfig } from './config';
export { creditCodeCheckChar, residentIdCheckChar } from './domain/identity';

export interface RunningApplications {
  grpcPort: number;
  /** Durable JetStream consumers of this deployment (to delete when a test deployment ends). */
  consumers: string[];
  /** Publishes pending outbox rows now (tests and benchmarks). */
  flushOutbox(): Promise<void>;
  /** Runs the expiry sweep now, as of `now` (tests); returns the ids expired. */
  expireApplications(now: Date): Promise<string[]>;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'applications', dir: join(__dirname, '..', 'migrations') };

/** Wires config → database → bus → gRPC server; stop() undoes it in reverse order. */
export async function start(
  config: ApplicationsConfig,
  opts: { log?: Logger; bus?: EventBus; now?: () => Date } = {},
): Promise<RunningApplications> {
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? createLogger('applications', config.LOG_LEVEL);
  const schema = config.APPLICATIONS_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'applications',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  await withTransaction(pool, (tx) => seedCatalogue(tx, SEED_PRODUCTS, [DEFAULT_RULESET]));

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'applications', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();

  const decisions = await consumeOnce({
    bus,
    pool,
    log,
    // The durable is per schema, so test deployments sharing a NATS server do not share work.
    consumer: `${schema}_decisions`,
    filterSubject: 'loanflow.workflow.process.completed',
    startAt: config.EVENTS_START_AT,
    handler: processCompleted(log),
  });
  // After approval: the signed contract and the loan paid out under it link to the application.
  const contracts = await consumeOnce({
    bus,
    pool,
    log,
    consumer: `${schema}_contracts_signed`,
    filterSubject: 'loanflow.documents.contract.signed',
    startAt: config.EVENTS_START_AT,
    handler: contractSigned(log),
  });
  const disbursements = await consumeOnce({
    bus,
    pool,
    log,
    consumer: `${schema}_loans_disbursed`,
    filterSubject: 'loanflow.accounting.loan.disbursed',
    startAt: config.EVENTS_START_AT,
    handler: loanDisbursed(log),
  });
  const expire = (at: Date) => expireStaleApplications({ pool, log }, at);
  const sweep = setInterval(() => {
    expire(now()).catch((err: unknown) => log.error({ err }, 'expiry sweep failed'));
  }, config.APPLICATIONS_EXPIRY_SWEEP_MS);
  sweep.unref();

  const pii = new PiiProtector(config.PII_ENCRYPTION_KEY, config.PII_INDEX_KEY);
  const accounting = accountingClient(config.ACCOUNTING_ADDR);
  const server = new GrpcServer({
    log,
    services: [
      applicationsService(
        {
          pool,
          pii,
          today: () => todayInChina(now()),
          loansOf: loansOfCustomer(accounting),
        },
        {
          log,
          jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY,
          serviceTokenPublicKey: config.SERVICE_TOKEN_PUBLIC_KEY,
        },
      ),
    ],
  });
  const grpcPort = await server.listen(
    config.APPLICATIONS_GRPC_HOST,
    config.APPLICATIONS_GRPC_PORT,
  );

  return {
    grpcPort,
    consumers: [`${schema}_decisions`, `${schema}_contracts_signed`, `${schema}_loans_disbursed`],
    flushOutbox: () => relay.kick(),
    expireApplications: expire,
    async stop() {
      clearInterval(sweep);
      // Stop taking calls first, then events; both finish what they hold.
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      await decisions.drain();
      await contracts.drain();
      await disbursements.drain();
      accounting.close();
      // Events committed by the calls just drained still go out before the pool closes.
      await relay.kick();
      await relay.stop();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('applications', loadApplicationsConfig, start);
