import { statementCsv, statementPdf } from './render';
import type { SegmentKind, Statement, StatementLine } from './types';

const statement: Statement = {
  loanId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  loanNumber: 'LN-2025-000123',
  from: '2025-01-01',
  to: '2025-03-31',
  header: {
    bankName: 'LoanFlow Demo Bank',
    bankNameZh: 'LoanFlow 演示银行',
    customerId: 'C-0042',
    customerName: '陈静',
    branchId: 'SH-001',
    productCode: 'PERSONAL_CONSUMER',
    currency: 'CNY',
    dayCount: 'ACT/360',
    interestBasis: 'daily',
    annualRatePercent: '3.8500',
    rateType: 'fixed',
    lprTerm: '',
    spreadBp: 0,
    timeZone: 'Asia/Shanghai',
    generatedAt: '2025-04-01T08:30:00.000Z',
  },
  lines: [
    {
      kind: 'normal',
      start: '2025-01-01',
      end: '2025-01-20',
      days: 20,
      base: '100000.00',
      annualRatePercent: '4.35',
      interest: '241.67',
    },
    {
      kind: 'normal',
      start: '2025-01-21',
      end: '2025-03-31',
      days: 70,
      base: '100000.00',
      annualRatePercent: '3.85',
      interest: '748.61',
    },
    {
      kind: 'penalty',
      start: '2025-02-21',
      end: '2025-03-31',
      days: 39,
      base: '8500.00',
      annualRatePercent: '5.775',
      interest: '53.18',
    },
    {
      kind: 'compound',
      start: '2025-02-21',
      end: '2025-03-31',
      days: 39,
      base: '241.67',
      annualRatePercent: '5.775',
      interest: '1.51',
    },
  ],
  totals: { normal: '990.28', penalty: '53.18', compound: '1.51', total: '1044.97' },
};

const withLines = (lines: StatementLine[]): Statement => ({ ...statement, lines });

// Distinct bases let a test find every row again after pagination.
const manyLines = (count: number): StatementLine[] =>
  Array.from({ length: count }, (_, i) => ({
    kind: (['normal', 'penalty', 'compound'] as const)[i % 3],
    start: '2025-01-01',
    end: '2025-01-31',
    days: 31,
    base: `${100000 + i}.00`,
    annualRatePercent: '4.35',
    interest: '374.58',
  }));

const HEADER_RECORDS = 15;
/** The records of the CSV after its header block, the table's header row first. */
const tableOf = (csv: string) => csv.split('\r\n').slice(HEADER_RECORDS);

