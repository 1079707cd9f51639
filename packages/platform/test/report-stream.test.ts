import { randomBytes } from 'node:crypto';
import { trace } from '@opentelemetry/api';
import { Kafka, logLevel } from 'kafkajs';
import { createLogger, initTracing, inSpan, ReportStream, traceContextOfRecord } from '../src';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';

describe('ReportStream on a real Kafka broker', () => {
  const topic = `test.reports.${randomBytes(4).toString('hex')}`;
  const kafka = new Kafka({
    clientId: 'report-stream-test',
    brokers: brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  let stream: ReportStream;

  beforeAll(async () => {
    initTracing('report-stream-test');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 2, replicationFactor: 1 }],
      waitForLeaders: true,
    });
    await admin.disconnect();
    stream = await ReportStream.connect({
      brokers,
      clientId: 'report-stream-test',
      log: createLogger('test', 'silent'),
    });
  });

  afterAll(async () => {
    await stream?.close();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('publishes keyed JSON records carrying the schema version and the caller trace context', async () => {
    let traceId = '';
    await inSpan('report test', {}, async () => {
      traceId = trace.getActiveSpan()!.spanContext().traceId;
      await stream.publish(topic, 1, [
        { key: 'app-1', value: { applicationId: 'app-1', amount: '100.00' } },
        { key: 'app-1', value: { applicationId: 'app-1', amount: '200.00' } },
        { key: 'app-2', value: { applicationId: 'app-2', amount: '300.00' } },
      ]);
    });

    const consumer = kafka.consumer({ groupId: `g-${randomBytes(4).toString('hex')}` });
    const seen: {
      key: string;
      amount: string;
      traceId: string;
      version: string;
      partition: number;
    }[] = [];
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${seen.length} records arrived`)),
          30000,
        );
        void consumer.run({
          eachMessage: async ({ message, partition }) => {
            const ctx = traceContextOfRecord(message.headers);
            seen.push({
              key: message.key!.toString(),
              amount: (JSON.parse(message.value!.toString()) as { amount: string }).amount,
              traceId: trace.getSpanContext(ctx)?.traceId ?? '',
              version: message.headers!['loanflow-schema-version']!.toString(),
              partition,
            });
            if (seen.length === 3) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
    }
    expect(seen.map((s) => s.traceId)).toEqual([traceId, traceId, traceId]);
    expect(seen.every((s) => s.version === '1')).toBe(true);
    // Same key, same partition, in publish order.
    const app1 = seen.filter((s) => s.key === 'app-1');
    expect(app1.map((s) => s.amount)).toEqual(['100.00', '200.00']);
    expect(new Set(app1.map((s) => s.partition)).size).toBe(1);
  });
});
