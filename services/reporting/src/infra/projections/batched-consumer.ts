// Events applied in batches: one transaction (and one commit, one fsync) for up to BATCH_MAX
// events, instead of one per event as the platform's consumeOnce does. The effect is the same:
// each event's inbox row commits with its writes, so a redelivered event is skipped; an event that
// cannot be understood is parked as a dead letter with its reason. Events of one subject are never
// in the same batch (the bus hands the next one over only when the previous one is acknowledged),
// so they stay in order. When a batch fails, its events are applied one by one, each in its own
// transaction: the bad one is parked (or retried by the bus), the others apply.
import { createHash } from 'node:crypto';
import {
  deadLetteredEvents,
  decodeEnvelope,
  extractTraceContext,
  inSpan,
  isUuid,
  SUBJECT_ID_HEADER,
  UndecodableEvent,
  withTransaction,
  type BusMessage,
  type EventBus,
  type EventEnvelope,
  type EventHandler,
  type Logger,
  type Pool,
  type PoolClient,
  type Subscription,
} from '@loanflow/platform';

/** OpenTelemetry's SpanKind.CONSUMER (the API package is the platform's dependency, not ours). */
const CONSUMER_SPAN = 3 as NonNullable<Parameters<typeof inSpan>[1]['kind']>;

/** Events per transaction at most. */
export const BATCH_MAX = 128;
/**
 * Messages in hand: two batches' worth, because the events queued behind their subject's previous
 * one (the bus hands them over only once it committed) cannot join the batch in flight; with one
 * batch's worth, batches of the benchmark's mix averaged 40 events, with two 66. (Two batches in
 * flight at once, on two connections, were slower: they queue on the same pre-aggregate rows.)
 */
const IN_HAND = 2 * BATCH_MAX;
/** Deadlocks between batches of different consumers are retried this many times in one piece. */
const BATCH_RETRIES = 3;

interface Waiting {
  msg: BusMessage;
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface BatchOptions {
  bus: EventBus;
  pool: Pool;
  log: Logger;
  consumer: string;
  filterSubject: string;
  startAt: 'all' | 'new';
  /**
   * Applies one event in the transaction; `beforeCommit` then runs once per transaction, after
   * every event of it (for the work that is cheaper per batch than per event).
   */
  transaction: () => {
    handler: EventHandler;
    beforeCommit: (tx: PoolClient) => Promise<void>;
  };
  /** Messages in hand at once (default IN_HAND). */
  inHand?: number;
}

export async function consumeInBatches(opts: BatchOptions): Promise<Subscription> {
  const waiting: Waiting[] = [];
  let running: Promise<void> | undefined;
  const schedule = () => {
    running ??= (async () => {
      // One turn of the event loop lets the messages already received join the batch.
      await new Promise((r) => setImmediate(r));
      while (waiting.length > 0) await applyBatch(opts, waiting.splice(0, BATCH_MAX));
    })().finally(() => {
      running = undefined;
    });
  };
  return opts.bus.consume({
    durable: opts.consumer,
    filterSubject: opts.filterSubject,
    startAt: opts.startAt,
    concurrency: opts.inHand ?? IN_HAND,
    orderKey: (msg) => msg.headers[SUBJECT_ID_HEADER] ?? '',
    handler: (msg) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ msg, resolve, reject });
        schedule();
      }),
  });
}

const isRetryable = (err: unknown): boolean =>
  ['40P01', '40001'].includes((err as { code?: string }).code ?? '');