describe('statementCsv', () => {
  it('renders the header, then one row per line, totals per kind and the grand total', () => {
    expect(statementCsv(statement)).toBe(
      '\uFEFF' +
        [
          'Bank 银行,LoanFlow 演示银行 LoanFlow Demo Bank',
          'Loan number 贷款编号,LN-2025-000123',
          'Borrower 借款人,陈静',
          'Customer ID 客户编号,C-0042',
          'Branch 机构,SH-001',
          'Product 产品,PERSONAL_CONSUMER',
          'Currency 币种,CNY',
          'Annual rate % 年利率%,3.8500',
          'Rate type 利率类型,固定 fixed',
          'Day count 计息基准,ACT/360',
          'Interest basis 计息方式,按日计息 daily',
          'Period 计息期间,2025-01-01 至 2025-03-31',
          'Time zone 时区,Asia/Shanghai (营业日期 business dates)',
          'Generated at 生成时间,2025-04-01T08:30:00.000Z',
          '',
          'kind 类型,start 起息日,end 止息日,days 天数,base 计息基数,rate 年利率%,interest 利息',
          'normal 正常利息,2025-01-01,2025-01-20,20,100000.00,4.35,241.67',
          'normal 正常利息,2025-01-21,2025-03-31,70,100000.00,3.85,748.61',
          'penalty 罚息,2025-02-21,2025-03-31,39,8500.00,5.775,53.18',
          'compound 复利,2025-02-21,2025-03-31,39,241.67,5.775,1.51',
          'total normal 正常利息合计,,,,,,990.28',
          'total penalty 罚息合计,,,,,,53.18',
          'total compound 复利合计,,,,,,1.51',
          'total 利息合计,,,,,,1044.97',
        ].join('\r\n') +
        '\r\n',
    );
  });

  it('starts with the UTF-8 byte order mark and ends every record with CRLF only', () => {
    const csv = statementCsv(statement);
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n').join('')).not.toMatch(/[\r\n]/);
    expect(csv.split('\r\n')).toHaveLength(HEADER_RECORDS + statement.lines.length + 1 + 4 + 1);
  });

  it('quotes fields holding a comma, quote, CR or LF and doubles embedded quotes', () => {
    const odd: StatementLine = {
      kind: 'normal',
      start: '2025-01-01',
      end: 'a"b',
      days: 1,
      base: '1,000.00',
      annualRatePercent: 'x\ny',
      interest: 'p\rq',
    };
    const row = tableOf(statementCsv(withLines([odd])))[1];
    expect(row).toBe('normal 正常利息,2025-01-01,"a""b",1,"1,000.00","x\ny","p\rq"');
  });

  it('passes amounts through as given, never through a float', () => {
    const big: StatementLine = {
      kind: 'penalty',
      start: '2025-01-01',
      end: '2025-01-31',
      days: 31,
      base: '12345678901234567.10',
      annualRatePercent: '6.525',
      interest: '0.10',
    };
    const csv = statementCsv({
      ...withLines([big]),
      totals: { normal: '0.00', penalty: '0.10', compound: '0.00', total: '0.10' },
    });
    expect(csv).toContain(
      'penalty 罚息,2025-01-01,2025-01-31,31,12345678901234567.10,6.525,0.10\r\n',
    );
    expect(csv).toContain('total normal 正常利息合计,,,,,,0.00\r\n');
  });

  it('renders an empty statement as header and zero totals', () => {
    const csv = statementCsv({
      ...withLines([]),
      totals: { normal: '0.00', penalty: '0.00', compound: '0.00', total: '0.00' },
    });
    expect(tableOf(csv).slice(1, -1)).toEqual([
      'total normal 正常利息合计,,,,,,0.00',
      'total penalty 罚息合计,,,,,,0.00',
      'total compound 复利合计,,,,,,0.00',
      'total 利息合计,,,,,,0.00',
    ]);
  });

  it('names a floating rate by its LPR and spread, and the period basis', () => {
    const csv = statementCsv({
      ...statement,
      header: {
        ...statement.header,
        rateType: 'floating',
        lprTerm: '5Y',
        spreadBp: -20,
        annualRatePercent: '3.3000',
        dayCount: 'ACT/365',
        interestBasis: 'period',
      },
    });
    expect(csv).toContain('\r\nAnnual rate % 年利率%,3.3000\r\n');
    expect(csv).toContain('\r\nRate type 利率类型,浮动 floating: 5Y LPR - 20 bp\r\n');
    expect(csv).toContain('\r\nDay count 计息基准,ACT/365\r\n');
    expect(csv).toContain('\r\nInterest basis 计息方式,按期计息 per period\r\n');
  });

  it('prints the bank and borrower as given, quoting them where CSV needs it, and a dash for no name', () => {
    const named = statementCsv({
      ...statement,
      header: {
        ...statement.header,
        bankName: 'Bank of Shanghai, Ltd.',
        bankNameZh: '上海银行',
        customerName: '上海"装饰"工程有限公司',
        timeZone: 'Asia/Urumqi',
      },
    });
    expect(named.startsWith('\uFEFFBank 银行,"上海银行 Bank of Shanghai, Ltd."\r\n')).toBe(true);
    expect(named).toContain('\r\nBorrower 借款人,"上海""装饰""工程有限公司"\r\n');
    expect(named).toContain('\r\nTime zone 时区,Asia/Urumqi (营业日期 business dates)\r\n');
    const unnamed = statementCsv({
      ...statement,
      header: { ...statement.header, customerName: '' },
    });
    expect(unnamed).toContain('\r\nBorrower 借款人,—\r\n');
  });

  it.each(['bogus', 'toString'])('refuses the unknown segment kind %p', (kind) => {
    const line = { ...statement.lines[0], kind: kind as SegmentKind };
    expect(() => statementCsv(withLines([line]))).toThrow(/unknown segment kind/);
  });
});

interface Placed {
  x: number;
  y: number;
  text: string;
}

