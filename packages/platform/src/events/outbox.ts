import { SpanKind } from '@opentelemetry/api';
import { uuidv7 } from '../ids';
import type { Logger } from '../logger';
import {
  assertSchemaName,
  onCommit,
  runCommitHooks,
  serviceOfPool,
  type Pool,
  type Queryable,
} from '../db';
import { watchOutbox, type OutboxBacklog } from '../metrics';
import { extractTraceContext, injectTraceContext, inSpan } from '../telemetry';
import type { EventBus } from './bus';
import { assertEventType, SUBJECT_ID_HEADER, subjectOf, type EventEnvelope } from './envelope';

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

/** Envelopes of events about to be written to the outbox, with the current trace context. */
export function outboxRows<T>(
  source: string,
  events: NewEvent<T>[],
): { envelopes: EventEnvelope<T>[]; json: string } {
  const occurredAt = new Date().toISOString();
  const headers = injectTraceContext();
  const envelopes = events.map((event): EventEnvelope<T> => ({
    id: event.id ?? uuidv7(),
    type: assertEventType(event.type),
    schemaVersion: event.schemaVersion ?? 1,
    source,
    subjectId: event.subjectId,
    occurredAt,
    data: event.data,
  }));
  const rows = envelopes.map((e) => ({
    event_id: e.id,
    subject: subjectOf(e.type),
    event_type: e.type,
    subject_id: e.subjectId,
    payload: e,
    headers,
  }));
  return { envelopes, json: JSON.stringify(rows) };
}

/**
 * `INSERT INTO outbox` of the rows `outboxRows` made, passed as the jsonb parameter `param`
 * (e.g. `$4`), in their order; `from` adds relations to the FROM list (e.g. a guard CTE that
 * yields a row only when the change it belongs to was made), so the events can be one part of
 * a larger statement.
 */
export function outboxInsertSql(param: string, from = ''): string {
  return `INSERT INTO outbox (event_id, subject, event_type, subject_id, payload, headers)
    SELECT r.event_id, r.subject, r.event_type, r.subject_id, r.payload, r.headers
      FROM ${from ? `${from}, ` : ''}ROWS FROM (jsonb_to_recordset(${param}::jsonb)
        AS (event_id uuid, subject text, event_type text, subject_id text, payload jsonb, headers jsonb))
        WITH ORDINALITY AS r(event_id, subject, event_type, subject_id, payload, headers, n)
     ORDER BY r.n`;
}

