import { SpanKind } from '@opentelemetry/api';
import {
  CompressionTypes,
  Kafka,
  logLevel,
  Partitioners,
  type IHeaders,
  type Producer,
} from 'kafkajs';
import type { Logger } from '../logger';
import { extractTraceContext, injectTraceContext, inSpan } from '../telemetry';

/** A record as it goes on the wire: the caller owns every header (CloudEvents, trace context). */
export interface WireRecord {
  key: string;
  /** The value, already serialised (JSON text). */
  value: string;
  headers: Record<string, string>;
}

/** A topic the producer's owner wants to exist, with its partitions and topic configs. */
export interface TopicSettings {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Kafka topic configs, e.g. `cleanup.policy` = `compact`, `retention.ms`. */
  configs: Record<string, string>;
}

export interface ReportRecord {
  /** Application or loan id: all records of one entity land on one partition, in order. */
  key: string;
  value: unknown;
  headers?: Record<string, string>;
}

/**
 * Report streams for data teams on Kafka: an idempotent producer (no duplicates from its own
 * retries), JSON values with a schema version header, and the W3C trace context in the record
 * headers under a PRODUCER span.
 */
export class ReportStream {
  private constructor(
    private readonly kafka: Kafka,
    private readonly producer: Producer,
    private readonly log: Logger,
  ) {}

  static async connect(opts: {
    brokers: string;
    clientId: string;
    log: Logger;
  }): Promise<ReportStream> {
    const kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers.split(',').map((b) => b.trim()),
      logLevel: logLevel.WARN,
    });
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return new ReportStream(kafka, producer, opts.log);
  }

  async publish(topic: string, schemaVersion: number, records: ReportRecord[]): Promise<void> {
    await inSpan(
      `${topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.batch.message_count': records.length,
        },
      },
      async () => {
        const trace = injectTraceContext();
        await this.producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.None,
          messages: records.map((r) => ({
            key: r.key,
            value: JSON.stringify(r.value),
            headers: {
              ...r.headers,
              ...trace,
              'loanflow-schema-version': String(schemaVersion),
              'content-type': 'application/json',
            },
          })),
        });
      },
    );
    this.log.debug({ topic, records: records.length }, 'report records published');
  }

  /**
   * Produces records whose headers are already complete (the CloudEvents binary mode: `ce_*`
   * attributes and the trace context of the request that caused each record). Resolves once every
   * in-sync replica has them (acks -1).
   */
  async produce(topic: string, records: readonly WireRecord[]): Promise<void> {
    if (records.length === 0) return;
    await inSpan(
      `${topic} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': topic,
          'messaging.batch.message_count': records.length,
        },
      },
      async () => {
        await this.producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.None,
          messages: records.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
        });
      },
    );
  }

  /** Creates the topics that do not exist yet (existing ones keep their settings); the created. */
  async ensureTopics(topics: readonly TopicSettings[]): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return [];
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor,
          configEntries: Object.entries(t.configs).map(([name, value]) => ({ name, value })),
        })),
      });
      this.log.info({ topics: missing.map((t) => t.topic) }, 'report topics created');
      return missing.map((t) => t.topic);
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** The producer's trace context, for a consumer to continue the trace. */
export function traceContextOfRecord(headers: IHeaders | undefined) {
  const carrier: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {}))
    if (v !== undefined) carrier[k] = Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  return extractTraceContext(carrier);
}
