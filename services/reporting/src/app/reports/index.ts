// 统计报表: the management reports over the read models. A request is checked (report, filters,
// roles, branch scope), then each table is read and laid out; exports stream one table, detail
// tables through a cursor so that a million rows never sit in memory.
import {
  addDays,
  branchScopeOf,
  calendarDateIn,
  canAccessBranch,
  DomainError,
  invalidArgument,
  permissionDenied,
  type Principal,
} from '@loanflow/platform';
import type { reportingV1 as pb } from '@loanflow/proto';
import type { ReportingDeps } from '../deps';
import {
  mayRead,
  REPORTS,
  reportNamed,
  tableNamed,
  type ReportSpec,
  type TableSpec,
} from '../../domain/report-catalogue';
import { checkFilter, type RawFilter } from '../../domain/report-filter';
import { subtreeOf } from '../../infra/report-queries';
import * as q from '../../infra/report-queries';
import { detailQuery, summaryRows, type ReportContext } from './tables';

/** Rows per message of an export (and per cursor read). */
export const EXPORT_BATCH_ROWS = 2000;

/** One report with its summary tables (export-only tables listed without rows). */
export async function getReport(
  deps: ReportingDeps,
  p: Principal,
  req: pb.GetReportRequest,
): Promise<pb.Report> {
  const ctx = await prepare(deps, p, req.report, req.filter);
  const tables = await Promise.all(
    ctx.spec.tables.map(async (t) =>
      tableOf(t, t.exportOnly ? [] : await summaryRows(deps.pool, ctx, t.name)),
    ),
  );
  return reportOf(ctx, tables);
}

/** One table of a report: the header first, then rows in batches, read with a cursor. */
export async function* exportReport(
  deps: ReportingDeps,
  p: Principal,
  req: pb.ExportReportRequest,
  cancelled: AbortSignal,
): AsyncGenerator<pb.ExportReportResponse> {
  const ctx = await prepare(deps, p, req.report, req.filter);
  const table = tableNamed(ctx.spec, req.table);
  if (!table)
    throw invalidArgument([
      {
        field: 'table',
        reason: `must be one of ${ctx.spec.tables.map((t) => t.name).join(', ')}`,
      },
    ]);
  yield { header: reportOf(ctx, [tableOf(table, [])]), rows: [] };

  if (!table.exportOnly) {
    const rows = await summaryRows(deps.pool, ctx, table.name);
    for (let i = 0; i < rows.length && !cancelled.aborted; i += EXPORT_BATCH_ROWS)
      yield {
        header: undefined,
        rows: rows.slice(i, i + EXPORT_BATCH_ROWS).map((cells) => ({ cells })),
      };
    return;
  }
  const query = detailQuery(ctx, table.name);
  if (!query) return;
  for await (const rows of q.readInBatches(deps.pool, query, EXPORT_BATCH_ROWS, cancelled))
    yield { header: undefined, rows: rows.map((cells) => ({ cells })) };
}

/** The reports the caller may read, with their tables and filters (the gateway's catalogue). */
export const listReports = (p: Principal): pb.ReportDescription[] =>
  REPORTS.filter((r) => mayRead(r, p.roles)).map((r: ReportSpec) => ({
    report: r.name,
    titleZh: r.zh,
    titleEn: r.en,
    filters: [...r.filters],
    roles: r.roles === 'staff' ? [] : [...r.roles],
    tables: r.tables.map((t) => tableOf(t, [])),
  }));

async function prepare(
  deps: ReportingDeps,
  p: Principal,
  name: string,
  filter: pb.ReportFilter | undefined,
): Promise<ReportContext> {
  const spec = reportNamed(name);
  if (!spec)
    throw invalidArgument([
      { field: 'report', reason: `must be one of ${REPORTS.map((r) => r.name).join(', ')}` },
    ]);
  if (!mayRead(spec, p.roles))
    throw permissionDenied(
      `the ${spec.name} report needs one of the roles ${(spec.roles as string[]).join(', ')}`,
    );
  const raw: RawFilter = {
    branchId: filter?.branchId ?? '',
    productCode: filter?.productCode ?? '',
    from: filter?.from ?? '',
    to: filter?.to ?? '',
    asOf: filter?.asOf ?? '',
  };
  const limits = {
    today: calendarDateIn(deps.config.BANK_TIME_ZONE, deps.now()),
    maxRangeDays: deps.config.REPORT_MAX_RANGE_DAYS,
  };
  let checked = checkFilter(spec, raw, limits);
  if (checked.violations.length > 0) throw invalidArgument(checked.violations);

  const branches = await branchesOf(deps, p, raw.branchId);
  const lastBusinessDate = (await q.lastBusinessDate(deps.pool)) ?? '';
  if (spec.filters.includes('asOf')) {
    if (raw.asOf && !(await q.isClosedBusinessDate(deps.pool, raw.asOf)))
      throw invalidArgument([
        {
          field: 'asOf',
          reason: lastBusinessDate
            ? `is not a closed business date (the last is ${lastBusinessDate})`
            : 'no business date has been closed yet',
        },
      ]);
    // The flows' range ends at the as-of date unless asked otherwise.
    if (!raw.asOf && lastBusinessDate) {
      checked = checkFilter(spec, { ...raw, asOf: lastBusinessDate }, limits);
      if (checked.violations.length > 0) throw invalidArgument(checked.violations);
    }
  }
  return {
    spec,
    filter: checked.filter,
    slice: { branches, productCode: raw.productCode, timeZone: deps.config.BANK_TIME_ZONE },
    now: deps.now(),
    today: limits.today,
    until: addDays(checked.filter.to, 1),
    lastBusinessDate,
    dataAsOf: await q.dataAsOf(deps.pool),
  };
}

/**
 * The branches a report covers: the caller's scope, or the asked branch's subtree within it. A
 * branch outside the scope is refused the same whether it exists or not.
 */
async function branchesOf(
  deps: ReportingDeps,
  p: Principal,
  branchId: string,
): Promise<string[] | null> {
  const scope = branchScopeOf(p);
  if (!branchId) return scope;
  if (!canAccessBranch(p, branchId))
    throw new DomainError(
      'permission_denied',
      `branchId: ${branchId} is not within your branches`,
      [{ field: 'branchId', reason: 'is not within your branches' }],
    );
  const subtree = await subtreeOf(deps.pool, branchId);
  return scope === null ? subtree : subtree.filter((b) => scope.includes(b));
}

function tableOf(t: TableSpec, rows: string[][]): pb.ReportTable {
  return {
    name: t.name,
    titleZh: t.zh,
    titleEn: t.en,
    columns: t.columns.map((c) => ({ key: c.key, labelZh: c.zh, labelEn: c.en, type: c.type })),
    rows: rows.map((cells) => ({ cells })),
    exportOnly: t.exportOnly ?? false,
  };
}

function reportOf(ctx: ReportContext, tables: pb.ReportTable[]): pb.Report {
  const f = ctx.filter;
  return {
    report: ctx.spec.name,
    titleZh: ctx.spec.zh,
    titleEn: ctx.spec.en,
    asOf: ctx.spec.filters.includes('asOf') ? f.asOf : f.to,
    scope: ctx.slice.branches ?? ['*'],
    filter: {
      branchId: f.branchId,
      productCode: f.productCode,
      from: f.from,
      to: f.to,
      asOf: f.asOf,
    },
    tables,
    dataAsOf: ctx.dataAsOf,
    lastBusinessDate: ctx.lastBusinessDate,
  };
}
