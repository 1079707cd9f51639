import { join } from 'node:path';
import {
  bankCalendar,
  createGrpcClient,
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  OutboxRelay,
  platformMigrations,
  promiseClient,
  runService,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { accountingV1, applicationsV1 } from '@loanflow/proto';
import { ensurePki, seedTemplates } from './app/contracts';
import type { DocumentsDeps } from './app/deps';
import { RenditionWorker } from './app/renditions';
import { loadDocumentsConfig, type DocumentsConfig } from './config';
import { startArchiveConsumers } from './infra/event-consumers';
import { documentsService } from './infra/grpc-handlers';
import { grpcPeers } from './infra/peers';
import { ObjectStore } from './infra/storage';

export { documentsEnv, loadDocumentsConfig } from './config';
export { amountInCapitals } from './domain/contracts/numerals';
export { ObjectStore } from './infra/storage';

export const MIGRATIONS = { name: 'documents', dir: join(__dirname, '..', 'migrations') };

export interface RunningDocuments {
  grpcPort: number;
  consumers: string[];
  store: ObjectStore;
  /** Waits until pending thumbnails/previews/page counts are made (tests). */
  renditionsIdle(): Promise<void>;
  flushOutbox(): Promise<void>;
  stop(): Promise<void>;
}

/** The documents service: imaging on S3, checklists, the archive and contracts over gRPC. */
export async function start(
  config: DocumentsConfig,
  opts: { log?: Logger; bus?: EventBus; now?: () => Date } = {},
): Promise<RunningDocuments> {
  const log = opts.log ?? createLogger('documents', config.LOG_LEVEL);
  const schema = config.DOCUMENTS_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'documents',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  const store = new ObjectStore(
    {
      endpoint: config.S3_ENDPOINT,
      accessKey: config.S3_ACCESS_KEY,
      secretKey: config.S3_SECRET_KEY,
      region: config.S3_REGION,
      bucket: config.DOCUMENTS_BUCKET,
      partSizeMb: config.S3_PART_SIZE_MB,
    },
    log.child({ component: 's3' }),
  );
  await store.ensureBucket();
  const now = opts.now ?? (() => new Date());
  const pki = await ensurePki(pool, now());
  await seedTemplates(pool);

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'documents', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();
  const renditions = new RenditionWorker(pool, store, log.child({ component: 'renditions' }));
  renditions.start();

  const applications = promiseClient(
    createGrpcClient(applicationsV1.ApplicationsServiceClient, config.APPLICATIONS_ADDR),
  );
  const accounting = promiseClient(
    createGrpcClient(accountingV1.AccountingServiceClient, config.ACCOUNTING_ADDR),
  );
  const deps: DocumentsDeps = {
    pool,
    store,
    log,
    peers: grpcPeers({ applications, accounting, timeoutMs: config.RPC_TIMEOUT_MS }),
    calendar: bankCalendar(config.BANK_TIME_ZONE, now),
    now,
    presignSeconds: config.PRESIGN_SECONDS,
    pki,
    renditionsPending: () => renditions.kick(),
  };
  const consumers = await startArchiveConsumers(deps, {
    bus,
    pool,
    log,
    schema,
    startAt: config.EVENTS_START_AT,
  });

  const server = new GrpcServer({
    log,
    services: [documentsService(deps, { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(config.DOCUMENTS_GRPC_HOST, config.DOCUMENTS_GRPC_PORT);
  return {
    grpcPort,
    consumers: consumers.map((c) => c.consumer),
    store,
    renditionsIdle: () => renditions.idle(),
    flushOutbox: () => relay.kick(),
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      for (const c of consumers) await c.subscription.drain();
      await renditions.stop();
      await relay.kick();
      await relay.stop();
      applications.close();
      accounting.close();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('documents', loadDocumentsConfig, start);