/** Just enough of a PDF reader for pdfkit's uncompressed output. */
function readPdf(pdf: Buffer) {
  const text = pdf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(\d+) 0 obj\n([\s\S]*?)\nendobj/g)) {
    objects.set(Number(m[1]), m[2]);
  }
  const streamOf = (body: string) => /\nstream\n([\s\S]*)\nendstream$/.exec(body)?.[1] ?? '';
  const cmaps = [...objects.values()].filter((o) => o.includes('begincmap')).map(streamOf);
  const toUnicode = new Map<number, string>();
  for (const cmap of cmaps) {
    for (const m of cmap.matchAll(/<([0-9a-f]{4})> <[0-9a-f]{4}> \[([^\]]*)\]/gi)) {
      const first = parseInt(m[1], 16);
      [...m[2].matchAll(/<([0-9a-f ]+)>/gi)].forEach((entry, i) => {
        const units = entry[1].split(' ').map((h) => parseInt(h, 16));
        toUnicode.set(first + i, String.fromCharCode(...units));
      });
    }
  }
  const decode = (hex: string) =>
    (hex.match(/.{4}/g) ?? [])
      .map((code) => toUnicode.get(parseInt(code, 16)) ?? '\uFFFD')
      .join('');
  const pagesObject = [...objects.values()].find((o) => /\/Type \/Pages\b/.test(o)) ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesObject)?.[1] ?? '').matchAll(/(\d+) 0 R/g)];
  const pages = kids.map(([, id]): Placed[] => {
    const contents = /\/Contents (\d+) 0 R/.exec(objects.get(Number(id)) ?? '')?.[1];
    const stream = streamOf(objects.get(Number(contents)) ?? '');
    // pdfkit writes each string as its own text object: a Tm (baseline origin, y up from the page
    // bottom) and one TJ array of hex glyph codes with kerning numbers in between.
    return [...stream.matchAll(/1 0 0 1 ([\d.]+) ([\d.]+) Tm\n[^\n]*Tf\n\[([^\]]*)\] TJ/g)].map(
      (op) => ({
        x: Number(op[1]),
        y: Number(op[2]),
        text: [...op[3].matchAll(/<([0-9a-f]*)>/gi)].map((h) => decode(h[1])).join(''),
      }),
    );
  });
  const pageTexts = pages.map((placed) => placed.map((p) => p.text).join('\n'));
  return { text, cmaps, pages, pageTexts };
}

