// OWNED BY: ingest. One durable consumer per source service into the read models.
import type { EventBus, Logger, Pool, Subscription } from '@loanflow/platform';
import type { ReportingDeps } from '../app/deps';
import type { StreamContext } from '../streams';

export async function startConsumers(
  _deps: ReportingDeps,
  _opts: {
    bus: EventBus;
    pool: Pool;
    log: Logger;
    schema: string;
    startAt: 'all' | 'new';
    concurrency: number;
    streams: StreamContext;
  },
): Promise<{ consumer: string; subscription: Subscription }[]> {
  return [];
}
