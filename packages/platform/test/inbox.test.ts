import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import type pg from 'pg';
import {
  consumeOnce,
  createPool,
  deadLetteredEvents,
  JetStreamBus,
  migrate,
  platformMigrations,
  SUBJECT_ID_HEADER,
  UndecodableEvent,
  uuidv7,
  type EventBus,
  type EventEnvelope,
  type EventHandler,
  type Pool,
} from '../src';
import {
  adminPool,
  DATABASE_URL,
  deferred,
  dropSchema,
  hex,
  NATS_URL,
  quietLog,
  uniqueSchema,
  uniqueStream,
  waitFor,
} from './support';

describe('consumeOnce (inbox) on JetStream', () => {
  let admin: pg.Pool;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    admin = adminPool();
    nc = await connect({ servers: NATS_URL, name: 'platform-inbox-test' });
    jsm = await nc.jetstreamManager();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await nc?.drain();
    await admin?.end();
  });

  /** A schema with the inbox and a `disbursements` table the handlers write to, and a stream. */
  async function fixture() {
    const schema = uniqueSchema();
    const { stream, prefix } = uniqueStream('inbox');
    const pool: Pool = createPool({ connectionString: DATABASE_URL, schema, max: 4 });
    cleanups.push(async () => {
      await pool.end();
      await dropSchema(admin, schema);
    });
    await migrate(pool, schema, [platformMigrations]);
    await pool.query(
      `CREATE TABLE ${schema}.disbursements (event_id uuid NOT NULL, amount numeric(18,2) NOT NULL)`,
    );
    const jetstream = await JetStreamBus.connect({
      url: NATS_URL,
      name: `inbox-test-${schema}`,
      log: quietLog,
      stream,
      subjectPrefix: prefix,
    });
    cleanups.push(async () => {
      await jetstream.close();
      await jsm.streams.delete(stream).catch(() => undefined);
    });
    // The real bus, recording the delivery count of every message it hands to consumeOnce.
    const deliveries: { subject: string; deliveryCount: number }[] = [];
    const bus: EventBus = {
      publish: (subject, data, opts) => jetstream.publish(subject, data, opts),
      close: () => jetstream.close(),
      consume: (opts) =>
        jetstream.consume({
          ...opts,
          handler: (msg) => {
            deliveries.push({ subject: msg.subject, deliveryCount: msg.deliveryCount });
            return opts.handler(msg);
          },
        }),
    };
    const consumer = `inbox-test-${hex()}`;
    const subject = `${prefix}.loans.loan.approved`;
    const start = async (handler: EventHandler, concurrency?: number) => {
      const sub = await consumeOnce({
        bus,
        pool,
        log: quietLog,
        consumer,
        filterSubject: `${prefix}.>`,
        handler,
        concurrency,
      });
      let drained = false;
      cleanups.push(async () => {
        if (!drained) await sub.drain();
      });
      return {
        drain: async () => {
          drained = true;
          await sub.drain();
        },
      };
    };
    const publishEnvelope = (event: EventEnvelope, msgId: string) =>
      bus.publish(subject, Buffer.from(JSON.stringify(event)), {
        msgId,
        headers: { [SUBJECT_ID_HEADER]: event.subjectId },
      });
    /** Resolves once the consumer has acknowledged every message up to stream seq `seq`. */
    const ackedThrough = (seq: number) =>
      waitFor(`consumer ${consumer} to ack through ${seq}`, async () => {
        const info = await jsm.consumers.info(stream, consumer);
        return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? info : undefined;
      });
    const deadLetters = async () =>
      (
        await pool.query(
          `SELECT consumer, letter_key, event_id, subject, reason,
                  convert_from(payload, 'UTF8') AS payload, headers->>'Nats-Msg-Id' AS message_id
             FROM dead_letters ORDER BY id`,
        )
      ).rows;
    const count = async (sql: string, params: unknown[] = []) =>
      Number(
        (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]!.n,
      );
    return {
      schema,
      stream,
      subject,
      pool,
      bus,
      consumer,
      deliveries,
      start,
      publishEnvelope,
      ackedThrough,
      count,
      deadLetters,
    };
  }

  const loanApproved = (amount: string): EventEnvelope<{ amount: string }> => ({
    id: uuidv7(),
    type: 'loans.loan.approved',
    schemaVersion: 1,
    source: 'inbox-test',
    subjectId: `loan-${hex(3)}`,
    occurredAt: new Date().toISOString(),
    data: { amount },
  });

  /** The value of the dead-letter counter for one consumer and subject (0 when never counted). */
  const deadLettered = async (consumer: string, subject: string): Promise<number> =>
    (await deadLetteredEvents.get()).values.find(
      (v) => v.labels.consumer === consumer && v.labels.subject === subject,
    )?.value ?? 0;

  const disburse: EventHandler = async (event, tx) => {
    const { amount } = event.data as { amount: string };
    await tx.query('INSERT INTO disbursements (event_id, amount) VALUES ($1, $2)', [
      event.id,
      amount,
    ]);
  };

  it('applies an event stored twice under different msg ids once, with one inbox row', async () => {
    const f = await fixture();
    const event = loanApproved('500000.00');
    // Different msg ids get past JetStream's de-duplication: both copies are stored and delivered.
    expect(await f.publishEnvelope(event, `${event.id}-first`)).toEqual({ duplicate: false });
    expect(await f.publishEnvelope(event, `${event.id}-again`)).toEqual({ duplicate: false });
    expect((await jsm.streams.info(f.stream)).state.messages).toBe(2);

    let calls = 0;
    await f.start(async (e, tx) => {
      calls++;
      await disburse(e, tx);
    });
    await f.ackedThrough(2);

    expect(f.deliveries).toHaveLength(2);
    expect(calls).toBe(1);
    expect(await f.count('disbursements')).toBe(1);
    const inbox = await f.pool.query('SELECT consumer, event_id, event_type FROM inbox');
    expect(inbox.rows).toEqual([
      { consumer: f.consumer, event_id: event.id, event_type: event.type },
    ]);
  });

  it('retries a handler that failed, after rolling back the writes of the failed attempt', async () => {
    const f = await fixture();
    const event = loanApproved('120000.00');
    await f.publishEnvelope(event, event.id);

    let attempts = 0;
    await f.start(async (e, tx) => {
      attempts++;
      await disburse(e, tx);
      if (attempts === 1) throw new Error('core banking system timed out');
    });
    await f.ackedThrough(1);

    expect(f.deliveries.map((d) => d.deliveryCount)).toEqual([1, 2]);
    expect(attempts).toBe(2);
    expect(await f.count('disbursements')).toBe(1);
    expect(await f.count('inbox')).toBe(1);
  });

  it('parks messages that are not event envelopes as dead letters, counts them, and goes on consuming', async () => {
    const f = await fixture();
    const junkId = `junk-${hex()}`;
    const noEnvelopeId = `no-envelope-${hex()}`;
    await f.bus.publish(f.subject, Buffer.from('definitely not json'), { msgId: junkId });
    await f.bus.publish(f.subject, Buffer.from(JSON.stringify({ amount: '1.00' })), {
      msgId: noEnvelopeId,
    });
    const event = loanApproved('80000.00');
    await f.publishEnvelope(event, event.id);

    const handled: string[] = [];
    await f.start(async (e, tx) => {
      handled.push(e.id);
      await disburse(e, tx);
    });
    const info = await f.ackedThrough(3);

    expect(handled).toEqual([event.id]);
    // Acknowledged on first delivery: not redelivered until max_deliver.
    expect(f.deliveries.map((d) => d.deliveryCount)).toEqual([1, 1, 1]);
    expect(info.delivered.consumer_seq).toBe(3);
    expect(await f.count('inbox')).toBe(1);
    const letters = await f.deadLetters();
    expect(letters).toEqual([
      {
        consumer: f.consumer,
        letter_key: `msg:${junkId}`,
        event_id: null,
        subject: f.subject,
        reason: expect.stringMatching(/^not a LoanFlow event envelope: not JSON \(/),
        payload: 'definitely not json',
        message_id: junkId,
      },
      {
        consumer: f.consumer,
        letter_key: `msg:${noEnvelopeId}`,
        event_id: null,
        subject: f.subject,
        reason: 'not a LoanFlow event envelope: missing id, type, data',
        payload: JSON.stringify({ amount: '1.00' }),
        message_id: noEnvelopeId,
      },
    ]);
    expect(await deadLettered(f.consumer, f.subject)).toBe(2);
  });

  it('parks an event whose handler finds its data undecodable, once, with the handler writes rolled back', async () => {
    const f = await fixture();
    const bad = { ...loanApproved('not money'), data: { amount: 42 } } as EventEnvelope;
    // Two copies of the bad event (a redelivery after a lost ack looks the same), then a good one.
    await f.publishEnvelope(bad, `${bad.id}-first`);
    await f.publishEnvelope(bad, `${bad.id}-again`);
    const good = loanApproved('64000.00');
    await f.publishEnvelope(good, good.id);

    const handled: string[] = [];
    await f.start(async (e, tx) => {
      // The write happens before the check: parking must roll it back.
      await tx.query('INSERT INTO disbursements (event_id, amount) VALUES ($1, 0)', [e.id]);
      const { amount } = e.data as { amount: unknown };
      if (typeof amount !== 'string')
        throw new UndecodableEvent(`${e.type}: amount must be a string`);
      await tx.query('UPDATE disbursements SET amount = $2 WHERE event_id = $1', [e.id, amount]);
      handled.push(e.id);
    });
    await f.ackedThrough(3);

    expect(handled).toEqual([good.id]);
    expect(f.deliveries.map((d) => d.deliveryCount)).toEqual([1, 1, 1]);
    expect(await f.count('disbursements')).toBe(1);
    expect(await f.count('disbursements WHERE event_id = $1', [bad.id])).toBe(0);
    // Parked events are not handled: no inbox row, so a fixed consumer could replay them.
    expect(await f.count('inbox WHERE event_id = $1', [bad.id])).toBe(0);
    const letters = await f.deadLetters();
    expect(letters).toEqual([
      {
        consumer: f.consumer,
        letter_key: bad.id,
        event_id: bad.id,
        subject: f.subject,
        reason: 'loans.loan.approved: amount must be a string',
        payload: JSON.stringify(bad),
        message_id: `${bad.id}-first`,
      },
    ]);
    expect(await deadLettered(f.consumer, f.subject)).toBe(1);
  });

  it("handles several events at once, one entity's events in the order they were published", async () => {
    const f = await fixture();
    const events: EventEnvelope[] = [];
    for (let i = 0; i < 12; i++)
      events.push({ ...loanApproved(`${i}.00`), subjectId: `loan-${i % 3}` });
    for (const e of events) await f.publishEnvelope(e, e.id);
    const handled: string[] = [];
    let inHand = 0;
    let most = 0;
    const sub = await f.start(async (event, tx) => {
      most = Math.max(most, ++inHand);
      // Later events of an entity are quicker: out of order they would overtake the earlier.
      await new Promise((r) =>
        setTimeout(r, 40 - Number.parseInt((event.data as { amount: string }).amount)),
      );
      await disburse(event, tx);
      handled.push(event.id);
      inHand--;
    }, 4);
    await f.ackedThrough(12);
    await sub.drain();
    expect(handled).toHaveLength(12);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
    for (const loan of ['loan-0', 'loan-1', 'loan-2'])
      expect(handled.filter((id) => events.find((e) => e.id === id)!.subjectId === loan)).toEqual(
        events.filter((e) => e.subjectId === loan).map((e) => e.id),
      );
    expect(await f.count('disbursements')).toBe(12);
  });

  it('drain() waits for the handler in flight to commit and be acknowledged', async () => {
    const f = await fixture();
    const event = loanApproved('42000.00');
    await f.publishEnvelope(event, event.id);

    const started = deferred();
    let finished = false;
    const sub = await f.start(async (e, tx) => {
      started.resolve();
      await new Promise((r) => setTimeout(r, 500));
      await disburse(e, tx);
      finished = true;
    });
    await started.promise;

    await sub.drain();

    expect(finished).toBe(true);
    expect(await f.count('disbursements WHERE event_id = $1', [event.id])).toBe(1);
    expect(await f.count('inbox')).toBe(1);
    const info = await jsm.consumers.info(f.stream, f.consumer);
    expect(info.ack_floor.stream_seq).toBe(1);
    expect(info.num_ack_pending).toBe(0);
  });
});