/** Several events of one transaction in one statement, in order. */
export async function appendManyToOutbox<T>(
  tx: Queryable,
  source: string,
  events: NewEvent<T>[],
): Promise<EventEnvelope<T>[]> {
  if (events.length === 0) return [];
  const { envelopes, json } = outboxRows(source, events);
  // seq follows the rows' order, so the relay publishes them as they were appended.
  await tx.query(outboxInsertSql('$1'), [json]);
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
  subject_id: string;
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
  private pruner: NodeJS.Timeout | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unhook: (() => void) | undefined;
  private retry: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly opts: {
      pollMs?: number;
      batchSize?: number;
      /** How long published rows stay for troubleshooting before they are deleted (7 days). */
      keepPublishedMs?: number;
      /** How often published rows past that age are deleted (hourly). */
      pruneEveryMs?: number;
    } = {},
  ) {
    assertSchemaName(schema);
  }

  /**
   * Woken after each commit of this process that wrote events; polls for the rest (rows of other
   * replicas, or left by a crash).
   */
  async start(): Promise<void> {
    this.unhook = onCommit(this.pool, () => void this.kick());
    this.unwatch = watchOutbox({
      service: serviceOfPool(this.pool),
      schema: this.schema,
      read: () => this.backlog(),
    });
    this.timer = setInterval(() => void this.kick(), this.opts.pollMs ?? 500);
    this.pruner = setInterval(
      () =>
        void this.prune().catch((err: unknown) =>
          this.log.warn({ err }, 'outbox relay: pruning published rows failed, will retry'),
        ),
      this.opts.pruneEveryMs ?? 3_600_000,
    );
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

  /**
   * One batch in two round trips: (BEGIN, the relay lock, the oldest unpublished rows) in one
   * simple query, then (mark published, COMMIT) in another. Only the prefix the bus acknowledged
   * is marked; the rest goes again later (JetStream drops a repeat by its Nats-Msg-Id).
   */
  private async publishBatch(): Promise<number> {
    const client = await this.pool.connect();
    // The schema name is checked ([a-z_][a-z0-9_]*) and the limit is an integer: both may be
    // inlined, which lets the three statements travel as one simple query.
    const limit = Math.max(1, Math.trunc(this.opts.batchSize ?? 100));
    try {
      const [, lock, batch] = (await client.query(
        `BEGIN; SELECT pg_try_advisory_xact_lock(hashtext('outbox:${this.schema}')) AS ok;
         SELECT seq, event_id, subject, event_type, subject_id, payload, headers FROM outbox
          WHERE published_at IS NULL ORDER BY seq LIMIT ${limit}`,
      )) as unknown as [unknown, { rows: { ok: boolean }[] }, { rows: OutboxRow[] }];
      if (!lock.rows[0]!.ok) {
        await client.query('ROLLBACK');
        return LOCKED;
      }
      const rows = batch.rows;
      // One at a time, each after the previous one's acknowledgement: a failure leaves
      // everything behind it unpublished, so consumers see one service's events in seq order.
      let failedAt = -1;
      let failure: unknown;
      for (const [i, row] of rows.entries()) {
        try {
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
            () => {
              const headers = injectTraceContext({
                'loanflow-event-type': row.event_type,
                [SUBJECT_ID_HEADER]: row.subject_id,
              });
              return this.bus.publish(row.subject, Buffer.from(JSON.stringify(row.payload)), {
                msgId: row.event_id,
                headers,
              });
            },
          );
        } catch (err) {
          failedAt = i;
          failure = err;
          break;
        }
      }
      const published = (failedAt < 0 ? rows : rows.slice(0, failedAt)).map((r) => BigInt(r.seq));
      // Integers only: the list can travel inline, together with the COMMIT.
      const mark =
        published.length > 0
          ? `UPDATE outbox SET published_at = now() WHERE seq = ANY('{${published.join(',')}}'::bigint[]); `
          : '';
      if (failedAt >= 0)
        await client.query(
          'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE seq = $1',
          [rows[failedAt]!.seq, String((failure as Error)?.message).slice(0, 500)],
        );
      await client.query(`${mark}COMMIT`);
      if (failedAt >= 0) throw failure;
      return rows.length;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * Rows not yet published and the age of the oldest, read at each metrics scrape: both from the
   * partial index of unpublished rows (the oldest is the lowest seq), so the cost follows the
   * backlog, not the table.
   */
  async backlog(): Promise<OutboxBacklog> {
    const { rows } = await this.pool.query<{ rows: string; age: number | null }>(
      `SELECT count(*) AS rows,
              extract(epoch FROM now() - (SELECT created_at FROM ${this.schema}.outbox
                WHERE published_at IS NULL ORDER BY seq LIMIT 1))::float8 AS age
         FROM ${this.schema}.outbox WHERE published_at IS NULL`,
    );
    return { rows: Number(rows[0]!.rows), oldestAgeSeconds: Math.max(0, rows[0]!.age ?? 0) };
  }

  /**
   * Deletes rows published longer ago than the retention, a bounded number per statement; the
   * events themselves live on in the stream. Unpublished rows are never deleted. Returns how many.
   */
  async prune(): Promise<number> {
    const keepSeconds = (this.opts.keepPublishedMs ?? 7 * 24 * 3_600_000) / 1000;
    let deleted = 0;
    for (;;) {
      const res = await this.pool.query(
        `DELETE FROM outbox WHERE seq IN (
           SELECT seq FROM outbox
            WHERE published_at IS NOT NULL AND published_at < now() - make_interval(secs => $1)
            ORDER BY seq LIMIT 5000)`,
        [keepSeconds],
      );
      deleted += res.rowCount ?? 0;
      if ((res.rowCount ?? 0) < 5000 || this.stopped) return deleted;
    }
  }

  /** Stops polling and finishes the batch in hand. */
  async stop(): Promise<void> {
    this.unwatch?.();
    if (this.timer) clearInterval(this.timer);
    if (this.pruner) clearInterval(this.pruner);
    await this.running;
    this.stopped = true;
    await this.running;
    if (this.retry) clearTimeout(this.retry);
    this.unhook?.();
  }
}
