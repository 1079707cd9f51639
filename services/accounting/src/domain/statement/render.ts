import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { SegmentKind, Statement, StatementLine } from './types';

const KIND_LABEL: Record<SegmentKind, string> = {
  normal: 'normal 正常利息',
  penalty: 'penalty 罚息',
  compound: 'compound 复利',
};
const TOTAL_LABEL: Record<SegmentKind, string> = {
  normal: 'total normal 正常利息合计',
  penalty: 'total penalty 罚息合计',
  compound: 'total compound 复利合计',
};
const GRAND_TOTAL_LABEL = 'total 利息合计';
const KINDS: readonly SegmentKind[] = ['normal', 'penalty', 'compound'];

interface Column {
  en: string;
  zh: string;
  width: number;
  align: 'left' | 'right';
}
// Widths add up to the A4 width less both side margins (595.28 - 2 × 40).
const COLUMNS: readonly Column[] = [
  { en: 'kind', zh: '类型', width: 100.28, align: 'left' },
  { en: 'start', zh: '起息日', width: 68, align: 'left' },
  { en: 'end', zh: '止息日', width: 68, align: 'left' },
  { en: 'days', zh: '天数', width: 40, align: 'right' },
  { en: 'base', zh: '计息基数', width: 90, align: 'right' },
  { en: 'rate', zh: '年利率%', width: 55, align: 'right' },
  { en: 'interest', zh: '利息', width: 94, align: 'right' },
];

function kindLabel(kind: SegmentKind): string {
  // Lines arrive from storage or JSON, where the compiler no longer vouches for the union.
  if (!Object.hasOwn(KIND_LABEL, kind)) throw new Error(`unknown segment kind: ${String(kind)}`);
  return KIND_LABEL[kind];
}

function lineCells(line: StatementLine): string[] {
  return [
    kindLabel(line.kind),
    line.start,
    line.end,
    String(line.days),
    line.base,
    line.annualRatePercent,
    line.interest,
  ];
}

function totalRows(s: Statement): [label: string, amount: string][] {
  return [
    ...KINDS.map((k): [string, string] => [TOTAL_LABEL[k], s.totals[k]]),
    [GRAND_TOTAL_LABEL, s.totals.total],
  ];
}

interface HeaderRow {
  zh: string;
  en: string;
  value: string;
}

const INTEREST_BASIS_LABEL: Record<string, string> = {
  daily: '按日计息 daily',
  period: '按期计息 per period',
};

function rateTypeLabel(h: Statement['header']): string {
  if (h.rateType !== 'floating') return '固定 fixed';
  const spread = h.spreadBp < 0 ? `- ${-h.spreadBp}` : `+ ${h.spreadBp}`;
  return `浮动 floating: ${h.lprTerm} LPR ${spread} bp`;
}

