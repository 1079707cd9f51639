// ReportingService over gRPC: each method maps its request to a use case. Nothing else here.
import {
  implement,
  implementStreams,
  refusingNul,
  rejectNulCharacters,
  type CallContext,
  type Logger,
  type ServiceBinding,
} from '@loanflow/platform';
import { reportingV1 as pb } from '@loanflow/proto';
import type { ReportingDeps } from '../app/deps';
import { exportReport, getReport, listReports } from '../app/reports';
import { ingestionStatus } from '../app/status';
import { getStreamJob, listReportStreams, listStreamJobs, replayStream } from '../app/streams-api';

const SERVICE = 'loanflow.reporting.v1.ReportingService';

export function reportingService(
  deps: ReportingDeps,
  opts: { log: Logger; jwtPublicKey: string },
): ServiceBinding {
  const who = (ctx: CallContext) => ctx.principal();
  const unary = {
    getReport: async (
      req: pb.GetReportRequest,
      ctx: CallContext,
    ): Promise<pb.GetReportResponse> => ({
      report: await getReport(deps, who(ctx), req),
    }),
    listReports: async (
      _req: pb.ListReportsRequest,
      ctx: CallContext,
    ): Promise<pb.ListReportsResponse> => ({ reports: listReports(who(ctx)) }),
    listReportStreams: async (
      _req: pb.ListReportStreamsRequest,
      ctx: CallContext,
    ): Promise<pb.ListReportStreamsResponse> => listReportStreams(deps, who(ctx)),
    replayStream: async (
      req: pb.ReplayStreamRequest,
      ctx: CallContext,
    ): Promise<pb.ReplayStreamResponse> => ({ job: await replayStream(deps, who(ctx), req) }),
    getStreamJob: async (
      req: pb.GetStreamJobRequest,
      ctx: CallContext,
    ): Promise<pb.GetStreamJobResponse> => ({ job: await getStreamJob(deps, who(ctx), req.id) }),
    listStreamJobs: async (
      req: pb.ListStreamJobsRequest,
      ctx: CallContext,
    ): Promise<pb.ListStreamJobsResponse> => listStreamJobs(deps, who(ctx), req),
    getIngestionStatus: async (
      _req: pb.GetIngestionStatusRequest,
      ctx: CallContext,
    ): Promise<pb.GetIngestionStatusResponse> => ingestionStatus(deps, who(ctx)),
  };
  const streams = implementStreams(
    SERVICE,
    {
      server: {
        exportReport: async (
          req: pb.ExportReportRequest,
          ctx: CallContext,
          send: (m: pb.ExportReportResponse) => Promise<void>,
          cancelled: AbortSignal,
        ) => {
          rejectNulCharacters(req);
          for await (const chunk of exportReport(deps, who(ctx), req, cancelled)) {
            if (cancelled.aborted) return;
            await send(chunk);
          }
        },
      },
    },
    opts,
  );
  return {
    name: SERVICE,
    definition: pb.ReportingServiceService,
    implementation: { ...implement(SERVICE, refusingNul(unary), opts), ...streams },
  };
}
