import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type JetStreamManager, type NatsConnection, type StoredMsg } from 'nats';
import type pg from 'pg';
import {
  appendToOutbox,
  createPool,
  currentTraceId,
  initTracing,
  inSpan,
  JetStreamBus,
  migrate,
  OutboxRelay,
  platformMigrations,
  shutdownTracing,
  subjectOf,
  withTransaction,
  type EventBus,
  type EventEnvelope,
  type NewEvent,
  type Pool,
  type Queryable,
} from '../src';
import {
  adminPool,
  DATABASE_URL,
  dropSchema,
  NATS_URL,
  once,
  quietLog,
  settledResources,
  sleep,
  uniqueSchema,
  uniqueStream,
  waitFor,
} from './support';

/**
 * Each test owns a schema (with the platform outbox) and a JetStream stream. appendToOutbox files
 * every event under `loanflow.<type>`; a test stream cannot bind a part of `loanflow.>` while the
 * shared LOANFLOW stream may exist (NATS refuses overlapping streams), so `append` moves the row
 * to the test's own subject prefix inside the same transaction.
 */
describe('transactional outbox → JetStream', () => {
  let admin: pg.Pool;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    initTracing('outbox-test');
    admin = adminPool();
    nc = await connect({ servers: NATS_URL, name: 'platform-outbox-test' });
    jsm = await nc.jetstreamManager();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await nc?.drain();
    await admin?.end();
    await shutdownTracing();
  });

  async function fixture(relayOpts: { pollMs?: number; batchSize?: number } = {}) {
    const schema = uniqueSchema();
    const { stream, prefix } = uniqueStream('outbox');
    const pool: Pool = createPool({ connectionString: DATABASE_URL, schema, max: 4 });
    const endPool = once(() => pool.end());
    cleanups.push(async () => {
      await endPool();
      await dropSchema(admin, schema);
    });
    await migrate(pool, schema, [platformMigrations]);
    const bus = await JetStreamBus.connect({
      url: NATS_URL,
      name: `outbox-test-${schema}`,
      log: quietLog,
      stream,
      subjectPrefix: prefix,
    });
    const closeBus = once(() => bus.close());
    cleanups.push(async () => {
      await closeBus();
      await jsm.streams.delete(stream).catch(() => undefined);
    });
    // A long poll interval: anything published within the test came through NOTIFY or kick().
    const relay = new OutboxRelay(pool, schema, bus, quietLog, { pollMs: 60_000, ...relayOpts });
    cleanups.push(() => relay.stop());

    const append = async <T>(tx: Queryable, event: NewEvent<T>): Promise<EventEnvelope<T>> => {
      const envelope = await appendToOutbox(tx, 'outbox-test', event);
      const { rows } = await tx.query<{ subject: string }>(
        'SELECT subject FROM outbox WHERE event_id = $1',
        [envelope.id],
      );
      expect(rows[0]?.subject).toBe(subjectOf(envelope.type));
      await tx.query('UPDATE outbox SET subject = $2 WHERE event_id = $1', [
        envelope.id,
        `${prefix}.${envelope.type}`,
      ]);
      return envelope;
    };
    const streamInfo = () => jsm.streams.info(stream);
    const stored = async (): Promise<StoredMsg[]> => {
      const { state } = await streamInfo();
      const msgs: StoredMsg[] = [];
      for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
        msgs.push(await jsm.streams.getMessage(stream, { seq }));
      }
      return msgs;
    };
    const outbox = async () =>
      (
        await pool.query<{
          event_id: string;
          published_at: Date | null;
          attempts: number;
          headers: Record<string, string>;
        }>('SELECT event_id, published_at, attempts, headers FROM outbox ORDER BY seq')
      ).rows;
    return {
      schema,
      stream,
      prefix,
      pool,
      bus,
      relay,
      append,
      streamInfo,
      stored,
      outbox,
      endPool,
      closeBus,
    };
  }

  const approved = (subjectId: string, amount: string): NewEvent<{ amount: string }> => ({
    type: 'applications.application.approved',
    subjectId,
    data: { amount },
  });

  it('publishes an event of a committed transaction, woken by NOTIFY, with msg id = event id and the trace context', async () => {
    const f = await fixture();
    await f.relay.start();

    let traceId: string | undefined;
    const envelope = await inSpan('approve application', {}, async () => {
      traceId = currentTraceId();
      return withTransaction(f.pool, (tx) => f.append(tx, approved('app-1', '250000.00')));
    });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    // The poll interval is a minute away: only the NOTIFY sent on commit can wake the relay in time.
    await waitFor(
      'the event in the stream',
      async () => (await f.streamInfo()).state.messages === 1,
    );
    const [msg] = await f.stored();
    expect(msg!.subject).toBe(`${f.prefix}.applications.application.approved`);
    expect(msg!.header.get('Nats-Msg-Id')).toBe(envelope.id);
    expect(msg!.header.get('loanflow-event-type')).toBe('applications.application.approved');
    const traceparent = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/.exec(
      msg!.header.get('traceparent'),
    );
    expect(traceparent?.[1]).toBe(traceId);
    expect(JSON.parse(Buffer.from(msg!.data).toString('utf8'))).toEqual(envelope);

    const rows = await waitFor('published_at', async () => {
      const r = await f.outbox();
      return r[0]?.published_at ? r : undefined;
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.event_id).toBe(envelope.id);
    expect(rows[0]!.attempts).toBe(0);
  });

  it('never publishes an event whose transaction rolled back', async () => {
    const f = await fixture();
    await f.relay.start();

    await expect(
      withTransaction(f.pool, async (tx) => {
        await f.append(tx, approved('app-rolled-back', '1.00'));
        throw new Error('credit check failed');
      }),
    ).rejects.toThrow('credit check failed');
    const committed = await withTransaction(f.pool, (tx) =>
      f.append(tx, approved('app-committed', '2.00')),
    );
    await f.relay.kick();

    const msgs = await f.stored();
    expect(msgs.map((m) => m.header.get('Nats-Msg-Id'))).toEqual([committed.id]);
    expect((await f.outbox()).map((r) => r.event_id)).toEqual([committed.id]);
  });

  it('publishes in seq order across batches, not in commit order', async () => {
    const f = await fixture({ batchSize: 2 });
    // The first transaction takes seq 1 but commits after the second one.
    const client = await f.pool.connect();
    let first: EventEnvelope;
    try {
      await client.query('BEGIN');
      first = await f.append(client, approved('app-0', '0.00'));
      const later = [];
      for (let i = 1; i <= 4; i++) {
        later.push(
          await withTransaction(f.pool, (tx) => f.append(tx, approved(`app-${i}`, `${i}.00`))),
        );
      }
      await client.query('COMMIT');
      await f.relay.kick();

      const ids = (await f.stored()).map((m) => m.header.get('Nats-Msg-Id'));
      expect(ids).toEqual([first.id, ...later.map((e) => e.id)]);
      expect((await f.outbox()).every((r) => r.published_at !== null)).toBe(true);
    } finally {
      client.release();
    }
  });

  it('stores a row published twice only once (JetStream duplicate window)', async () => {
    const f = await fixture();
    const envelope = await withTransaction(f.pool, (tx) =>
      f.append(tx, approved('app-dup', '9.99')),
    );
    await f.relay.kick();
    expect((await f.streamInfo()).state.messages).toBe(1);
    expect((await f.outbox())[0]!.published_at).not.toBeNull();

    // As after a crash between publishing and marking the row.
    await f.pool.query('UPDATE outbox SET published_at = NULL WHERE event_id = $1', [envelope.id]);
    await f.relay.kick();

    // Marked again, which the relay does only after the bus accepted the publish.
    const [row] = await f.outbox();
    expect(row!.published_at).not.toBeNull();
    expect(row!.attempts).toBe(0);
    const { state } = await f.streamInfo();
    expect(state.messages).toBe(1);
    expect(state.last_seq).toBe(1);
  });

  it('after a failed publish marks only what was acknowledged and publishes the rest later, in order', async () => {
    const f = await fixture();
    const events: EventEnvelope[] = [];
    for (let i = 1; i <= 4; i++)
      events.push(
        await withTransaction(f.pool, (tx) => f.append(tx, approved(`app-f${i}`, `${i}.00`))),
      );
    // The bus refuses the second event once.
    let refused = 0;
    const flaky: EventBus = {
      publish: (subject, data, opts) => {
        if (opts.msgId === events[1]!.id && refused++ === 0)
          return Promise.reject(new Error('nats: timeout'));
        return f.bus.publish(subject, data, opts);
      },
      consume: (o) => f.bus.consume(o),
      close: () => Promise.resolve(),
    };
    const relay = new OutboxRelay(f.pool, f.schema, flaky, quietLog, { pollMs: 60_000 });
    await relay.kick();
    let rows = await f.outbox();
    expect(rows.map((r) => r.published_at !== null)).toEqual([true, false, false, false]);
    expect(rows.map((r) => r.attempts)).toEqual([0, 1, 0, 0]);

    await relay.kick();
    rows = await f.outbox();
    expect(rows.every((r) => r.published_at !== null)).toBe(true);
    const ids = (await f.stored()).map((m) => m.header.get('Nats-Msg-Id'));
    expect(ids).toEqual(events.map((e) => e.id));
    await relay.stop();
  });

  it('prunes rows published before the retention, never an unpublished one', async () => {
    const f = await fixture();
    const events: EventEnvelope[] = [];
    for (let i = 1; i <= 4; i++)
      events.push(
        await withTransaction(f.pool, (tx) => f.append(tx, approved(`app-p${i}`, `${i}.00`))),
      );
    await f.relay.kick();
    const fifth = await withTransaction(f.pool, (tx) => f.append(tx, approved('app-p5', '5.00')));
    // Two were published eight days ago, two just now; the fifth is not published yet but old.
    await f.pool.query(
      "UPDATE outbox SET published_at = now() - interval '8 days' WHERE event_id = ANY($1::uuid[])",
      [[events[0]!.id, events[1]!.id]],
    );
    await f.pool.query(
      "UPDATE outbox SET created_at = now() - interval '9 days' WHERE event_id = $1",
      [fifth.id],
    );
    expect(await f.relay.prune()).toBe(2);
    const left = (await f.outbox()).map((r) => r.event_id);
    expect(left).toEqual([events[2]!.id, events[3]!.id, fifth.id]);
    expect(await f.relay.prune()).toBe(0);
  });

  it('stop() stops polling and listening, and leaves no timer or connection behind', async () => {
    const before = await settledResources();
    const f = await fixture({ pollMs: 100 });
    await f.relay.start();
    await withTransaction(f.pool, (tx) => f.append(tx, approved('app-before-stop', '1.00')));
    await waitFor(
      'the first event in the stream',
      async () => (await f.streamInfo()).state.messages === 1,
    );

    await f.relay.stop();
    expect(f.pool.totalCount).toBe(f.pool.idleCount); // its LISTEN connection is back in the pool

    await withTransaction(f.pool, (tx) => f.append(tx, approved('app-after-stop', '2.00')));
    await sleep(500); // five poll intervals, and a NOTIFY
    expect((await f.streamInfo()).state.messages).toBe(1);
    expect((await f.outbox())[1]!.published_at).toBeNull();

    // Once the pool and the bus the test gave it are closed, nothing of the relay remains.
    await f.endPool();
    await f.closeBus();
    expect(await settledResources(before)).toEqual(before);
  });
});
