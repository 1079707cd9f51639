import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Admin, Consumer, Kafka, Partitioners, Producer, logLevel } from 'kafkajs';
import { resolveEndpoints } from '../infra/endpoints';
import { uniqueId, withTimeout } from './util';

const { KAFKA_BROKERS } = resolveEndpoints();

interface Received {
  key: string;
  seq: number;
  partition: number;
  offset: bigint;
}

describe('smoke: Apache Kafka', () => {
  const id = uniqueId();
  const topic = `smoke.loan-events.${id}`;
  const groupId = `smoke-group-${id}`;
  const kafka = new Kafka({
    clientId: `smoke-${id}`,
    brokers: KAFKA_BROKERS.split(',').map((b) => b.trim()),
    logLevel: logLevel.ERROR,
    retry: { retries: 5 },
  });
  let admin: Admin | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    const created = await admin.createTopics({
      topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    expect(created).toBe(true);
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    if (admin) {
      await admin.deleteGroups([groupId]).catch(() => undefined);
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });

  it('idempotent producer → consumer group reads every keyed message back in order', async () => {
    const keys = ['loan-A', 'loan-B', 'loan-C', 'loan-D'];
    const perKey = 25;
    const total = keys.length * perKey;

    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    // Interleaved keys, sent in a few batches; sequence numbers are per key.
    for (let batch = 0; batch < 5; batch++) {
      const messages = [];
      for (let i = batch * (perKey / 5); i < (batch + 1) * (perKey / 5); i++) {
        for (const key of keys) {
          messages.push({ key, value: JSON.stringify({ key, seq: i }) });
        }
      }
      const meta = await producer.send({ topic, acks: -1, messages });
      expect(meta.every((m) => m.errorCode === 0)).toBe(true);
    }
    await producer.disconnect();
    producer = undefined;

    const received: Received[] = [];
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const body = JSON.parse(message.value?.toString() ?? '{}') as { key: string; seq: number };
        expect(message.key?.toString()).toBe(body.key);
        received.push({ key: body.key, seq: body.seq, partition, offset: BigInt(message.offset) });
        if (received.length >= total) allReceived();
      },
    });
    await withTimeout(done, 45_000, `consuming ${total} messages`);
    await consumer.disconnect(); // commits the consumed offsets
    consumer = undefined;

    expect(received).toHaveLength(total);
    for (const key of keys) {
      const ofKey = received.filter((r) => r.key === key);
      // Every message exactly once, in send order, all in one partition.
      expect(ofKey.map((r) => r.seq)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
    }
    for (const partition of new Set(received.map((r) => r.partition))) {
      const offsets = received.filter((r) => r.partition === partition).map((r) => r.offset);
      offsets.forEach((o, i) => i > 0 && expect(o > offsets[i - 1]!).toBe(true));
    }

    // The broker's group coordinator kept the committed positions = end of each partition.
    const ends = await admin!.fetchTopicOffsets(topic);
    const committed = await admin!.fetchOffsets({ groupId, topics: [topic] });
    const byPartition = new Map(committed[0]!.partitions.map((p) => [p.partition, p.offset]));
    for (const end of ends) {
      expect(byPartition.get(end.partition)).toBe(end.high);
    }
    expect(ends.reduce((sum, e) => sum + Number(e.high), 0)).toBe(total);
  });
});
