import { join } from 'node:path';
import {
  createLogger,
  createPool,
  GrpcServer,
  JetStreamBus,
  migrate,
  OutboxRelay,
  platformMigrations,
  runService,
  type EventBus,
  type Logger,
} from '@loanflow/platform';
import { seedDirectory, type DirectorySeed } from './app/seed';
import { loadIdentityConfig, type IdentityConfig } from './config';
import { identityService } from './infra/grpc-handlers';
import { DEMO_DIRECTORY } from './demo';

export { identityEnv, loadIdentityConfig } from './config';
export { DEMO_DIRECTORY, DEMO_PASSWORD } from './demo';
export { PASSWORD_RULE } from './domain/passwords';
export type { DirectorySeed } from './app/seed';

export interface RunningIdentity {
  grpcPort: number;
  /** Durable JetStream consumers of this deployment (none: the directory consumes no events). */
  consumers: string[];
  /** Adds the branches and users of `seed` that are not there yet (demo and test data). */
  seed(seed: DirectorySeed): Promise<{ branches: number; users: number }>;
  /** Publishes pending outbox rows now (tests). */
  flushOutbox(): Promise<void>;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'identity', dir: join(__dirname, '..', 'migrations') };

/**
 * The staff directory: users, roles and the branch tree. Its own service because every other
 * service reads it (assignees, recipients, data scope) and events about users come from the
 * outbox of their owner; the gateway stays an edge that authenticates through it.
 */
export async function start(
  config: IdentityConfig,
  opts: { log?: Logger; bus?: EventBus } = {},
): Promise<RunningIdentity> {
  const log = opts.log ?? createLogger('identity', config.LOG_LEVEL);
  const schema = config.IDENTITY_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'identity',
    log,
  });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);

  const ownBus = !opts.bus;
  const bus = opts.bus ?? (await JetStreamBus.forService(config, 'identity', log));
  const relay = new OutboxRelay(pool, schema, bus, log.child({ component: 'outbox' }));
  await relay.start();
  if (config.IDENTITY_DEMO_SEED)
    log.info(await seedDirectory(pool, DEMO_DIRECTORY), 'demo branches and users ready');

  const server = new GrpcServer({
    log,
    services: [identityService({ pool }, { log, jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY })],
  });
  const grpcPort = await server.listen(config.IDENTITY_GRPC_HOST, config.IDENTITY_GRPC_PORT);

  return {
    grpcPort,
    consumers: [],
    seed: (seed) => seedDirectory(pool, seed),
    flushOutbox: () => relay.kick(),
    async stop() {
      await server.shutdown(config.SHUTDOWN_TIMEOUT_MS, config.SHUTDOWN_NOT_SERVING_MS);
      // Events committed by the calls just drained still go out before the pool closes.
      await relay.kick();
      await relay.stop();
      if (ownBus) await bus.close();
      await pool.end();
    },
  };
}

if (require.main === module) runService('identity', loadIdentityConfig, start);
