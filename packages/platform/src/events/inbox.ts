import { SpanKind } from '@opentelemetry/api';
import { withTransaction, type Pool, type PoolClient } from '../db';
import type { Logger } from '../logger';
import { extractTraceContext, inSpan } from '../telemetry';
import type { EventBus, Subscription } from './bus';
import { decodeEnvelope, SUBJECT_ID_HEADER, type EventEnvelope } from './envelope';

export type EventHandler = (event: EventEnvelope, tx: PoolClient) => Promise<void>;

/**
 * Consumes events with exactly-once effect: the inbox row and the handler's writes commit in
 * one transaction, so a redelivered event (lost ack, replica crash) is recognised and skipped.
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
  return opts.bus.consume({
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
        // A poison message would otherwise be redelivered until max_deliver; log and drop it.
        opts.log.error({ err, subject: msg.subject }, 'dropping a message that is not an event');
        return;
      }
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
    },
  });
}
