// OWNED BY: streams. The report streams' catalogue, replays and jobs.
import { failedPrecondition, type Principal } from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import type { ReportingDeps } from './deps';

export async function listReportStreams(
  _deps: ReportingDeps,
  _p: Principal,
): Promise<pb.ListReportStreamsResponse> {
  throw failedPrecondition('report streams: not built yet');
}

export async function replayStream(
  _deps: ReportingDeps,
  _p: Principal,
  _req: pb.ReplayStreamRequest,
): Promise<pb.StreamJob> {
  throw failedPrecondition('replays: not built yet');
}

export async function getStreamJob(
  _deps: ReportingDeps,
  _p: Principal,
  _id: string,
): Promise<pb.StreamJob> {
  throw failedPrecondition('stream jobs: not built yet');
}

export async function listStreamJobs(
  _deps: ReportingDeps,
  _p: Principal,
  _req: pb.ListStreamJobsRequest,
): Promise<pb.ListStreamJobsResponse> {
  throw failedPrecondition('stream jobs: not built yet');
}
