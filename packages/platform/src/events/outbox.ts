import { SpanKind } from '@opentelemetry/api';
import { uuidv7 } from '../ids';
import type { Logger } from '../logger';
import { assertSchemaName, onCommit, runCommitHooks, type Pool, type Queryable } from '../db';
import { extractTraceContext, injectTraceContext, inSpan } from '../telemetry';
import type { EventBus } from './bus';
import { assertEventType, subjectOf, type EventEnvelope } from './envelope';

export interface NewEvent<T> {
  /** `<service>.<entity>.<verb>` */
  type: string;
  subjectId: string;
  data: T;
  schemaVersion?: number;
  /** Fixed id for a deterministic event; a fresh UUIDv7 otherwise. */
  id?: string;
}

/**
 * Records an event in the caller's transaction. It is published only if that transaction
 * commits, and the current trace context rides along so consumers continue the same trace.
 */
export async function appendToOutbox<T>(
  tx: Queryable,
  source: string,
  event: NewEvent<T>,
): Promise<EventEnvelope<T>> {
  const [envelope] = await appendManyToOutbox(tx, source, [event]);
  return envelope!;
}

/** Several events of one transaction in one statement, in order. */
export async function appendManyToOutbox<T>(
  tx: Queryable,
  source: string,
  events: NewEvent<T>[],
): Promise<EventEnvelope<T>[]> {
  if (events.length === 0) return [];
  const occurredAt = new Date().toISOString();
  const headers = JSON.stringify(injectTraceContext());
  const envelopes = events.map((event): EventEnvelope<T> => ({
    id: event.id ?? uuidv7(),
    type: assertEventType(event.type),
    schemaVersion: event.schemaVersion ?? 1,
    source,
    subjectId: event.subjectId,
    occurredAt,
    data: event.data,
  }));
  const params: unknown[] = [];
  const rows = envelopes.map((e) => {
    params.push(e.id, subjectOf(e.type), e.type, e.subjectId, JSON.stringify(e), headers);
    const n = params.length;
    return `($${n - 5}, $${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})`;
  });
  // seq follows the VALUES order, so the relay publishes them as they were appended.
  await tx.query(
    `INSERT INTO outbox (event_id, subject, event_type, subject_id, payload, headers) VALUES ${rows.join(', ')}`,
    params,
  );
  // Wakes this process's relay right after the commit. (Not pg_notify: a notifying commit takes
  // a cluster-wide lock through its WAL flush, which halves the transaction rate.)
  runCommitHooks(tx);
  return envelopes;
}

/** publishBatch() when another relay holds the schema's lock. */
const LOCKED = -1;

interface OutboxRow {
  seq: string;
  event_id: string;
  subject: string;
  event_type: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * Publishes committed outbox rows to the bus in order, with Nats-Msg-Id = event id so a row
 * published twice (a crash between publish and mark) is stored once. One relay per schema works
 * at a time (transaction-level advisory lock); other replicas stand by.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unhook: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: { pollMs?: number; batchSize?: number } = {},
  ) {
    assertSchemaName(schema);
  }

  /**
   * Woken after each commit of this process that wrote events; polls for the rest (rows of other
   * replicas, or left by a crash).
   */
  async start(): Promise<void> {
    this.unhook = onCommit(this.pool, () => void this.kick());
    this.timer = setInterval(() => void this.kick(), this.opts.pollMs ?? 500);
    await this.kick();
  }

  /** Publishes what is pending now; resolves when the backlog seen at the call is handled. */
  kick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          const batchSize = this.opts.batchSize ?? 100;
          let published: number;
          do published = await this.publishBatch();
          while (published === batchSize && !this.stopped);
          // Another replica holds the relay: look again shortly in case it began before our commit.
          if (published === LOCKED && !this.stopped && !this.retry) {
            this.retry = setTimeout(() => {
              this.retry = undefined;
              void this.kick();
            }, 50);
          }
        } catch (err) {
          this.log.warn({ err }, 'outbox relay: publish failed, will retry');
        }
      } while (this.again && !this.stopped);
      this.running = null;
    })();
    return this.running;
  }

  private async publishBatch(): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const lock = await client.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
        `outbox:${this.schema}`,
      ]);
      if (!lock.rows[0].ok) {
        await client.query('ROLLBACK');
        return LOCKED;
      }
      const { rows } = await client.query<OutboxRow>(
        `SELECT seq, event_id, subject, event_type, payload, headers FROM outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
        [this.opts.batchSize ?? 100],
      );
      const published: string[] = [];
      try {
        for (const row of rows) {
          await inSpan(
            `publish ${row.subject}`,
            {
              kind: SpanKind.PRODUCER,
              parent: extractTraceContext(row.headers),
              attributes: {
                'messaging.system': 'nats',
                'messaging.destination.name': row.subject,
                'loan.event_id': row.event_id,
              },
            },
            async () => {
              const headers = injectTraceContext({ 'loanflow-event-type': row.event_type });
              await this.bus.publish(row.subject, Buffer.from(JSON.stringify(row.payload)), {
                msgId: row.event_id,
                headers,
              });
            },
          );
          published.push(row.seq);
        }
      } catch (err) {
        const failed = rows[published.length];
        if (failed) {
          await client.query(
            'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1',
            [failed.seq, String((err as Error).message).slice(0, 500)],
          );
        }
        throw err;
      } finally {
        if (published.length > 0) {
          await client.query(
            'UPDATE outbox SET published_at = now() WHERE seq = ANY($1::bigint[])',
            [published],
          );
        }
        await client.query('COMMIT');
      }
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Stops polling and finishes the batch in hand. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
    this.stopped = true;
    await this.running;
    if (this.retry) clearTimeout(this.retry);
    this.unhook?.();
  }
}
