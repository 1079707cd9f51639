// Every accounting process (EOD_WORKER=true) lends a hand with the end of day another process
// started: a larger book closes by adding replicas rather than by a longer night.
import type { Logger } from '@loanflow/platform';
import type { Pool } from '../infra/db';
import type { ChunkListener } from '../infra/eod-listener';
import { workOpenChunks, type EndOfDayOptions } from './end-of-day';
import { Wakeup } from './wakeup';

/** How often an idle worker looks for chunks when no notification came (a lost one). */
const WORKER_POLL_MS = 5000;

/**
 * Waits for the coordinator's notification (or the poll), then claims chunks while any is open,
 * `opts.parallelism` at a time. Idle, it holds no pool connection: it waits on the listener's
 * own. stop() finishes the chunk in hand and takes no other.
 */
export class EndOfDayWorker {
  private readonly wake = new Wakeup();
  private stopping = false;
  private loop: Promise<void> | undefined;
  private listener: ChunkListener | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly listen: (onSignal: () => void) => ChunkListener,
    private readonly opts: EndOfDayOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.listener = this.listen(() => this.wake.signal());
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      try {
        if (await this.listener!.anyOpen()) {
          const done = await workOpenChunks(this.pool, this.opts, 'worker', () => this.stopping);
          if (done > 0)
            this.log.info({ chunks: done }, 'end-of-day chunks done for the coordinator');
        }
      } catch (err) {
        // The chunk rolled back and is free again: the coordinator (or another worker) retries
        // it, and a chunk that always fails stops the coordinator with the reason.
        this.log.warn({ err }, 'end-of-day chunk failed; it is left to the others');
        this.wake.clear();
      }
      if (!this.stopping) await this.wake.wait(WORKER_POLL_MS);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.signal();
    await this.loop;
    await this.listener?.close();
  }
}
