import { createHash } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { serviceOfPool, withTransaction, type Pool, type PoolClient } from '../db';
import { isUuid } from '../ids';
import type { Logger } from '../logger';
import { watchConsumerLag, type ConsumerLag } from '../metrics';
import { deadLetteredEvents, extractTraceContext, inSpan } from '../telemetry';
import type { BusMessage, EventBus, Subscription } from './bus';
import { UndecodableEvent } from './decode';
import { decodeEnvelope, SUBJECT_ID_HEADER, type EventEnvelope } from './envelope';

export type EventHandler = (event: EventEnvelope, tx: PoolClient) => Promise<void>;

/**
 * Consumes events with exactly-once effect: the inbox row and the handler's writes commit in
 * one transaction, so a redelivered event (lost ack, replica crash) is recognised and skipped.
 *
 * A message that cannot be understood — not an envelope, or an event whose handler throws
 * UndecodableEvent — is parked in `dead_letters` with the reason (the handler's writes roll
 * back), counted in `loanflow_events_dead_lettered_total` and acknowledged: redelivering it
 * cannot help, and dropping it would lose it without a trace.
 */
export async function consumeOnce(opts: {
  bus: EventBus;
  pool: Pool;
  log: Logger;
  /** Durable consumer name, also the inbox key: `<service>-<purpose>`. */
  consumer: string;
  filterSubject: string;
  handler: EventHandler;
  ackWaitMs?: number;
  startAt?: 'all' | 'new';
  /**
   * Events handled at once (default 1), each in its own transaction; events about the same
   * entity (their subject id) stay in order.
   */
  concurrency?: number;
}): Promise<Subscription> {
  const subscription = await opts.bus.consume({
    durable: opts.consumer,
    filterSubject: opts.filterSubject,
    ackWaitMs: opts.ackWaitMs,
    startAt: opts.startAt,
    concurrency: opts.concurrency,
    orderKey: (msg) => msg.headers[SUBJECT_ID_HEADER] ?? '',
    handler: async (msg) => {
      let event: EventEnvelope;
      try {
        event = decodeEnvelope(msg.data);
      } catch (err) {
        await park(opts, msg, undefined, (err as Error).message);
        return;
      }
      if (!isUuid(event.id)) {
        await park(opts, msg, undefined, `event id ${JSON.stringify(event.id)} is not a UUID`);
        return;
      }
      if (event.type.includes('\u0000')) {
        await park(opts, msg, event.id, 'event type contains a NUL character');
        return;
      }
      try {
        await inSpan(
          `process ${msg.subject}`,
          {
            kind: SpanKind.CONSUMER,
            parent: extractTraceContext(msg.headers),
            attributes: {
              'messaging.system': 'nats',
              'messaging.destination.name': msg.subject,
              'loan.event_id': event.id,
            },
          },
          () =>
            withTransaction(opts.pool, async (tx) => {
              const fresh = await tx.query(
                `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING`,
                [opts.consumer, event.id, event.type],
              );
              if (fresh.rowCount === 0) {
                opts.log.debug(
                  { eventId: event.id, delivery: msg.deliveryCount },
                  'event already handled',
                );
                return;
              }
              await opts.handler(event, tx);
            }),
        );
      } catch (err) {
        if (!(err instanceof UndecodableEvent)) throw err;
        await park(opts, msg, event.id, err.reason);
      }
    },
  });
  // A bus that keeps durable consumers on a server (JetStream) can say how far behind one is;
  // the in-process bus has no such thing, and its consumers show no lag series.
  const lagOf = (opts.bus as Partial<LagReporting>).consumerLag?.bind(opts.bus);
  if (!lagOf) return subscription;
  const unwatch = watchConsumerLag({
    service: serviceOfPool(opts.pool),
    consumer: opts.consumer,
    read: () => lagOf(opts.consumer),
  });
  return {
    drain: async () => {
      unwatch();
      await subscription.drain();
    },
  };
}

interface LagReporting {
  consumerLag(durable: string): Promise<ConsumerLag>;
}

/**
 * Writes a dead letter in its own statement (the handler's transaction has rolled back); a
 * redelivered copy of a parked message finds its key taken and is neither parked nor counted again.
 */
async function park(
  opts: { pool: Pool; log: Logger; consumer: string },
  msg: BusMessage,
  eventId: string | undefined,
  reason: string,
): Promise<void> {
  const letterKey =
    eventId ??
    (msg.headers['Nats-Msg-Id']
      ? `msg:${msg.headers['Nats-Msg-Id']}`
      : `sha256:${createHash('sha256').update(msg.subject).update('\n').update(msg.data).digest('hex')}`);
  const parked = await opts.pool.query(
    `INSERT INTO dead_letters (consumer, letter_key, event_id, subject, reason, payload, headers)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (consumer, letter_key) DO NOTHING`,
    [
      opts.consumer,
      letterKey,
      eventId ?? null,
      msg.subject,
      withoutNul(reason),
      Buffer.from(msg.data),
      JSON.stringify(
        Object.fromEntries(
          Object.entries(msg.headers).map(([k, v]) => [withoutNul(k), withoutNul(v)]),
        ),
      ),
    ],
  );
  if (parked.rowCount === 0) return;
  deadLetteredEvents.inc({ consumer: opts.consumer, subject: msg.subject });
  opts.log.error(
    { consumer: opts.consumer, subject: msg.subject, eventId, reason },
    'parked an event that cannot be decoded as a dead letter',
  );
}

/** PostgreSQL text refuses NUL; a reason quoting the bad bytes shows it as \0. */
const withoutNul = (s: string): string => s.replaceAll('\u0000', '\\0');
