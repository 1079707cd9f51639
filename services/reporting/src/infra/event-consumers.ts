// The read models are built from every service's events, one durable consumer per source service,
// each event applied once (the inbox) together with the report stream records it means (the
// stream outbox), in the transaction of its batch. Types no report needs are acknowledged and ignored.
import {
  type EventBus,
  type EventEnvelope,
  type Logger,
  type Pool,
  type PoolClient,
  type Subscription,
} from '@loanflow/platform';
import type { ReportingDeps } from '../app/deps';
import { StreamRecords, type StreamContext } from '../streams';
import { PROJECTIONS, project } from './projections';
import { consumeInBatches } from './projections/batched-consumer';

/** The services whose events are read, each by its own durable consumer `<schema>_<source>`. */
export const SOURCES = [
  'identity',
  'applications',
  'workflow',
  'documents',
  'accounting',
  'notifications',
] as const;

/**
 * `read_model_state.last_event_at` is one row every consumer would write: written at most once a
 * second per consumer so that it does not serialise the consumers' transactions.
 */
const LAST_EVENT_EVERY_MS = 1000;

function lastEventMarker(): (tx: PoolClient, event: EventEnvelope) => Promise<void> {
  let writtenAt = 0;
  return async (tx, event) => {
    const now = Date.now();
    if (now - writtenAt < LAST_EVENT_EVERY_MS) return;
    writtenAt = now;
    await tx.query(
      `UPDATE read_model_state SET last_event_at = GREATEST(last_event_at, $1::timestamptz)`,
      [event.occurredAt || new Date(now).toISOString()],
    );
  };
}

export async function startConsumers(
  _deps: ReportingDeps,
  opts: {
    bus: EventBus;
    pool: Pool;
    log: Logger;
    /** The durables are `<consumerPrefix>_<source>` (a rebuild names its own). */
    schema: string;
    startAt: 'all' | 'new';
    concurrency: number;
    streams: StreamContext;
  },
): Promise<{ consumer: string; subscription: Subscription }[]> {
  const out: { consumer: string; subscription: Subscription }[] = [];
  try {
    for (const source of SOURCES) {
      const consumer = `${opts.schema}_${source}`;
      const markLastEvent = lastEventMarker();
      // Each event applied once, many to a transaction (see consumeInBatches): one commit per
      // event would bound ingestion by the disk's fsync rate.
      const subscription = await consumeInBatches({
        bus: opts.bus,
        pool: opts.pool,
        log: opts.log,
        consumer,
        filterSubject: `loanflow.${source}.>`,
        startAt: opts.startAt,
        // The stream records of a whole batch are queued together, and the shared
        // last_event_at row written last, so that its lock is held only while committing.
        transaction: () => {
          const records = new StreamRecords(opts.streams);
          let last: EventEnvelope | undefined;
          return {
            handler: async (event, tx) => {
              if (!(await project(PROJECTIONS, event, tx))) return;
              records.note(event);
              last = event;
            },
            beforeCommit: async (tx) => {
              await records.write(tx);
              if (last) await markLastEvent(tx, last);
            },
          };
        },
      });
      out.push({ consumer, subscription });
    }
  } catch (err) {
    for (const c of out) await c.subscription.drain();
    throw err;
  }
  return out;
}
