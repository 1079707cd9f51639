/**
 * 统计报表 over REST: GET /api/v1/reports/{report} as JSON, CSV or XLSX, and the catalogue of the
 * reports the caller may read. Exports are streamed from the service's ExportReport (rows written
 * as they arrive, the gRPC stream paused while the response is full).
 */
import type { ClientReadableStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { fromGrpcError } from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { defineRoute, ok, type RouteSpec } from '../api/route';
import { csvRows, csvStart, XlsxReportWriter, type SheetWriter } from '../api/report-export';
import * as s from '../api/report-schemas';
import { sendProblem } from '../problem';
import type { RouteDeps } from './deps';

const TAG = 'Reports';
const svc = (method: string) => `loanflow.reporting.v1.ReportingService/${method}`;

/** An export of a million rows takes minutes, not the usual call deadline. */
const EXPORT_DEADLINE_MS = 30 * 60_000;

const ROLE_MATRIX =
  'Who reads what (always within the branch scope: branch staff their subtree, head office all): ' +
  'approval-efficiency and pipeline — every staff role; portfolio and post-loan — risk_manager, ' +
  'post_loan_officer, final_approver, committee_chair, committee_member, auditor, admin.';

type Query = z.output<typeof s.ReportQuery>;

const filterOf = (q: Query): pb.ReportFilter => ({
  branchId: q.branchId ?? '',
  productCode: q.productCode ?? '',
  from: q.from ?? '',
  to: q.to ?? '',
  asOf: q.asOf ?? '',
});

export function reportRoutes(deps: RouteDeps): RouteSpec[] {
  return [
    defineRoute({
      operationId: 'listReports',
      method: 'get',
      path: '/reports',
      tag: TAG,
      summary: '统计报表: the reports you may read, their tables, columns and filters',
      description: ROLE_MATRIX,
      access: { signedIn: true },
      grpc: svc('ListReports'),
      responses: { 200: { description: 'The catalogue', schema: s.ReportCatalogue } },
      async handle({ call }) {
        return ok(s.catalogueJson((await deps.reporting.listReports({}, call)).reports));
      },
    }),
    defineRoute({
      operationId: 'getReport',
      method: 'get',
      path: '/reports/{report}',
      tag: TAG,
      summary: 'A management report as JSON, or a table of it as CSV or XLSX',
      description:
        `${ROLE_MATRIX} JSON: every table but the detail ones (exportOnly), rows as objects keyed ` +
        'by column key, values as strings. CSV: UTF-8 with a BOM, a bilingual header, one table ' +
        '(`table`, default the first). XLSX: a title row (report, as-of date, scope), the header ' +
        'frozen below it, number formats per column; one sheet per table (`table` for just one, ' +
        'the only way to a detail table). Both are streamed. Bad filters answer 400 naming the ' +
        'field; a branch outside your scope 403 naming branchId.',
      access: { signedIn: true },
      grpc: [svc('GetReport'), svc('ExportReport')],
      request: { params: s.ReportParams, query: s.ReportQuery },
      responses: {
        200: {
          description:
            'The report; CSV and XLSX come as an attachment named <report>-<table>-<asOf>.csv|xlsx',
          schema: s.Report,
          alternatives: {
            'text/csv': z.string(),
            'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': undefined,
          },
        },
        403: {
          description: 'Your roles do not cover the report, or the branch is outside your scope',
        },
      },
      async handle({ params, query, call, req, res }) {
        const format = query.format ?? 'json';
        const filter = filterOf(query);
        if (format === 'json') {
          const { report } = await deps.reporting.getReport(
            { report: params.report, filter },
            call,
          );
          return ok(s.reportJson(report!));
        }
        if (format === 'xlsx' && !query.table) {
          // Every summary table, one sheet each: small tables, read in one call.
          const { report } = await deps.reporting.getReport(
            { report: params.report, filter },
            call,
          );
          attachment(res, format, `${report!.report}-all-${report!.asOf}`);
          const book = new XlsxReportWriter(res);
          for (const table of report!.tables.filter((t) => !t.exportOnly)) {
            const sheet = book.addSheet(report!, table);
            sheet.addRows(table.rows);
            await sheet.commit();
          }
          await book.commit();
          return undefined;
        }
        const table = query.table ?? (await firstTable(deps, params.report, call));
        await streamExport(deps, { report: params.report, filter, table }, format, call, req, res);
        return undefined;
      },
    }),
  ];
}

async function firstTable(
  deps: RouteDeps,
  report: string,
  call: { metadata: Metadata; timeoutMs: number },
): Promise<string> {
  const { reports } = await deps.reporting.listReports({}, call);
  // A report the caller may not read: let the export refuse it with the service's own words.
  return reports.find((r) => r.report === report)?.tables[0]?.name ?? 'summary';
}

function attachment(res: Response, format: 'csv' | 'xlsx', name: string): void {
  res
    .status(200)
    .setHeader(
      'Content-Type',
      format === 'csv'
        ? 'text/csv; charset=utf-8'
        : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    )
    .setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`)
    .setHeader('Cache-Control', 'private, no-store');
}

/**
 * One table from ExportReport to the response: the header message sets the attachment, each row
 * batch is written at once, and the gRPC stream waits while the response is full.
 */
function streamExport(
  deps: RouteDeps,
  request: pb.ExportReportRequest,
  format: 'csv' | 'xlsx',
  call: { metadata: Metadata },
  req: Request,
  res: Response,
): Promise<void> {
  const stream: ClientReadableStream<pb.ExportReportResponse> = deps.reportExports.exportReport(
    request,
    call.metadata,
    { deadline: new Date(Date.now() + EXPORT_DEADLINE_MS) },
  );
  res.on('close', () => {
    if (!res.writableFinished) stream.cancel();
  });
  let book: XlsxReportWriter | undefined;
  let sheet: SheetWriter | undefined;
  // The gRPC stream waits while the response, or for XLSX the zip writing into it, is full.
  const waitForRoom = () => {
    const full = sheet?.full() ?? (res.writableNeedDrain ? res : undefined);
    if (full) {
      stream.pause();
      full.once('drain', () => stream.resume());
    }
  };
  return new Promise<void>((resolve) => {
    stream.on('data', (m: pb.ExportReportResponse) => {
      if (m.header) {
        const table = m.header.tables[0]!;
        attachment(res, format, `${m.header.report}-${table.name}-${m.header.asOf}`);
        if (format === 'csv') res.write(csvStart(table));
        else {
          book = new XlsxReportWriter(res);
          sheet = book.addSheet(m.header, table);
        }
      }
      if (m.rows.length === 0) return;
      if (sheet) sheet.addRows(m.rows);
      else res.write(csvRows(m.rows));
      waitForRoom();
    });
    stream.on('end', () => {
      const done = async () => {
        if (book && sheet) {
          await sheet.commit();
          await book.commit();
        } else res.end();
      };
      done().then(resolve, (err: Error) => {
        res.destroy(err);
        resolve();
      });
    });
    stream.on('error', (err: ServiceError) => {
      if (!res.headersSent) sendProblem(res, fromGrpcError(err), req.originalUrl);
      else res.destroy(err);
      resolve();
    });
  });
}
