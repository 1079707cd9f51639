import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamManager,
  NatsConnection,
  StringCodec,
  connect,
  headers,
  nanos,
} from 'nats';
import { resolveEndpoints } from '../infra/endpoints';
import { uniqueId } from './util';

const { NATS_URL } = resolveEndpoints();
const sc = StringCodec();

describe('smoke: NATS JetStream', () => {
  const id = uniqueId();
  const stream = `SMOKE_${id}`;
  const subjects = { events: `smoke.${id}.events`, work: `smoke.${id}.work` };
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL, name: `smoke-${id}` });
    jsm = await nc.jetstreamManager();
    await jsm.streams.add({
      name: stream,
      subjects: [`smoke.${id}.>`],
      duplicate_window: nanos(60_000),
    });
  });

  afterAll(async () => {
    if (!nc) return;
    await jsm?.streams.delete(stream).catch(() => undefined);
    await nc.drain();
  });

  it('stores a message published twice with the same Nats-Msg-Id only once', async () => {
    const js = nc.jetstream();
    const publishOnce = () => {
      const h = headers();
      h.set('Nats-Msg-Id', `application-${id}-submitted`);
      return js.publish(subjects.events, sc.encode('application submitted'), { headers: h });
    };

    const first = await publishOnce();
    const second = await publishOnce();

    expect(first.stream).toBe(stream);
    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    expect(second.seq).toBe(first.seq);
    const info = await jsm.streams.info(stream);
    expect(info.state.messages).toBe(1);
    const stored = await jsm.streams.getMessage(stream, { seq: first.seq });
    expect(sc.decode(stored.data)).toBe('application submitted');
    expect(stored.header.get('Nats-Msg-Id')).toBe(`application-${id}-submitted`);
  });

  it('durable pull consumer: acked once, unacked message redelivered after ack_wait', async () => {
    const durable = `smoke-worker-${id}`;
    await jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: subjects.work,
      ack_wait: nanos(1_000),
      max_deliver: 5,
    });
    const js = nc.jetstream();
    await js.publish(subjects.work, sc.encode('score application'));
    await js.publish(subjects.work, sc.encode('needs retry'));
    const consumer = await js.consumers.get(stream, durable);

    const first = await consumer.next({ expires: 5_000 });
    expect(first).not.toBeNull();
    if (!first) return;
    expect(sc.decode(first.data)).toBe('score application');
    expect(first.redelivered).toBe(false);
    expect(first.info.deliveryCount).toBe(1);
    expect(await first.ackAck()).toBe(true);

    const unacked = await consumer.next({ expires: 5_000 });
    expect(unacked).not.toBeNull();
    if (!unacked) return;
    expect(sc.decode(unacked.data)).toBe('needs retry');
    expect(unacked.info.deliveryCount).toBe(1);
    // Not acked: the server redelivers it once ack_wait (1 s) has passed.

    const again = await consumer.next({ expires: 5_000 });
    expect(again).not.toBeNull();
    if (!again) return;
    expect(again.seq).toBe(unacked.seq);
    expect(sc.decode(again.data)).toBe('needs retry');
    expect(again.redelivered).toBe(true);
    expect(again.info.deliveryCount).toBe(2);
    expect(await again.ackAck()).toBe(true);

    const info = await jsm.consumers.info(stream, durable);
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.delivered.consumer_seq).toBe(3);
    expect(info.ack_floor.stream_seq).toBe(again.seq);
  });
});
