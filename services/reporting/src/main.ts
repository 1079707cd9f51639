import { join } from 'node:path';
import {
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  onCommit,
  platformMigrations,
  runService,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import type { ReportingDeps } from './app/deps';
import { loadReportingConfig, type ReportingConfig } from './config';
import { startConsumers } from './infra/event-consumers';
import { reportingService } from './infra/grpc-handlers';
import type { StreamContext } from './streams';
import { sinkFromConfig, startStreamWorkers } from './streams/workers';

export { reportingEnv, loadReportingConfig } from './config';
export type { ReportingConfig } from './config';
// The report streams' workers, for the benchmark and the rebuild command.
export { recordStreams } from './streams';
export { sinkFromConfig, startStreamWorkers, topicSettings } from './streams/workers';

export interface RunningReporting {
  grpcPort: number;
  consumers: string[];
  /** Produces the waiting stream records and runs the due stream jobs now (tests). */
  drainStreams(): Promise<void>;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'reporting', dir: join(__dirname, '..', 'migrations') };

/**
 * 统计报表: read models built from every service's events (never another service's schema), the
 * management reports over them, and the report streams (Kafka, or JSON-lines files without it)
 * the bank's data teams consume.
 */
export async function start(
  config: ReportingConfig,
  opts: { log?: Logger; bus?: EventBus; now?: () => Date } = {},
): Promise<RunningReporting> {
  const log = opts.log ?? createLogger('reporting', config.LOG_LEVEL);
  const schema = config.REPORTING_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'reporting',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);

  const sink = await sinkFromConfig(config, log.child({ component: 'streams' }));
  await sink.ensureTopics();
  const deps: ReportingDeps = { pool, log, config, now: opts.now ?? (() => new Date()), sink };

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'reporting', log));
  const workers = startStreamWorkers(deps, pool);
  // A commit that queued stream records wakes the relay (cheap when idle).
  const offCommit = onCommit(pool, () => workers.kick());

  const streams: StreamContext = { enabled: true, topicPrefix: config.REPORT_TOPIC_PREFIX };
  const consumers = await startConsumers(deps, {
    bus,
    pool,
    log,
    schema,
    startAt: config.EVENTS_START_AT,
    concurrency: config.EVENTS_CONCURRENCY,
    streams,
  });

  const server = new GrpcServer({
    log,
    services: [reportingService(deps, { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(config.REPORTING_GRPC_HOST, config.REPORTING_GRPC_PORT);

  return {
    grpcPort,
    consumers: consumers.map((c) => c.consumer),
    drainStreams: () => workers.drain(),
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      for (const c of consumers) await c.subscription.drain();
      offCommit();
      await workers.stop();
      await sink.close();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('reporting', loadReportingConfig, start);