async function applyBatch(opts: BatchOptions, batch: Waiting[]): Promise<void> {
  const events: EventEnvelope[] = [];
  for (const w of batch) {
    try {
      const event = decodeEnvelope(w.msg.data);
      if (!isUuid(event.id) || event.type.includes('\u0000')) throw new Error('not applicable');
      events.push(event);
    } catch {
      events.length = 0;
      break;
    }
  }
  if (events.length === batch.length) {
    // Applied in the order of the application (or entity) they lock, so that two consumers'
    // batches take their row locks in the same order; one subject's events are never together.
    const order = events
      .map((_, i) => i)
      .sort((a, b) => compare(lockKey(events[a]!), lockKey(events[b]!)));
    for (let attempt = 1; ; attempt++) {
      try {
        await withTransaction(opts.pool, async (tx) => {
          const scope = opts.transaction();
          const fresh = await tx.query<{ event_id: string }>(
            `INSERT INTO inbox (consumer, event_id, event_type)
             SELECT $1, id, type FROM unnest($2::uuid[], $3::text[]) AS e(id, type)
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [opts.consumer, events.map((e) => e.id), events.map((e) => e.type)],
          );
          const apply = new Set(fresh.rows.map((r) => r.event_id));
          for (const i of order) {
            const event = events[i]!;
            if (!apply.delete(event.id)) continue;
            await traced(batch[i]!.msg, event, () => scope.handler(event, tx));
          }
          await scope.beforeCommit(tx);
        });
        for (const w of batch) w.resolve();
        return;
      } catch (err) {
        if (isRetryable(err) && attempt < BATCH_RETRIES) continue;
        if (!(err instanceof UndecodableEvent) && !isRetryable(err))
          opts.log.warn(
            { err, consumer: opts.consumer },
            'a batch failed; applying its events one by one',
          );
        break;
      }
    }
  }
  // One by one, as consumeOnce would: park what cannot be understood, let the bus retry the rest.
  for (const w of batch) {
    try {
      await applyOne(opts, w.msg);
      w.resolve();
    } catch (err) {
      w.reject(err);
    }
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The application an event locks first (most do), else its subject. */
function lockKey(event: EventEnvelope): string {
  const data = (event.data ?? {}) as {
    applicationId?: unknown;
    businessKey?: unknown;
    task?: { businessKey?: unknown };
  };
  const key = data.applicationId ?? data.task?.businessKey ?? data.businessKey;
  return typeof key === 'string' && key ? key : event.subjectId;
}

function traced(msg: BusMessage, event: EventEnvelope, fn: () => Promise<void>): Promise<void> {
  return inSpan(
    `process ${msg.subject}`,
    {
      kind: CONSUMER_SPAN,
      parent: extractTraceContext(msg.headers),
      attributes: {
        'messaging.system': 'nats',
        'messaging.destination.name': msg.subject,
        'loan.event_id': event.id,
      },
    },
    fn,
  );
}

async function applyOne(opts: BatchOptions, msg: BusMessage): Promise<void> {
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
    await traced(msg, event, () =>
      withTransaction(opts.pool, async (tx: PoolClient) => {
        const fresh = await tx.query(
          `INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING`,
          [opts.consumer, event.id, event.type],
        );
        if (fresh.rowCount === 0) return;
        const scope = opts.transaction();
        await scope.handler(event, tx);
        await scope.beforeCommit(tx);
      }),
    );
  } catch (err) {
    if (!(err instanceof UndecodableEvent)) throw err;
    await park(opts, msg, event.id, err.reason);
  }
}

/** A dead letter, keyed as consumeOnce keys it (a redelivered copy is not parked twice). */
async function park(
  opts: BatchOptions,
  msg: BusMessage,
  eventId: string | undefined,
  reason: string,
): Promise<void> {
  const letterKey =
    eventId ??
    (msg.headers['Nats-Msg-Id']
      ? `msg:${msg.headers['Nats-Msg-Id']}`
      : `sha256:${createHash('sha256').update(msg.subject).update('\n').update(msg.data).digest('hex')}`);
  const noNul = (s: string) => s.replaceAll('\u0000', '\\0');
  const parked = await opts.pool.query(
    `INSERT INTO dead_letters (consumer, letter_key, event_id, subject, reason, payload, headers)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (consumer, letter_key) DO NOTHING`,
    [
      opts.consumer,
      letterKey,
      eventId ?? null,
      msg.subject,
      noNul(reason),
      Buffer.from(msg.data),
      JSON.stringify(
        Object.fromEntries(Object.entries(msg.headers).map(([k, v]) => [noNul(k), noNul(v)])),
      ),
    ],
  );
  if (parked.rowCount === 0) return;
  deadLetteredEvents.inc({ consumer: opts.consumer, subject: msg.subject });
  opts.log.error(
    { consumer: opts.consumer, subject: msg.subject, eventId, reason },
    'parked an event that cannot be applied as a dead letter',
  );
}