describe('statementPdf', () => {
  it('is a small PDF with the CJK font subset embedded', async () => {
    const pdf = await statementPdf(withLines(manyLines(20)));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    // The whole font is over 8 MB; only a subset of the glyphs used may be embedded.
    expect(pdf.length).toBeLessThan(100_000);
  });

  it('embeds Noto Sans Hans and maps its glyphs back to the Chinese title', async () => {
    const { text, cmaps, pageTexts } = readPdf(await statementPdf(statement, { compress: false }));
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular\b/);
    expect(text).toContain('/FontFile3');
    expect(text).not.toMatch(/\/BaseFont \/Helvetica/);
    expect(cmaps).toHaveLength(1);
    for (const ch of '分段利息清单') {
      const hex = ch.codePointAt(0)!.toString(16).padStart(4, '0');
      expect(cmaps[0].toLowerCase()).toContain(`<${hex}>`);
    }
    expect(cmaps[0].toLowerCase()).toContain('<5206>');
    expect(cmaps[0].toLowerCase()).toContain('<6bb5>');

    expect(pageTexts).toHaveLength(1);
    const page = pageTexts[0].split('\n');
    expect(page).toEqual(
      expect.arrayContaining([
        'LoanFlow 演示银行',
        'LoanFlow Demo Bank',
        '分段利息清单',
        'Segmented interest statement',
        'LN-2025-000123',
        '借款人 Borrower',
        '陈静',
        '客户编号 Customer ID',
        'C-0042',
        'SH-001',
        'PERSONAL_CONSUMER',
        'CNY',
        '年利率% Annual rate %',
        '3.8500',
        '固定 fixed',
        '计息基准 Day count',
        'ACT/360',
        '按日计息 daily',
        '时区 Time zone',
        'Asia/Shanghai (营业日期 business dates)',
        '2025-01-01 至 2025-03-31',
        '2025-04-01T08:30:00.000Z',
        '计息基数',
        '年利率%',
        'penalty 罚息',
        '5.775',
        '8500.00',
        'total 利息合计',
        '1044.97',
        '第 1 页 / 共 1 页',
      ]),
    );
  });

  it('prints each header value on its label’s line, beside it, below the bank and the title', async () => {
    const [page] = readPdf(await statementPdf(statement, { compress: false })).pages;
    const at = (text: string) => {
      const found = page.filter((p) => p.text === text);
      expect(found).toHaveLength(1);
      return found[0]!;
    };
    const pairs: [string, string][] = [
      ['借款人 Borrower', '陈静'],
      ['计息基准 Day count', 'ACT/360'],
      ['计息方式 Interest basis', '按日计息 daily'],
      ['年利率% Annual rate %', '3.8500'],
      ['时区 Time zone', 'Asia/Shanghai (营业日期 business dates)'],
    ];
    for (const [label, value] of pairs) {
      expect(at(value).y).toBe(at(label).y);
      expect(at(value).x).toBeGreaterThan(at(label).x);
    }
    // PDF y grows upwards: the bank heads the page, above the title and the header rows.
    expect(at('LoanFlow 演示银行').y).toBeGreaterThan(at('分段利息清单').y);
    expect(at('分段利息清单').y).toBeGreaterThan(at('借款人 Borrower').y);
  });

  it('prints a dash where a loan has no borrower name kept', async () => {
    const unnamed = { ...statement, header: { ...statement.header, customerName: '' } };
    const [page] = readPdf(await statementPdf(unnamed, { compress: false })).pages;
    const label = page.find((p) => p.text === '借款人 Borrower')!;
    expect(page.filter((p) => p.y === label.y).map((p) => p.text)).toEqual([
      '借款人 Borrower',
      '—',
    ]);
  });

  it('breaks a 300-line statement over pages, repeating the header and numbering each page', async () => {
    const lines = manyLines(300);
    const { text, pageTexts } = readPdf(await statementPdf(withLines(lines), { compress: false }));
    const pageCount = text.match(/\/Type \/Page\b(?!s)/g)?.length ?? 0;
    expect(pageCount).toBeGreaterThan(1);
    expect(pageTexts).toHaveLength(pageCount);
    pageTexts.forEach((page, i) => {
      const strings = page.split('\n');
      expect(strings).toEqual(expect.arrayContaining(['类型', 'kind', '利息', 'interest']));
      expect(strings).toContain(`第 ${i + 1} 页 / 共 ${pageCount} 页`);
    });
    const rows = pageTexts.flatMap((p) => p.split('\n')).filter((t) => /^1\d{5}\.00$/.test(t));
    expect(rows).toEqual(lines.map((l) => l.base));
    expect(pageTexts[pageCount - 1]).toContain('total 利息合计');
  });

  it('right-aligns amounts and left-aligns dates within their columns', async () => {
    const [page] = readPdf(await statementPdf(statement, { compress: false })).pages;
    const xOf = (text: string) => page.filter((p) => p.text === text).map((p) => p.x);
    // Each figure appears on its line and again on its kind's total row.
    const [wide, middle, narrow] = [xOf('748.61'), xOf('53.18'), xOf('1.51')];
    expect(wide).toHaveLength(1);
    expect(middle).toHaveLength(2);
    expect(narrow).toHaveLength(2);
    expect(new Set([...middle, ...narrow]).size).toBe(2);
    expect(middle[0]).toBeGreaterThan(wide[0]);
    expect(narrow[0]).toBeGreaterThan(middle[0]);
    const starts = page.filter((p) => /^2025-0[12]-2?1$/.test(p.text)).map((p) => p.x);
    expect(starts.length).toBeGreaterThan(1);
    expect(new Set(starts).size).toBe(1);
  });

  it('keeps every row of a long table clear of the page footer', async () => {
    const { pages } = readPdf(await statementPdf(withLines(manyLines(300)), { compress: false }));
    for (const page of pages) {
      const footer = page.filter((p) => p.text.startsWith('第 '));
      expect(footer).toHaveLength(1);
      const lowest = Math.min(...page.filter((p) => p !== footer[0]).map((p) => p.y));
      expect(lowest - footer[0].y).toBeGreaterThan(12);
    }
  });

  it('gives the same bytes for the same statement', async () => {
    const [a, b] = await Promise.all([statementPdf(statement), statementPdf(statement)]);
    expect(a.equals(b)).toBe(true);
  });
});
