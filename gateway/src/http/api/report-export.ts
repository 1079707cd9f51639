/**
 * The report exports: CSV (UTF-8 with a BOM, RFC 4180, bilingual header) and XLSX (exceljs's
 * streaming writer: a title row, the header frozen below it, number formats per column type),
 * both written row by row as the rows arrive, so that a million-row table never sits in memory.
 */
import type { Writable } from 'node:stream';
import type { reportingV1 as pb } from '@loanflow/proto';
import ExcelJS from 'exceljs';

/** Excel number formats by column type; text, date and month cells stay text. */
export const NUMBER_FORMATS: Record<string, string> = {
  integer: '#,##0',
  money: '#,##0.00',
  money_wan: '#,##0.00',
  ratio: '0.00%',
  days: '0.00',
};

/** "正常 Normal": how a column is headed in both exports. */
export const columnHeading = (c: pb.Column): string => `${c.labelZh} ${c.labelEn}`;

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csvRecord = (cells: readonly string[]): string => cells.map(csvField).join(',') + '\r\n';

/**
 * The start of a CSV export: the byte order mark (without it Excel on a Chinese-locale Windows
 * reads the file as GBK and garbles the Chinese) and the header record.
 */
export const csvStart = (table: pb.ReportTable): string =>
  '\uFEFF' + csvRecord(table.columns.map(columnHeading));

/** Rows as CSV records (cells are exact decimal strings already: written as they are). */
export const csvRows = (rows: readonly pb.Row[]): string =>
  rows.map((r) => csvRecord(r.cells)).join('');

/** What the title row says: the report, the as-of date and the branches covered. */
export function titleOf(report: pb.Report, table: pb.ReportTable): string {
  const scope = report.scope.includes('*') ? '全行 all branches' : report.scope.join(', ');
  return (
    `${report.titleZh} ${report.titleEn} — ${table.titleZh} ${table.titleEn} — ` +
    `截至 as of ${report.asOf || '—'} — 范围 scope: ${scope}`
  );
}

/** A cell as Excel should hold it: numbers for numeric columns, '' as an empty cell. */
function excelValue(type: string, cell: string): string | number | null {
  if (cell === '') return null;
  if (NUMBER_FORMATS[type] === undefined) return cell;
  const n = Number(cell);
  return Number.isFinite(n) ? n : cell;
}

export interface SheetWriter {
  /** Adds and commits rows (each is flushed to the stream, not kept). */
  addRows(rows: readonly pb.Row[]): void;
  /**
   * The stream to wait for ('drain') before adding more rows, when the zip behind the sheet is
   * full; undefined while it has room.
   */
  full(): Writable | undefined;
  commit(): Promise<void>;
}

/**
 * Where a sheet's XML waits to be zipped. exceljs writes the sheet into its own StreamBuf, which
 * hands every 64 KB on to archiver's input (a PassThrough archiver puts in front of it) without
 * heeding backpressure: while the response is full, that input grows without bound. Its own
 * `writableNeedDrain` still says when it is over its high-water mark, and it emits 'drain' once
 * the zip has taken it all. (exceljs 4.4: WorksheetWriter.stream → StreamBuf.pipes.)
 */
function zipInputOf(sheet: ExcelJS.Worksheet): Writable | undefined {
  const buffered = (sheet as unknown as { stream?: { pipes?: Writable[] } }).stream;
  return buffered?.pipes?.[0];
}

/** An XLSX workbook written straight to `out` (an HTTP response), sheet by sheet. */
export class XlsxReportWriter {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;

  constructor(out: Writable) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
  }

  /** A sheet for `table`: the title row, the bilingual header frozen below it. */
  addSheet(report: pb.Report, table: pb.ReportTable): SheetWriter {
    const sheet = this.workbook.addWorksheet(table.name.slice(0, 31), {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 2 }],
    });
    sheet.columns = table.columns.map((c) => ({
      key: c.key,
      width: Math.min(40, Math.max(12, columnHeading(c).length + 2)),
    }));
    const title = sheet.addRow([titleOf(report, table)]);
    title.font = { bold: true, size: 13 };
    title.commit();
    const header = sheet.addRow(table.columns.map(columnHeading));
    header.font = { bold: true };
    header.commit();
    const types = table.columns.map((c) => c.type);
    return {
      addRows(rows) {
        for (const r of rows) {
          const row = sheet.addRow(r.cells.map((cell, i) => excelValue(types[i] ?? 'text', cell)));
          types.forEach((t, i) => {
            const format = NUMBER_FORMATS[t];
            if (format) row.getCell(i + 1).numFmt = format;
          });
          row.commit();
        }
      },
      full: () => (zipInputOf(sheet)?.writableNeedDrain ? zipInputOf(sheet) : undefined),
      commit: async () => sheet.commit(),
    };
  }

  /** Writes the workbook's closing parts and ends the stream. */
  commit(): Promise<void> {
    return this.workbook.commit();
  }
}
