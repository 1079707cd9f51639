import { join, resolve } from 'node:path';
import { DEMO_DIRECTORY, DEMO_PASSWORD } from '@loanflow/identity';
import { createLogger, shutdownTracing, stopOnSignals } from '@loanflow/platform';
import { banner } from './banner';
import { compose, type ComponentName, type ComposedSystem } from './compose';
import { seedDemoBook } from './demo-data';
import { localInfrastructure, REPO_ROOT, type LocalInfrastructure } from './infra';
import { DEPLOYABLES } from './topology';

/**
 * The whole system in one process on its embedded default: every service keeps its own gRPC
 * server and database schema, exactly as when each runs in its own container. What is
 * embedded-only is here (database, event bus, object store, keys, demo data, fixed ports); the
 * wiring of the services is compose()'s, shared with the test harness.
 */
async function main(): Promise<void> {
  const log = createLogger('loanflow', process.env.LOG_LEVEL ?? 'info');
  const dataDir = resolve(process.env.LOANFLOW_DATA_DIR ?? join(REPO_ROOT, '.data'));
  // What has started so far, for a signal that comes in the middle of the start.
  const running: { infra?: LocalInfrastructure; system?: ComposedSystem } = {};
  stopOnSignals(
    {
      stop: async () => {
        await running.system
          ?.stop()
          .catch((err: unknown) => log.error({ err }, 'services: stop failed'));
        await running.infra?.stop();
        await shutdownTracing();
      },
    },
    log,
    15000,
  );

  const infra = (running.infra = await localInfrastructure(dataDir, log, { needsNats: false }));
  // The gateway on 8080; a component's port variable, when set, fixes its port.
  const ports: Partial<Record<ComponentName, number>> = { gateway: 8080 };
  for (const d of DEPLOYABLES)
    if (process.env[d.portVariable]) ports[d.name] = Number(process.env[d.portVariable]);

  const system = (running.system = await compose({
    env: infra.env,
    serviceEnv: infra.serviceEnv,
    ports,
    gatewayHost: process.env.GATEWAY_HTTP_HOST ?? '127.0.0.1',
    bus: infra.bus,
    afterIdentity: async (identity) =>
      log.info(await identity.seed(DEMO_DIRECTORY), 'demo branches and users ready'),
  }));

  const url = `http://127.0.0.1:${system.gateway.httpPort}`;
  await seedDemoBook(url, DEMO_PASSWORD, log);
  console.log(banner(url, system.addresses, infra.describe));
}

main().catch((err: unknown) => {
  console.error('LoanFlow failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
