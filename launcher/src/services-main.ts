import { join, resolve } from 'node:path';
import { DEMO_PASSWORD } from '@loanflow/identity';
import { createLogger, stopOnSignals } from '@loanflow/platform';
import { banner } from './banner';
import { type ComponentName } from './compose';
import { seedDemoBook } from './demo-data';
import { localInfrastructure, REPO_ROOT } from './infra';
import { startProcesses } from './processes';
import { DEPLOYABLES } from './topology';

/**
 * `npm run start:services`: the system as it is deployed, one OS process per service and one for
 * the gateway, each started from its entry point with the variables its pod gets, on the same
 * infrastructure and demo data as `npm start`. Ctrl-C drains the processes in reverse start order,
 * then stops the infrastructure.
 */
async function main(): Promise<void> {
  const log = createLogger('loanflow', process.env.LOG_LEVEL ?? 'info');
  const dataDir = resolve(process.env.LOANFLOW_DATA_DIR ?? join(REPO_ROOT, '.data'));
  let infra: Awaited<ReturnType<typeof localInfrastructure>> | undefined;
  let processes: Awaited<ReturnType<typeof startProcesses>> | undefined;
  // Each process drains within its own SHUTDOWN_TIMEOUT_MS; eight in turn, then the infrastructure.
  stopOnSignals(
    {
      stop: async () => {
        await processes?.stop();
        await infra?.stop();
      },
    },
    log,
    8 * 20000 + 15000,
  );

  try {
    await startAll();
  } catch (err) {
    // Nothing is left running behind a failed start.
    await processes?.stop();
    await infra?.stop();
    throw err;
  }

  async function startAll() {
    infra = await localInfrastructure(dataDir, log, { needsNats: true });
    // The gateway on 8080 and every service on its container port, unless a port variable says else.
    const ports: Partial<Record<ComponentName, number>> = {};
    for (const d of DEPLOYABLES) ports[d.name] = Number(process.env[d.portVariable] ?? d.port);

    const running = await startProcesses({
      env: infra.env,
      serviceEnv: { ...infra.serviceEnv, identity: { IDENTITY_DEMO_SEED: 'true' } },
      ports,
    });
    processes = running;
    await seedDemoBook(running.baseUrl, DEMO_PASSWORD, log);
    console.log(banner(running.baseUrl, running.addresses, infra.describe));
    console.log(
      [
        'Processes (send one SIGTERM to watch it drain; metrics at http://127.0.0.1:<port>/metrics):',
        ...Object.entries(running.pids()).map(
          ([name, pid]) =>
            `  ${name.padEnd(14)} pid ${String(pid).padEnd(8)} metrics port ${running.ports.metrics[name as ComponentName]}`,
        ),
      ].join('\n'),
    );
  }
}

main().catch((err: unknown) => {
  console.error('LoanFlow failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
