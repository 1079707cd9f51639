// OWNED BY: streams. The stream sinks: Kafka (CloudEvents binary mode) or JSON-lines files.

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
}

export interface StreamSink {
  readonly kind: 'kafka' | 'file';
  /** Creates the topics that do not exist with their configured partitions and retention. */
  ensureTopics(): Promise<void>;
  /** Produces records to one topic; resolves once the sink acknowledged all of them. */
  produce(topic: string, records: readonly SinkRecord[]): Promise<void>;
  close(): Promise<void>;
}
