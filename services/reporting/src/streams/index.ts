// OWNED BY: streams. What a consumed event adds to the report streams, in the transaction that
// applied it to the read models (the stream outbox), and the workers that empty it.
import type { EventEnvelope, PoolClient } from '@loanflow/platform';

export interface StreamContext {
  /** Off while a rebuild replays history into empty read models (nothing is republished). */
  enabled: boolean;
}

/**
 * Called by every consumer after the event's projection, in the same transaction: appends the
 * records the event means for the report topics to `stream_outbox` (reading the read model rows
 * the projection just wrote).
 */
export async function recordStreams(
  _tx: PoolClient,
  _event: EventEnvelope,
  _ctx: StreamContext,
): Promise<void> {
  // Filled in by the streams work.
}
