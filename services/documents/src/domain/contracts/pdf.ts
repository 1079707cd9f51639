/**
 * The contract as an A4 PDF with the Chinese text in an embedded subset of Noto Sans Hans. The
 * same document always gives the same bytes, since the signatures are over those bytes.
 */
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { Decimal } from 'decimal.js';
import PDFDocument from 'pdfkit';
import { amountInCapitals } from './numerals';

export type PartyRole = 'lender' | 'borrower' | 'guarantor';

export interface ContractParty {
  role: PartyRole;
  name: string;
  /** Resident ID number or unified social credit code, in full: a contract names its parties. */
  idNumber?: string;
  address?: string;
}

export interface ScheduleRow {
  period: number;
  dueDate: string;
  principal: string;
  interest: string;
  total: string;
}

export interface ContractDocument {
  contractNumber: string;
  title: string;
  templateCode: string;
  templateVersion: number;
  parties: ContractParty[];
  /** Yuan, a decimal string with at most 2 places. */
  amount: string;
  /** Must be `amountInCapitals(amount)`. */
  amountInCapitals: string;
  annualRatePercent: string;
  termMonths: number;
  repaymentMethodZh: string;
  disbursementDate: string;
  maturityDate: string;
  /** 利率定价基础 (固定利率, LPR + 基点); the rate clause says the rest. */
  rateBasisZh?: string;
  /** 还款日 (每月7日, 每月最后一日) and the first due date; absent for bullet loans. */
  repaymentDayZh?: string;
  firstDueDate?: string;
  /** Already rendered, unnumbered: they are numbered 第一条, 第二条, … here. */
  clauses: string[];
  schedule: ScheduleRow[];
  scheduleTotals: { principal: string; interest: string; total: string };
  /** ISO 8601; becomes the PDF's creation and modification date. */
  generatedAt: string;
}

export interface ContractPdfOptions {
  /** Off only in tests, so that content streams and the ToUnicode CMap can be read as text. */
  compress?: boolean;
}

export const ROLE_LABEL: Record<PartyRole, string> = {
  lender: '贷款人',
  borrower: '借款人',
  guarantor: '保证人',
};

function roleLabel(role: PartyRole): string {
  // Parties arrive from storage or JSON, where the compiler no longer vouches for the union.
  if (!Object.hasOwn(ROLE_LABEL, role)) throw new RangeError(`unknown party role: ${String(role)}`);
  return ROLE_LABEL[role];
}

// ---------------------------------------------------------------------------------------------
// Consistency: a contract whose figures disagree is refused rather than rendered.

const DECIMAL = /^-?\d+(\.\d+)?$/;

function decimal(value: string, what: string): Decimal {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw new RangeError(`${what} is not a decimal string: ${JSON.stringify(value)}`);
  }
  return new Decimal(value);
}

function checkDocument(c: ContractDocument): Date {
  const generatedAt = new Date(c.generatedAt);
  if (typeof c.generatedAt !== 'string' || Number.isNaN(generatedAt.getTime())) {
    // Falling back to the clock would give different bytes each time.
    throw new RangeError(`generatedAt is not a timestamp: ${JSON.stringify(c.generatedAt)}`);
  }
  const capitals = amountInCapitals(c.amount);
  if (c.amountInCapitals !== capitals) {
    throw new RangeError(
      `amountInCapitals "${c.amountInCapitals}" does not read ${c.amount} (expected "${capitals}")`,
    );
  }
  c.parties.forEach((p) => roleLabel(p.role));
  if (c.schedule.length === 0) throw new RangeError('the repayment schedule is empty');
  const sums = { principal: new Decimal(0), interest: new Decimal(0), total: new Decimal(0) };
  for (const row of c.schedule) {
    const principal = decimal(row.principal, `period ${row.period} principal`);
    const interest = decimal(row.interest, `period ${row.period} interest`);
    const total = decimal(row.total, `period ${row.period} total`);
    if (!principal.plus(interest).equals(total)) {
      throw new RangeError(`period ${row.period}: principal + interest is not the total`);
    }
    sums.principal = sums.principal.plus(principal);
    sums.interest = sums.interest.plus(interest);
    sums.total = sums.total.plus(total);
  }
  for (const key of ['principal', 'interest', 'total'] as const) {
    if (!sums[key].equals(decimal(c.scheduleTotals[key], `scheduleTotals.${key}`))) {
      throw new RangeError(
        `scheduleTotals.${key} ${c.scheduleTotals[key]} is not the sum of the schedule, ${sums[key].toFixed()}`,
      );
    }
  }
  if (!sums.principal.equals(new Decimal(c.amount))) {
    throw new RangeError(
      `the schedule repays ${sums.principal.toFixed()}, not the amount ${c.amount}`,
    );
  }
  return generatedAt;
}

