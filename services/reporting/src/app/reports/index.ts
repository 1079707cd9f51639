// OWNED BY: reports. The management reports over the read models.
import { failedPrecondition, type Principal } from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import type { ReportingDeps } from '../deps';

/** One report with its summary tables (export-only tables listed without rows). */
export async function getReport(
  _deps: ReportingDeps,
  _p: Principal,
  _req: pb.GetReportRequest,
): Promise<pb.Report> {
  throw failedPrecondition('reports: not built yet');
}

/** One table of a report: the header first, then rows in batches, read with a cursor. */
export async function* exportReport(
  _deps: ReportingDeps,
  _p: Principal,
  _req: pb.ExportReportRequest,
  _cancelled: AbortSignal,
): AsyncGenerator<pb.ExportReportResponse> {
  throw failedPrecondition('report exports: not built yet');
}
