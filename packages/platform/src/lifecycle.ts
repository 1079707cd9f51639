import type { Logger } from './logger';

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
