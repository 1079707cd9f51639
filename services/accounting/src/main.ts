import { join } from 'node:path';
import {
  consumeOnce,
  createGrpcClient,
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  OutboxRelay,
  platformMigrations,
  promiseClient,
  bankCalendar,
  runService,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { documentsV1 } from '@loanflow/proto';
import { closeBusinessDate, endOfDayOptions } from './app/end-of-day';
import { EndOfDayWorker } from './app/end-of-day-worker';
import { loadAccountingConfig, type AccountingConfig } from './config';
import { parseIsoDate } from './domain/schedule/calendar';
import { ensureBusinessCalendar } from './infra/calendar-repo';
import { onContractSigned } from './infra/contract-events';
import { listenForEndOfDay } from './infra/eod-listener';
import { accountingService } from './infra/grpc-handlers';
import { postLoanService } from './infra/post-loan-handlers';

export * from './domain/schedule';
export { accountingEnv, loadAccountingConfig } from './config';
export { closeBusinessDate } from './app/end-of-day';
export { bankCalendar } from '@loanflow/platform';
export { DEFAULT_CLASSIFICATION_POLICY } from './domain/loan/classification';

export const MIGRATIONS = { name: 'accounting', dir: join(__dirname, '..', 'migrations') };

export interface RunningAccounting {
  grpcPort: number;
  /** Durable JetStream consumers of this deployment (to delete when a test deployment ends). */
  consumers: string[];
  /** Closes the open business date in-process (tests, benchmarks, the launcher's demo clock). */
  endOfDay(isoDate: string): ReturnType<typeof closeBusinessDate>;
  /** Publishes pending outbox rows now (tests). */
  flushOutbox(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The accounting service: schedules, loan accounts, the end-of-day batch, repayments, the ledger
 * and post-loan management, over gRPC; events leave through the outbox.
 */
export async function start(
  config: AccountingConfig,
  opts: {
    log?: Logger;
    bus?: EventBus;
    /** The clock (tests inject one): business dates may not run ahead of its calendar date. */
    now?: () => Date;
  } = {},
): Promise<RunningAccounting> {
  const log = opts.log ?? createLogger('accounting', config.LOG_LEVEL);
  const schema = config.ACCOUNTING_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'accounting',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  await ensureBusinessCalendar(pool, config.ACCOUNTING_FIRST_BUSINESS_DATE);

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'accounting', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();

  const contractsConsumer = `${schema}_contracts_signed`;
  const contracts = await consumeOnce({
    bus,
    pool,
    log,
    consumer: contractsConsumer,
    filterSubject: 'loanflow.documents.contract.signed',
    startAt: config.EVENTS_START_AT,
    handler: onContractSigned,
  });

  const calendar = bankCalendar(config.BANK_TIME_ZONE, opts.now);
  const endOfDay = endOfDayOptions(config, log, calendar);
  // Chunks of an end of day another process (a replica, the CronJob) coordinates.
  const eodWorker = config.EOD_WORKER
    ? new EndOfDayWorker(
        pool,
        (onSignal) =>
          listenForEndOfDay({
            connectionString: config.DATABASE_URL,
            schema,
            log: log.child({ component: 'eod-worker' }),
            onSignal,
          }),
        endOfDay,
        log.child({ component: 'eod-worker' }),
      )
    : undefined;
  const documents = promiseClient(
    createGrpcClient(documentsV1.DocumentsServiceClient, config.DOCUMENTS_ADDR),
  );
  const server = new GrpcServer({
    log,
    services: [
      accountingService(
        {
          pool,
          documents,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          policy: config.CLASSIFICATION_FLOORS,
          endOfDay,
          products: { principalOnlyPrepayments: config.PREPAYMENT_PRINCIPAL_ONLY_PRODUCTS },
          overpaymentTolerance: config.REPAYMENT_OVERPAYMENT_TOLERANCE,
          bank: {
            name: config.BANK_NAME,
            nameZh: config.BANK_NAME_ZH,
            timeZone: config.BANK_TIME_ZONE,
          },
        },
        { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY },
      ),
      postLoanService(
        { pool, calendarToday: calendar.today },
        { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY },
      ),
    ],
  });
  const grpcPort = await server.listen(config.ACCOUNTING_GRPC_HOST, config.ACCOUNTING_GRPC_PORT);
  eodWorker?.start();
  return {
    grpcPort,
    consumers: [contractsConsumer],
    endOfDay: async (isoDate) => {
      return closeBusinessDate(pool, parseIsoDate(isoDate)!, endOfDay);
    },
    flushOutbox: () => relay.kick(),
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      // The chunk in hand commits (its events reach the outbox the relay flushes below).
      await eodWorker?.stop();
      await contracts.drain();
      await relay.kick();
      await relay.stop();
      documents.close();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('accounting', loadAccountingConfig, start);