/** The header as label–value rows, the same in every format. */
function headerRows(s: Statement): HeaderRow[] {
  const h = s.header;
  return [
    { zh: '银行', en: 'Bank', value: `${h.bankNameZh} ${h.bankName}` },
    { zh: '贷款编号', en: 'Loan number', value: s.loanNumber },
    // A loan booked before names were kept prints a dash rather than an empty field.
    { zh: '借款人', en: 'Borrower', value: h.customerName || '—' },
    { zh: '客户编号', en: 'Customer ID', value: h.customerId },
    { zh: '机构', en: 'Branch', value: h.branchId },
    { zh: '产品', en: 'Product', value: h.productCode },
    { zh: '币种', en: 'Currency', value: h.currency },
    { zh: '年利率%', en: 'Annual rate %', value: h.annualRatePercent },
    { zh: '利率类型', en: 'Rate type', value: rateTypeLabel(h) },
    { zh: '计息基准', en: 'Day count', value: h.dayCount },
    {
      zh: '计息方式',
      en: 'Interest basis',
      value: INTEREST_BASIS_LABEL[h.interestBasis] ?? h.interestBasis,
    },
    { zh: '计息期间', en: 'Period', value: `${s.from} 至 ${s.to}` },
    { zh: '时区', en: 'Time zone', value: `${h.timeZone} (营业日期 business dates)` },
    { zh: '生成时间', en: 'Generated at', value: h.generatedAt },
  ];
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * RFC 4180 CSV with a UTF-8 byte order mark: without the BOM, Excel on a Chinese-locale Windows
 * reads the file as GBK and garbles the Chinese. Write the returned string as UTF-8. The header
 * comes first as label–value records, then an empty record, then the table.
 */
export function statementCsv(s: Statement): string {
  const blank = COLUMNS.slice(2).map(() => '');
  const records = [
    ...headerRows(s).map((r) => [`${r.en} ${r.zh}`, r.value]),
    [''],
    COLUMNS.map((c) => `${c.en} ${c.zh}`),
    ...s.lines.map(lineCells),
    ...totalRows(s).map(([label, amount]) => [label, ...blank, amount]),
  ];
  return '\uFEFF' + records.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export interface PdfOptions {
  /** Off only in tests, so that content streams and the ToUnicode CMap can be read as text. */
  compress?: boolean;
}

// Noto Sans Hans (Noto Sans CJK SC limited to GB 2312), OFL-1.1. The package's exports map
// exposes only its JS entry, so the font is located relative to that rather than by subpath.
const CJK_FONT_FILE = 'NotoSansHans-Regular.otf';
function cjkFontPath(): string {
  return join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', CJK_FONT_FILE);
}

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 40;
const MARGIN_TOP = 40;
// Table rows stop here; the footer sits below, inside the bottom margin.
const CONTENT_BOTTOM = PAGE_HEIGHT - 56;
const FOOTER_Y = PAGE_HEIGHT - 34;
const ROW_HEIGHT = 14;
const HEADER_HEIGHT = 26;
const CELL_PAD = 4;
const TABLE_FONT_SIZE = 8.5;
const MIN_FONT_SIZE = 5;
const RULE_COLOR = '#999999';
const HEADER_FILL = '#e8e8e8';
const STRIPE_FILL = '#f5f5f5';

type Doc = PDFKit.PDFDocument;

/**
 * Every write goes through here with line breaking off: pdfkit otherwise wraps long values and
 * starts pages on its own, which would break the table's own pagination and the footer.
 */
function put(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  opts: { size: number; width?: number; align?: 'left' | 'right' | 'center' },
): void {
  let size = opts.size;
  doc.fontSize(size);
  if (opts.width !== undefined) {
    // A value too wide for its column is shrunk rather than cut: an amount must stay whole.
    while (size > MIN_FONT_SIZE && doc.widthOfString(text) > opts.width) {
      size -= 0.5;
      doc.fontSize(size);
    }
    const slack = opts.width - doc.widthOfString(text);
    if (opts.align === 'right') x += slack;
    else if (opts.align === 'center') x += slack / 2;
  }
  doc.text(text, x, y, { lineBreak: false });
}

function drawTableHeader(doc: Doc, y: number): number {
  const width = PAGE_WIDTH - 2 * MARGIN_X;
  doc.rect(MARGIN_X, y, width, HEADER_HEIGHT).fill(HEADER_FILL);
  doc.fillColor('black');
  let x = MARGIN_X;
  for (const c of COLUMNS) {
    const inner = { width: c.width - 2 * CELL_PAD, align: c.align };
    put(doc, c.zh, x + CELL_PAD, y + 3, { size: TABLE_FONT_SIZE, ...inner });
    put(doc, c.en, x + CELL_PAD, y + 14, { size: 7, ...inner });
    x += c.width;
  }
  doc
    .moveTo(MARGIN_X, y + HEADER_HEIGHT)
    .lineTo(MARGIN_X + width, y + HEADER_HEIGHT)
    .lineWidth(0.75)
    .stroke(RULE_COLOR);
  return y + HEADER_HEIGHT + 2;
}

function drawRow(doc: Doc, cells: readonly string[], y: number, stripe: boolean): void {
  if (stripe) {
    doc.rect(MARGIN_X, y, PAGE_WIDTH - 2 * MARGIN_X, ROW_HEIGHT).fill(STRIPE_FILL);
    doc.fillColor('black');
  }
  let x = MARGIN_X;
  COLUMNS.forEach((c, i) => {
    const text = cells[i] ?? '';
    if (text !== '') {
      put(doc, text, x + CELL_PAD, y + 3, {
        size: TABLE_FONT_SIZE,
        width: c.width - 2 * CELL_PAD,
        align: c.align,
      });
    }
    x += c.width;
  });
}

function drawHeading(doc: Doc, s: Statement): number {
  const width = PAGE_WIDTH - 2 * MARGIN_X;
  put(doc, s.header.bankNameZh, MARGIN_X, MARGIN_TOP, { size: 12, width });
  put(doc, s.header.bankName, MARGIN_X, MARGIN_TOP + 16, { size: 9, width });
  put(doc, '分段利息清单', MARGIN_X, MARGIN_TOP + 34, { size: 18 });
  put(doc, 'Segmented interest statement', MARGIN_X, MARGIN_TOP + 58, { size: 11 });
  let y = MARGIN_TOP + 80;
  // The bank already heads the page; the remaining rows are label and value.
  for (const row of headerRows(s).slice(1)) {
    put(doc, `${row.zh} ${row.en}`, MARGIN_X, y, { size: 9 });
    put(doc, row.value, MARGIN_X + 130, y, { size: 9, width: width - 130 });
    y += 14;
  }
  return y + 10;
}

function drawContinuationHeading(doc: Doc, s: Statement): number {
  put(doc, `分段利息清单 Segmented interest statement · ${s.loanNumber}`, MARGIN_X, MARGIN_TOP, {
    size: 9,
    width: PAGE_WIDTH - 2 * MARGIN_X,
  });
  return MARGIN_TOP + 18;
}

function drawFooters(doc: Doc): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    put(doc, `第 ${i + 1} 页 / 共 ${count} 页`, MARGIN_X, FOOTER_Y, {
      size: 8,
      width: PAGE_WIDTH - 2 * MARGIN_X,
      align: 'center',
    });
  }
}