/** "1234567.5" → "1,234,567.50": grouped, two places, from the string and never a float. */
export function formatYuan(amount: string): string {
  const m = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!m) throw new RangeError(`not an amount with at most 2 places: ${JSON.stringify(amount)}`);
  const grouped = m[2].replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+$)/g, ',');
  return `${m[1]}${grouped}.${(m[3] ?? '').padEnd(2, '0')}`;
}

/** Between a clause's number and its text: an ideographic space. */
export const CLAUSE_GAP = '\u3000';

const ORDINAL_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 第一条 … 第九十九条. */
export function clauseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`clause number ${n}`);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const tensText = tens === 0 ? '' : tens === 1 ? '十' : ORDINAL_DIGITS[tens] + '十';
  return `第${tensText}${ORDINAL_DIGITS[ones]}条`;
}

/** Key order fixed, so the same document gives the same digest however it was built. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** SHA-256 of the document's content, recorded in the PDF and the source of its file ID. */
export function contractContentDigest(c: ContractDocument): string {
  return createHash('sha256').update(canonicalJson(c)).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Layout

// Noto Sans Hans (Noto Sans CJK SC limited to GB 2312), OFL-1.1. The package's exports map
// exposes only its JS entry, so the font is located relative to that rather than by subpath.
const CJK_FONT_FILE = 'NotoSansHans-Regular.otf';
function cjkFontPath(): string {
  return join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts', CJK_FONT_FILE);
}

const PAGE_WIDTH = 595.28;
const PAGE_HEIGHT = 841.89;
const MARGIN_X = 56;
const MARGIN_TOP = 56;
const CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X;
// Content stops here; the footer sits below, inside the bottom margin.
const CONTENT_BOTTOM = PAGE_HEIGHT - 64;
const FOOTER_Y = PAGE_HEIGHT - 40;
const BODY_SIZE = 10.5;
const TABLE_SIZE = 9;
const MIN_FONT_SIZE = 5;
const CELL_PAD = 4;
const RULE_COLOR = '#999999';
const HEADER_FILL = '#e8e8e8';

type Doc = PDFKit.PDFDocument;
type Align = 'left' | 'right' | 'center';

/** One line, never wrapped: a value too wide is shrunk rather than cut, so it stays whole. */
function put(
  doc: Doc,
  text: string,
  x: number,
  y: number,
  opts: { size: number; width?: number; align?: Align },
): void {
  let size = opts.size;
  doc.fontSize(size);
  if (opts.width !== undefined) {
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

interface Column {
  title: string;
  width: number;
  align: Align;
}

class Layout {
  y = MARGIN_TOP;

  constructor(readonly doc: Doc) {}

  /** Starts a new page unless `height` still fits on this one. */
  need(height: number): void {
    if (this.y + height <= CONTENT_BOTTOM) return;
    this.doc.addPage();
    this.y = MARGIN_TOP;
  }

  heading(text: string): void {
    this.need(60); // a heading is not left alone at the foot of a page
    this.y += 8;
    put(this.doc, text, MARGIN_X, this.y, { size: 12.5 });
    this.y += 22;
  }

  /** Wrapped text; a paragraph longer than a page flows on to the next. */
  paragraph(text: string, size = BODY_SIZE, gap = 6): void {
    const doc = this.doc;
    doc.fontSize(size);
    const options = { width: CONTENT_WIDTH, lineGap: 3 };
    const height = doc.heightOfString(text, options);
    if (height <= CONTENT_BOTTOM - MARGIN_TOP) this.need(height);
    doc.text(text, MARGIN_X, this.y, options);
    this.y = doc.y + gap;
  }

  /** A table whose cells wrap; the header row repeats on each page the table runs onto. */
  table(columns: readonly Column[], rows: readonly string[][], size = TABLE_SIZE): void {
    const doc = this.doc;
    const header = () => {
      const h = size + 2 * CELL_PAD + 4;
      doc.rect(MARGIN_X, this.y, CONTENT_WIDTH, h).fill(HEADER_FILL);
      doc.fillColor('black');
      let x = MARGIN_X;
      for (const c of columns) {
        put(doc, c.title, x + CELL_PAD, this.y + CELL_PAD + 1, {
          size,
          width: c.width - 2 * CELL_PAD,
          align: c.align,
        });
        x += c.width;
      }
      this.y += h;
    };
    this.need(2 * (size + 2 * CELL_PAD + 4));
    header();
    for (const row of rows) {
      doc.fontSize(size);
      const heights = columns.map((c, i) =>
        doc.heightOfString(row[i] || ' ', { width: c.width - 2 * CELL_PAD, lineGap: 1 }),
      );
      const h = Math.max(...heights) + 2 * CELL_PAD;
      if (this.y + h > CONTENT_BOTTOM) {
        doc.addPage();
        this.y = MARGIN_TOP;
        header();
      }
      let x = MARGIN_X;
      columns.forEach((c, i) => {
        const text = row[i] ?? '';
        if (text !== '') {
          doc.fontSize(size);
          doc.text(text, x + CELL_PAD, this.y + CELL_PAD, {
            width: c.width - 2 * CELL_PAD,
            align: c.align,
            lineGap: 1,
          });
        }
        x += c.width;
      });
      this.y += h;
      doc
        .moveTo(MARGIN_X, this.y)
        .lineTo(MARGIN_X + CONTENT_WIDTH, this.y)
        .lineWidth(0.5)
        .stroke(RULE_COLOR);
    }
    this.y += 6;
  }
}

const PARTY_COLUMNS: readonly Column[] = [
  { title: '当事人', width: 70, align: 'left' },
  { title: '名称', width: 150, align: 'left' },
  { title: '证件号码', width: 120, align: 'left' },
  { title: '住所', width: CONTENT_WIDTH - 340, align: 'left' },
];

const TERM_COLUMNS: readonly Column[] = [
  { title: '项目', width: 130, align: 'left' },
  { title: '约定', width: CONTENT_WIDTH - 130, align: 'left' },
];

const SCHEDULE_COLUMNS: readonly Column[] = [
  { title: '期次', width: 50, align: 'right' },
  { title: '还款日', width: 90, align: 'left' },
  { title: '应还本金（元）', width: 113, align: 'right' },
  { title: '应还利息（元）', width: 113, align: 'right' },
  { title: '应还合计（元）', width: CONTENT_WIDTH - 366, align: 'right' },
];

/** Periods shown in full when the schedule is longer: the first six and the last two. */
export const SCHEDULE_HEAD = 6;
export const SCHEDULE_TAIL = 2;
export const ELLIPSIS = '……';

/** The schedule rows shown: all of a short schedule, else the head, an ellipsis row, the tail. */
export function scheduleSummary(schedule: readonly ScheduleRow[]): string[][] {
  const cells = (r: ScheduleRow) => [
    String(r.period),
    r.dueDate,
    formatYuan(r.principal),
    formatYuan(r.interest),
    formatYuan(r.total),
  ];
  if (schedule.length <= SCHEDULE_HEAD + SCHEDULE_TAIL) return schedule.map(cells);
  return [
    ...schedule.slice(0, SCHEDULE_HEAD).map(cells),
    [ELLIPSIS, ELLIPSIS, ELLIPSIS, ELLIPSIS, ELLIPSIS],
    ...schedule.slice(-SCHEDULE_TAIL).map(cells),
  ];
}

function drawTitle(l: Layout, c: ContractDocument): void {
  put(l.doc, c.title, MARGIN_X, l.y, { size: 20, width: CONTENT_WIDTH, align: 'center' });
  l.y += 34;
  put(l.doc, `合同编号：${c.contractNumber}`, MARGIN_X, l.y, {
    size: 10,
    width: CONTENT_WIDTH,
    align: 'right',
  });
  put(l.doc, `合同文本：${c.templateCode} 第${c.templateVersion}版`, MARGIN_X, l.y, { size: 8 });
  l.y += 22;
}

function drawSignatures(l: Layout, c: ContractDocument): void {
  l.heading('五、签署');
  const blockHeight = 70;
  for (const p of c.parties) {
    l.need(blockHeight);
    const doc = l.doc;
    doc
      .rect(MARGIN_X, l.y, CONTENT_WIDTH, blockHeight - 10)
      .lineWidth(0.5)
      .stroke(RULE_COLOR);
    put(doc, `${roleLabel(p.role)}：${p.name}`, MARGIN_X + 10, l.y + 10, {
      size: BODY_SIZE,
      width: CONTENT_WIDTH - 20,
    });
    put(doc, '签章（电子签名）：', MARGIN_X + 10, l.y + 34, { size: TABLE_SIZE });
    put(doc, '签署日期：', MARGIN_X + CONTENT_WIDTH / 2 + 20, l.y + 34, { size: TABLE_SIZE });
    l.y += blockHeight;
  }
}

function drawFooters(doc: Doc, c: ContractDocument): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    put(doc, `合同编号：${c.contractNumber}`, MARGIN_X, FOOTER_Y, { size: 8 });
    put(doc, `第 ${i + 1} 页 / 共 ${count} 页`, MARGIN_X, FOOTER_Y, {
      size: 8,
      width: CONTENT_WIDTH,
      align: 'center',
    });
  }
}

function layout(doc: Doc, c: ContractDocument): void {
  const l = new Layout(doc);
  drawTitle(l, c);

  l.heading('一、合同当事人');
  l.table(
    PARTY_COLUMNS,
    c.parties.map((p) => [roleLabel(p.role), p.name, p.idNumber ?? '', p.address ?? '']),
  );

  l.heading('二、主要借款条件');
  l.table(TERM_COLUMNS, [
    ['借款金额（小写）', `¥${formatYuan(c.amount)}`],
    ['借款金额（大写）', `人民币${c.amountInCapitals}`],
    ['年化利率', `${c.annualRatePercent}%`],
    ...(c.rateBasisZh ? [['利率定价基础', c.rateBasisZh]] : []),
    ['借款期限', `${c.termMonths}个月`],
    ['还款方式', c.repaymentMethodZh],
    ...(c.repaymentDayZh ? [['还款日', c.repaymentDayZh]] : []),
    ['放款日', c.disbursementDate],
    ...(c.firstDueDate ? [['首期还款日', c.firstDueDate]] : []),
    ['到期日', c.maturityDate],
  ]);

  l.heading('三、合同条款');
  c.clauses.forEach((clause, i) => l.paragraph(`${clauseNumber(i + 1)}${CLAUSE_GAP}${clause}`));

  l.heading('四、还款计划');
  l.paragraph(
    c.schedule.length > SCHEDULE_HEAD + SCHEDULE_TAIL
      ? `共${c.schedule.length}期，列示前${SCHEDULE_HEAD}期、末${SCHEDULE_TAIL}期及合计。`
      : `共${c.schedule.length}期。`,
    TABLE_SIZE,
    2,
  );
  const t = c.scheduleTotals;
  l.table(SCHEDULE_COLUMNS, [
    ...scheduleSummary(c.schedule),
    ['合计', '', formatYuan(t.principal), formatYuan(t.interest), formatYuan(t.total)],
  ]);

  drawSignatures(l, c);
  drawFooters(doc, c);
}

/**
 * The contract as A4 PDF bytes. Deterministic: creation and modification dates come from
 * `generatedAt`, and the file identifier from the content digest, so the same document gives the
 * same bytes. Throws a RangeError, rendering nothing, when the capitals do not read the amount,
 * the schedule's rows do not add up to its totals or its principal to the amount, or a party's
 * role is unknown.
 */
export function contractPdf(c: ContractDocument, opts: ContractPdfOptions = {}): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const generatedAt = checkDocument(c);
    const digest = contractContentDigest(c);
    // pdfkit derives the trailer /ID from the document information, which carries the digest.
    const info = {
      Title: `${c.title} ${c.contractNumber}`,
      Subject: `${c.templateCode} v${c.templateVersion}`,
      Creator: 'LoanFlow documents',
      Producer: 'LoanFlow documents (PDFKit)',
      CreationDate: generatedAt,
      ModDate: generatedAt,
      ContentSHA256: digest,
    } as PDFKit.DocumentInfo;
    const doc = new PDFDocument({
      size: 'A4',
      margins: {
        top: MARGIN_TOP,
        bottom: PAGE_HEIGHT - CONTENT_BOTTOM,
        left: MARGIN_X,
        right: MARGIN_X,
      },
      bufferPages: true,
      compress: opts.compress ?? true,
      font: cjkFontPath(),
      info,
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    layout(doc, c);
    doc.end();
  });
}
