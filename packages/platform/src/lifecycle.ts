import { createLogger, type Logger } from './logger';
import { serveMetrics } from './metrics';
import { shutdownTracing } from './telemetry';

export interface Stoppable {
  stop(): Promise<void>;
}

/**
 * Stops the process once on SIGTERM or SIGINT: the component's stop() drains in-flight work;
 * a second signal, or a stop() that hangs past the deadline, exits at once.
 */
export function stopOnSignals(component: Stoppable, log: Logger, deadlineMs: number): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      log.error('shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs + 2000);
    timer.unref();
    component.stop().then(
      () => {
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/**
 * The entry point of a deployed service: config from the environment, its metrics served on
 * METRICS_PORT (when not 0), start, stop once on SIGTERM (then close the metrics endpoint, which
 * answers until the drain is over, and flush telemetry); a failure to start exits 1 with the
 * reason logged.
 */
export function runService<
  C extends {
    LOG_LEVEL: string;
    SHUTDOWN_TIMEOUT_MS: number;
    METRICS_PORT?: number;
    METRICS_HOST?: string;
  },
>(
  name: string,
  loadConfig: () => C,
  start: (config: C, opts: { log: Logger }) => Promise<Stoppable>,
): void {
  const config = loadConfig();
  const log = createLogger(name, config.LOG_LEVEL);
  const run = async () => {
    const served = await serveMetrics(
      { METRICS_PORT: config.METRICS_PORT ?? 0, METRICS_HOST: config.METRICS_HOST ?? '0.0.0.0' },
      { service: name, log },
    );
    const running = await start(config, { log });
    return { running, served };
  };
  run().then(
    ({ running, served }) =>
      stopOnSignals(
        {
          stop: async () => {
            await running.stop();
            await served?.close();
            await shutdownTracing();
          },
        },
        log,
        config.SHUTDOWN_TIMEOUT_MS,
      ),
    (err: unknown) => {
      log.fatal({ err }, `${name} failed to start`);
      process.exit(1);
    },
  );
}
