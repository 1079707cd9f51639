// OWNED BY: ingest. Where the read models stand: per consumer the events applied and parked, the
// parked events' reasons, the last event and business date, and the stream records not yet
// produced.
import { requireRole, type Principal } from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import {
  consumerCounts,
  readModelState,
  recentParked,
} from '../infra/projections/ingestion-status';
import type { ReportingDeps } from './deps';

const RECENT_PARKED = 20;

export async function ingestionStatus(
  deps: ReportingDeps,
  p: Principal,
): Promise<pb.GetIngestionStatusResponse> {
  requireRole(p, ['admin', 'auditor'], 'the ingestion status');
  const [consumers, parked, state] = await Promise.all([
    consumerCounts(deps.pool),
    recentParked(deps.pool, RECENT_PARKED),
    readModelState(deps.pool),
  ]);
  return {
    consumers,
    recentParked: parked.map((r) => ({
      eventId: r.eventId,
      // The subject as the bus carried it, without `loanflow.`: the event type.
      eventType: r.subject.replace(/^loanflow\./, ''),
      consumer: r.consumer,
      reason: r.reason,
      parkedAt: r.parkedAt.toISOString(),
    })),
    lastEventAt: state.lastEventAt?.toISOString() ?? '',
    lastBusinessDate: state.lastBusinessDate ?? '',
    streamBacklog: state.streamBacklog,
  };
}
