// OWNED BY: ingest. Where the read models stand.
import { failedPrecondition, type Principal } from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import type { ReportingDeps } from './deps';

export async function ingestionStatus(
  _deps: ReportingDeps,
  _p: Principal,
): Promise<pb.GetIngestionStatusResponse> {
  throw failedPrecondition('ingestion status: not built yet');
}
