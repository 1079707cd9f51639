import type { Logger, Pool } from '@loanflow/platform';
import type { ReportingConfig } from '../config';
import type { StreamSink } from '../streams/sink';

/** What the use cases of the reporting service need. */
export interface ReportingDeps {
  pool: Pool;
  log: Logger;
  config: ReportingConfig;
  /** The service's clock (the snapshot's and the replay's timestamps, "done this week"). */
  now: () => Date;
  /** Where the report stream records go: Kafka, or JSON-lines files without it. */
  sink: StreamSink;
}
