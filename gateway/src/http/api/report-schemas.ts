/**
 * The schemas of 统计报表 at the edge. A report answers as JSON with each table's rows as objects
 * keyed by the column keys; every value is a string in its column's type (money and ratios exact
 * decimals, never JSON numbers; '' for no value), so a client reads figures to the fen.
 */
import type { reportingV1 as pb } from '@loanflow/proto';
import { z } from 'zod';
import { isoDate, text, words } from './schemas';
import { branchId, productCode } from './accounting-schemas';

export const REPORT_NAMES = ['approval-efficiency', 'pipeline', 'portfolio', 'post-loan'] as const;
export const FORMATS = ['json', 'csv', 'xlsx'] as const;

export const ReportParams = z.strictObject({ report: words(REPORT_NAMES, 'report') });

export const ReportQuery = z.strictObject({
  branchId: branchId
    .meta({ description: 'A branch of your scope; its sub-branches are included' })
    .optional(),
  productCode: productCode.optional(),
  from: isoDate
    .meta({ description: 'Start of the range (inclusive); default: 12 months back' })
    .optional(),
  to: isoDate
    .meta({ description: 'End of the range (inclusive); default: today (portfolio: asOf)' })
    .optional(),
  asOf: isoDate
    .meta({ description: 'Portfolio: a closed business date; default the last one' })
    .optional(),
  format: words(FORMATS, 'report format').optional(),
  table: text(64, 1)
    .meta({ description: 'The table to export (CSV: default the first; XLSX: default all)' })
    .optional(),
});

const Column = z.object({
  key: z.string(),
  labelZh: z.string(),
  labelEn: z.string(),
  type: z.enum(['text', 'integer', 'money', 'money_wan', 'ratio', 'days', 'date', 'month']).meta({
    description:
      'money: yuan, 2 places; money_wan: 万元, 2 places half-up; ratio: 0..1, 4 places; days: working days',
  }),
});

const Table = z.object({
  name: z.string(),
  titleZh: z.string(),
  titleEn: z.string(),
  exportOnly: z
    .boolean()
    .meta({ description: 'A detail table: no rows here, export it as CSV or XLSX' }),
  columns: z.array(Column),
  rows: z.array(z.record(z.string(), z.string())),
});

const Filter = z.object({
  branchId: z.string(),
  productCode: z.string(),
  from: z.string(),
  to: z.string(),
  asOf: z.string(),
});

export const Report = z
  .object({
    report: z.string(),
    titleZh: z.string(),
    titleEn: z.string(),
    asOf: z.string().meta({ description: 'The business date of stock figures, or the range end' }),
    scope: z.array(z.string()).meta({ description: '["*"] for every branch, else the codes' }),
    filter: Filter,
    tables: z.array(Table),
    dataAsOf: z.string().meta({ description: 'When the read models last applied an event' }),
    lastBusinessDate: z.string(),
  })
  .meta({ id: 'Report' });

export const ReportCatalogue = z.object({
  reports: z.array(
    z.object({
      report: z.string(),
      titleZh: z.string(),
      titleEn: z.string(),
      filters: z.array(z.string()),
      roles: z.array(z.string()).meta({ description: 'Empty: every staff role' }),
      tables: z.array(Table.omit({ rows: true })),
    }),
  ),
});

const tableJson = (t: pb.ReportTable) => ({
  name: t.name,
  titleZh: t.titleZh,
  titleEn: t.titleEn,
  exportOnly: t.exportOnly,
  columns: t.columns.map((c) => ({ ...c, type: c.type as z.output<typeof Column>['type'] })),
  rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c.key, r.cells[i] ?? '']))),
});

export const reportJson = (r: pb.Report): z.output<typeof Report> => ({
  report: r.report,
  titleZh: r.titleZh,
  titleEn: r.titleEn,
  asOf: r.asOf,
  scope: r.scope,
  filter: {
    branchId: r.filter?.branchId ?? '',
    productCode: r.filter?.productCode ?? '',
    from: r.filter?.from ?? '',
    to: r.filter?.to ?? '',
    asOf: r.filter?.asOf ?? '',
  },
  tables: r.tables.map(tableJson),
  dataAsOf: r.dataAsOf,
  lastBusinessDate: r.lastBusinessDate,
});

export const catalogueJson = (reports: pb.ReportDescription[]) => ({
  reports: reports.map((r) => ({
    report: r.report,
    titleZh: r.titleZh,
    titleEn: r.titleEn,
    filters: r.filters,
    roles: r.roles,
    tables: r.tables.map((t) => {
      const { rows: _rows, ...rest } = tableJson(t);
      return rest;
    }),
  })),
});
