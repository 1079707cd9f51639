// A worker's own connection for end-of-day notifications. It is not taken from the pool: an idle
// worker holds no pool connection (the service's requests keep them all), and a LISTEN must stay
// on one session for as long as the process runs.
import { assertSchemaName, type Logger } from '@loanflow/platform';
import pg from 'pg';
import { anyOpenChunk, endOfDayChannel, listenForChunks } from './end-of-day-repo';

export interface ChunkListener {
  /** Whether a chunk is open now (on the listener's connection; false while it reconnects). */
  anyOpen(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Listens for this book's end-of-day notifications and calls `onSignal` on each one, and also
 * after every (re)connection, since notifications sent while the connection was down are lost.
 * A dropped connection is replaced after a growing delay (1 s, doubling up to 15 s).
 */
export function listenForEndOfDay(opts: {
  connectionString: string;
  schema: string;
  log: Logger;
  onSignal: () => void;
}): ChunkListener {
  const schema = assertSchemaName(opts.schema);
  let client: pg.Client | undefined;
  let closed = false;
  let delayMs = 1000;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({
      connectionString: opts.connectionString,
      options: `-c search_path=${schema},public`,
      application_name: 'accounting-eod-listener',
    });
    const lost = (err?: Error) => {
      if (client !== c) return;
      client = undefined;
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
      if (closed) return;
      opts.log.warn({ err: err?.message }, 'end-of-day listener lost its connection; reconnecting');
      schedule();
    };
    c.on('error', lost);
    c.on('end', () => lost());
    c.on('notification', () => opts.onSignal());
    try {
      await c.connect();
      await listenForChunks(c, await endOfDayChannel(c));
    } catch (err) {
      c.removeAllListeners();
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    client = c;
    delayMs = 1000;
    opts.log.info('listening for end-of-day chunks');
    opts.onSignal();
  };
  const schedule = () => {
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch((err: Error) => {
        if (closed) return;
        opts.log.warn(
          { err: err.message, retryInMs: delayMs },
          'end-of-day listener cannot connect',
        );
        delayMs = Math.min(delayMs * 2, 15_000);
        schedule();
      });
    }, delayMs);
  };
  connect().catch((err: Error) => {
    opts.log.warn({ err: err.message }, 'end-of-day listener cannot connect; retrying');
    schedule();
  });

  return {
    async anyOpen() {
      const c = client;
      if (!c) return false;
      try {
        return await anyOpenChunk(c);
      } catch {
        return false;
      }
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      if (c) {
        c.removeAllListeners('notification');
        await c.end().catch(() => undefined);
      }
    },
  };
}