function layout(doc: Doc, s: Statement): void {
  let y = drawTableHeader(doc, drawHeading(doc, s));
  const room = (height: number) => {
    if (y + height <= CONTENT_BOTTOM) return;
    doc.addPage();
    y = drawTableHeader(doc, drawContinuationHeading(doc, s));
  };
  s.lines.forEach((line, i) => {
    room(ROW_HEIGHT);
    drawRow(doc, lineCells(line), y, i % 2 === 1);
    y += ROW_HEIGHT;
  });
  const totals = totalRows(s);
  // Keeps the totals block together rather than leaving the grand total alone on a new page.
  room(ROW_HEIGHT * totals.length + 6);
  doc
    .moveTo(MARGIN_X, y + 2)
    .lineTo(PAGE_WIDTH - MARGIN_X, y + 2)
    .lineWidth(0.75)
    .stroke(RULE_COLOR);
  y += 6;
  for (const [label, amount] of totals) {
    // The label may run across the date columns, which are empty on a totals row.
    put(doc, label, MARGIN_X + CELL_PAD, y + 3, { size: TABLE_FONT_SIZE });
    drawRow(
      doc,
      COLUMNS.map((_, i) => (i === COLUMNS.length - 1 ? amount : '')),
      y,
      false,
    );
    y += ROW_HEIGHT;
  }
  drawFooters(doc);
}

/**
 * A4 PDF of the statement. The CJK font is embedded as a subset of the glyphs used, so the file
 * stays small and renders the same on machines without Chinese fonts.
 */
export function statementPdf(s: Statement, options: PdfOptions = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const generatedAt = new Date(s.header.generatedAt);
    const doc = new PDFDocument({
      size: 'A4',
      margins: {
        top: MARGIN_TOP,
        bottom: PAGE_HEIGHT - CONTENT_BOTTOM,
        left: MARGIN_X,
        right: MARGIN_X,
      },
      bufferPages: true,
      compress: options.compress ?? true,
      font: cjkFontPath(),
      info: {
        Title: `分段利息清单 Segmented interest statement ${s.loanNumber}`,
        Subject: `${s.from} – ${s.to}`,
        Creator: 'LoanFlow accounting',
        Author: s.header.bankName,
        // The statement's own timestamp, not the clock, so the same statement gives the same bytes.
        ...(Number.isNaN(generatedAt.getTime()) ? {} : { CreationDate: generatedAt }),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    layout(doc, s);
    doc.end();
  });
}
