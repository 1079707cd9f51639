import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
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
  runService,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { documentsV1 } from '@loanflow/proto';
import { loadWorkflowConfig, type WorkflowConfig } from './config';
import { deployDefinition } from './app/definitions';
import { type WorkflowDeps } from './app/instances';
import { refreshCalendar } from './app/calendar';
import { workflowService } from './infra/grpc-handlers';
import { TimerPoller } from './infra/timer-poller';
import { identityDirectory } from './infra/identity-client';
import { ENDING_EVENTS } from './app/termination';
import {
  onApplicationEnding,
  onApplicationSubmitted,
  onJobCompleted,
} from './infra/event-handlers';
import type { TerminationCause } from './domain/engine';

export { workflowEnv, loadWorkflowConfig } from './config';
/** The pure engine and the BPMN parser, for benchmarks of the engine without the service. */
export { parseDefinition } from './domain/bpmn/parse';
export * as engine from './domain/engine';

export interface RunningWorkflow {
  grpcPort: number;
  consumers: string[];
  /** Fires due timers now (tests). */
  fireDueTimers(): Promise<void>;
  flushOutbox(): Promise<void>;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'workflow', dir: join(__dirname, '..', 'migrations') };
export const DEFAULT_PROCESS_FILE = join(__dirname, '..', 'processes', 'credit-approval.bpmn');

/** Wires config → database → default process → bus → gRPC server; stop() undoes it in reverse. */
export async function start(
  config: WorkflowConfig,
  opts: { log?: Logger; bus?: EventBus; now?: () => Date } = {},
): Promise<RunningWorkflow> {
  const log = opts.log ?? createLogger('workflow', config.LOG_LEVEL);
  const schema = config.WORKFLOW_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'workflow',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  const documents = promiseClient(
    createGrpcClient(documentsV1.DocumentsServiceClient, config.DOCUMENTS_ADDR),
  );
  const directory = identityDirectory(config.IDENTITY_ADDR);
  const deps: WorkflowDeps = {
    pool,
    log,
    directory,
    creditProcess: config.WORKFLOW_CREDIT_PROCESS,
    now: opts.now,
    missingDocuments: async (applicationId, stage, token) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${token}`);
      const checklist = await documents.getChecklist(
        { applicationId, stage },
        { metadata, timeoutMs: 5000 },
      );
      return checklist.missing;
    },
  };

  // The timer poller warns (on its first tick, then daily) if a year due dates reach has none.
  await refreshCalendar(pool);

  // The bank's default chain ships with the service; a changed file deploys as a new version.
  const { definition, created } = await deployDefinition(
    deps,
    'system',
    readFileSync(DEFAULT_PROCESS_FILE, 'utf8'),
  );
  log.info(
    { key: definition.key, version: definition.version, created },
    'default process definition ready',
  );

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'workflow', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();
  const consumer = `${schema}_application_submitted`;
  const submissions = await consumeOnce({
    bus,
    pool,
    log,
    consumer,
    filterSubject: 'loanflow.applications.application.submitted',
    startAt: config.EVENTS_START_AT,
    // Applications are independent: several start at once (one application's events in order).
    concurrency: 4,
    handler: (event, tx) => onApplicationSubmitted(deps, tx, event),
  });
  const jobConsumer = `${schema}_job_completed`;
  const jobResults = await consumeOnce({
    bus,
    pool,
    log,
    consumer: jobConsumer,
    // Workers of any service report finished jobs as `<service>.job.completed`.
    filterSubject: 'loanflow.*.job.completed',
    startAt: config.EVENTS_START_AT,
    handler: (event, tx) => onJobCompleted(deps, tx, event),
  });
  // A withdrawn, declined or expired application ends its process at once.
  const endings = await Promise.all(
    Object.entries(ENDING_EVENTS).map(([cause, subject]) =>
      consumeOnce({
        bus,
        pool,
        log,
        consumer: `${schema}_application_${cause}`,
        filterSubject: subject,
        startAt: config.EVENTS_START_AT,
        concurrency: 4,
        handler: (event, tx) => onApplicationEnding(deps, tx, event, cause as TerminationCause),
      }),
    ),
  );
  const timers = new TimerPoller(deps, log, config.WORKFLOW_TIMER_POLL_MS);
  timers.start();

  const server = new GrpcServer({
    log,
    services: [workflowService(deps, { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(config.WORKFLOW_GRPC_HOST, config.WORKFLOW_GRPC_PORT);

  return {
    grpcPort,
    consumers: [
      consumer,
      jobConsumer,
      ...Object.keys(ENDING_EVENTS).map((c) => `${schema}_application_${c}`),
    ],
    fireDueTimers: () => timers.tick(),
    flushOutbox: () => relay.kick(),
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      await submissions.drain();
      await jobResults.drain();
      for (const ending of endings) await ending.drain();
      await timers.stop();
      await relay.kick();
      await relay.stop();
      documents.close();
      directory.close();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('workflow', loadWorkflowConfig, start);
