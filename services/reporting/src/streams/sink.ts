// OWNED BY: streams. The stream sinks: Kafka (CloudEvents binary mode) or JSON-lines files.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ReportStream, type Logger, type TopicSettings } from '@loanflow/platform';
import { CE_SOURCE } from './catalogue';

/** One record of a report stream, as produced: CloudEvents attributes become headers. */
export interface SinkRecord {
  key: string;
  /** ce_id: the same record produced again carries the same id (consumers deduplicate on it). */
  id: string;
  type: string;
  subject: string;
  /** RFC 3339. */
  time: string;
  traceparent?: string;
  value: unknown;
  /** The value already as JSON text (PostgreSQL's jsonb output): written as is. */
  json?: string;
}

export interface StreamSink {
  readonly kind: 'kafka' | 'file';
  /** Creates the topics that do not exist with their configured partitions and retention. */
  ensureTopics(): Promise<void>;
  /** Produces records to one topic; resolves once the sink acknowledged all of them. */
  produce(topic: string, records: readonly SinkRecord[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * The CloudEvents 1.0 Kafka protocol binding, binary mode: the attributes as `ce_`-prefixed
 * headers, the data as the value, its media type in `content-type`; plus the W3C trace context of
 * the request that caused the record, so a consumer can follow the trace back.
 */
export function cloudEventHeaders(r: SinkRecord): Record<string, string> {
  const headers: Record<string, string> = {
    ce_specversion: '1.0',
    ce_id: r.id,
    ce_source: CE_SOURCE,
    ce_type: r.type,
    ce_time: r.time,
    ce_subject: r.subject,
    'content-type': 'application/json',
  };
  if (r.traceparent) headers.traceparent = r.traceparent;
  return headers;
}

const valueText = (r: SinkRecord) => r.json ?? JSON.stringify(r.value);

export class KafkaSink implements StreamSink {
  readonly kind = 'kafka';

  private constructor(
    private readonly stream: ReportStream,
    private readonly topics: readonly TopicSettings[],
  ) {}

  static async connect(opts: {
    brokers: string;
    clientId: string;
    log: Logger;
    topics: readonly TopicSettings[];
  }): Promise<KafkaSink> {
    return new KafkaSink(await ReportStream.connect(opts), opts.topics);
  }

  async ensureTopics(): Promise<void> {
    await this.stream.ensureTopics(this.topics);
  }

  async produce(topic: string, records: readonly SinkRecord[]): Promise<void> {
    await this.stream.produce(
      topic,
      records.map((r) => ({ key: r.key, value: valueText(r), headers: cloudEventHeaders(r) })),
    );
  }

  close(): Promise<void> {
    return this.stream.close();
  }
}

/**
 * Without Kafka: one JSON-lines file per topic (`<dir>/<topic>.jsonl`), a line per record with
 * the same key and headers as on Kafka; a batch is acknowledged once it is on disk (fsync).
 */
export class FileSink implements StreamSink {
  readonly kind = 'file';
  private readonly files = new Map<string, Promise<FileHandle>>();

  constructor(
    private readonly dir: string,
    private readonly topics: readonly string[],
  ) {}

  async ensureTopics(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const topic of this.topics) await this.file(topic);
  }

  private file(topic: string): Promise<FileHandle> {
    let handle = this.files.get(topic);
    if (!handle) {
      handle = mkdir(this.dir, { recursive: true }).then(() =>
        open(join(this.dir, `${topic}.jsonl`), 'a'),
      );
      this.files.set(topic, handle);
    }
    return handle;
  }

  async produce(topic: string, records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const lines = records.map(
      (r) =>
        `{"key":${JSON.stringify(r.key)},"headers":${JSON.stringify(cloudEventHeaders(r))},"value":${valueText(r)}}\n`,
    );
    const file = await this.file(topic);
    await file.write(lines.join(''));
    await file.datasync();
  }

  async close(): Promise<void> {
    const handles = [...this.files.values()];
    this.files.clear();
    for (const h of handles) await (await h).close();
  }
}
