import { amountInCapitals } from './numerals';
import {
  CLAUSE_GAP,
  clauseNumber,
  contractContentDigest,
  contractPdf,
  ELLIPSIS,
  formatYuan,
  scheduleSummary,
  type ContractDocument,
  type ScheduleRow,
} from './pdf';
import { DEFAULT_TEMPLATES, renderClauses } from './template';
import { readPdf, sampleContract } from './test-support';

/** An n-period schedule repaying `amount` in equal principal parts, the last taking the rest. */
function schedule(
  periods: number,
  amount = '120000.00',
): Pick<ContractDocument, 'schedule' | 'scheduleTotals'> {
  const cents = BigInt(amount.replace('.', ''));
  const part = cents / BigInt(periods);
  const yuan = (c: bigint) => `${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  const rows: ScheduleRow[] = [];
  let interestTotal = 0n;
  for (let i = 1; i <= periods; i++) {
    const principal = i === periods ? cents - part * BigInt(periods - 1) : part;
    const interest = BigInt(10000 + i); // distinct, so every row can be found again
    interestTotal += interest;
    const month = new Date(Date.UTC(2025, i, 15)).toISOString().slice(0, 10);
    rows.push({
      period: i,
      dueDate: month,
      principal: yuan(principal),
      interest: yuan(interest),
      total: yuan(principal + interest),
    });
  }
  return {
    schedule: rows,
    scheduleTotals: {
      principal: yuan(cents),
      interest: yuan(interestTotal),
      total: yuan(cents + interestTotal),
    },
  };
}

const template = DEFAULT_TEMPLATES[0];
const rendered = renderClauses(template.clauses, {
  lender: '示例银行股份有限公司上海分行',
  borrower: '张三',
  borrowerIdNumber: '110101199003070046',
  guarantor: '李四',
  amount: '120000.00',
  amountInCapitals: amountInCapitals('120000.00'),
  rateTerms: '本合同项下借款的年化利率为3.60%（单利），在借款期限内固定不变。',
  penaltyRatePercent: '5.40',
  termMonths: '36',
  repaymentMethod: '等额本金',
  repaymentDates: '还款日为每月15日，首期还款日为2025-02-15。',
  disbursementDate: '2025-01-15',
  maturityDate: '2028-01-15',
  repaymentAccount: '6222 **** **** 1234',
});
if (rendered.missing.length) throw new Error(`sample values lack ${rendered.missing.join(', ')}`);

const contract: ContractDocument = sampleContract({
  amount: '120000.00',
  amountInCapitals: amountInCapitals('120000.00'),
  termMonths: 36,
  maturityDate: '2028-01-15',
  clauses: rendered.clauses,
  parties: [
    {
      role: 'lender',
      name: '示例银行股份有限公司上海分行',
      address: '上海市浦东新区世纪大道100号',
    },
    {
      role: 'borrower',
      name: '张三',
      idNumber: '3101**********1234',
      address: '上海市徐汇区漕溪北路1号',
    },
    { role: 'guarantor', name: '李四', idNumber: '3102**********5678' },
  ],
  ...schedule(36),
});

describe('contractPdf', () => {
  // Rendered once for the tests that only read it.
  let rendering: Promise<Buffer> | undefined;
  const uncompressed = () => (rendering ??= contractPdf(contract, { compress: false }));

  it('is a PDF with the CJK font subset embedded, small enough', async () => {
    const pdf = await contractPdf(contract);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    // The whole font is over 8 MB; only the glyphs used may be embedded.
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('embeds Noto Sans Hans with a ToUnicode map covering the capitals', async () => {
    const { text, cmaps } = readPdf(await uncompressed());
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+NotoSansHans-Regular\b/);
    expect(text).toContain('/FontFile3');
    expect(text).not.toMatch(/\/BaseFont \/Helvetica/);
    expect(cmaps).toHaveLength(1);
    for (const ch of new Set('壹拾贰万元整' + contract.title)) {
      const hex = ch.codePointAt(0)!.toString(16).padStart(4, '0');
      expect(cmaps[0].toLowerCase()).toContain(`<${hex}>`);
    }
  });

  it('shows title, number, parties, the amount in figures and capitals, terms and dates', async () => {
    const { pageTexts } = readPdf(await uncompressed());
    const all = pageTexts.flatMap((p) => p.split('\n'));
    expect(all).toEqual(
      expect.arrayContaining([
        '个人消费借款合同',
        '合同编号：HT202500000042',
        '合同文本：PERSONAL_CONSUMER_LOAN 第1版',
        '贷款人',
        '借款人',
        '保证人',
        '示例银行股份有限公司上海分行',
        '3101**********1234',
        '上海市徐汇区漕溪北路1号',
        '¥120,000.00',
        '人民币壹拾贰万元整',
        '3.60%',
        '36个月',
        '等额本金',
        '2025-01-15',
        '2028-01-15',
      ]),
    );
  });

  it('numbers every clause and prints all of their text', async () => {
    const { pageTexts } = readPdf(await uncompressed());
    // Wrapped lines join back into the clauses, in order.
    const body = pageTexts.join('\n').replace(/\n/g, '');
    let from = 0;
    rendered.clauses.forEach((clause, i) => {
      const at = body.indexOf(`${clauseNumber(i + 1)}${CLAUSE_GAP}${clause}`, from);
      expect(at).toBeGreaterThanOrEqual(from);
      from = at;
    });
    expect(rendered.clauses.length).toBe(15);
    expect(body).toContain(`第十五条${CLAUSE_GAP}争议解决`);
  });

  it('summarises a long schedule as the first 6 and last 2 periods, an ellipsis row and totals', async () => {
    const { pageTexts } = readPdf(await uncompressed());
    const all = pageTexts.flatMap((p) => p.split('\n'));
    const interests = all.filter((t) => /^100\.\d\d$/.test(t));
    expect(interests).toEqual([
      '100.01',
      '100.02',
      '100.03',
      '100.04',
      '100.05',
      '100.06',
      '100.35',
      '100.36',
    ]);
    expect(all.filter((t) => t === ELLIPSIS)).toHaveLength(5);
    expect(all).toEqual(
      expect.arrayContaining([
        '合计',
        '120,000.00',
        contract.scheduleTotals.interest.replace(/\B(?=(\d{3})+\.)/g, ','),
        '共36期，列示前6期、末2期及合计。',
      ]),
    );
  });

  it('puts a signature block for each party after the schedule', async () => {
    const { pageTexts } = readPdf(await uncompressed());
    const all = pageTexts.flatMap((p) => p.split('\n'));
    const blocks = all.filter((t) => /^(贷款人|借款人|保证人)：/.test(t));
    expect(blocks).toEqual([
      '贷款人：示例银行股份有限公司上海分行',
      '借款人：张三',
      '保证人：李四',
    ]);
    expect(all.filter((t) => t === '签章（电子签名）：')).toHaveLength(3);
    expect(all.indexOf('借款人：张三')).toBeGreaterThan(all.indexOf('合计'));
  });

  it('numbers every page and keeps the text clear of the footer', async () => {
    const { pages, pageTexts } = readPdf(await uncompressed());
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((page, i) => {
      const footer = page.filter((p) => p.text === `第 ${i + 1} 页 / 共 ${pages.length} 页`);
      expect(footer).toHaveLength(1);
      expect(pageTexts[i]).toContain('合同编号：HT202500000042');
      const body = page.filter((p) => !p.text.startsWith('第 ') && !p.text.startsWith('合同编号'));
      const lowest = Math.min(...body.map((p) => p.y));
      expect(lowest - footer[0].y).toBeGreaterThan(12);
    });
  });

  it('shows every period of a short schedule, without an ellipsis', async () => {
    const short = { ...contract, ...schedule(8) };
    const { pageTexts } = readPdf(await contractPdf(short, { compress: false }));
    const all = pageTexts.flatMap((p) => p.split('\n'));
    expect(all.filter((t) => /^100\.\d\d$/.test(t))).toHaveLength(8);
    expect(all).not.toContain(ELLIPSIS);
  });

  it('gives the same bytes for the same document, however its keys are ordered', async () => {
    const reordered = Object.fromEntries(Object.entries(contract).reverse()) as ContractDocument;
    const [a, b, c] = await Promise.all([
      contractPdf(contract),
      contractPdf(contract),
      contractPdf(reordered),
    ]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(true);
  });

  it('takes its dates from generatedAt and its file ID from the content', async () => {
    const { info } = readPdf(await uncompressed());
    expect(info('CreationDate')).toBe('(D:20250110023000Z)');
    expect(info('ModDate')).toBe('(D:20250110023000Z)');
    expect(info('ContentSHA256')).toBe(`(${contractContentDigest(contract)})`);
    const id = (pdf: Buffer) => /\/ID \[<([0-9a-f]+)> <\1>\]/.exec(pdf.toString('latin1'))?.[1];
    const base = id(await contractPdf(contract));
    expect(base).toMatch(/^[0-9a-f]{32}$/);
    // Same metadata, one clause different: another ID.
    const edited = { ...contract, clauses: [...contract.clauses.slice(0, -1), '争议解决：仲裁。'] };
    expect(id(await contractPdf(edited))).not.toBe(base);
  });

  it('gives other bytes for another generation time', async () => {
    const a = await contractPdf(contract);
    const b = await contractPdf({ ...contract, generatedAt: '2025-01-10T02:30:01.000Z' });
    expect(a.equals(b)).toBe(false);
  });

  describe('refuses, rendering nothing,', () => {
    it.each<[string, Partial<ContractDocument>, RegExp]>([
      ['capitals that do not read the amount', { amountInCapitals: '壹拾万元整' }, /does not read/],
      ['an amount that is not a decimal string', { amount: '1.2e5' }, /not an amount/],
      ['a generation time that is not one', { generatedAt: 'today' }, /generatedAt/],
      [
        'a party of unknown role',
        { parties: [{ role: 'witness' as 'lender', name: 'x' }] },
        /unknown party role/,
      ],
      ['an empty schedule', { schedule: [] }, /empty/],
      [
        'totals that are not the sum of the rows',
        { scheduleTotals: { ...contract.scheduleTotals, interest: '0.00' } },
        /not the sum/,
      ],
      [
        'a row whose total is not principal plus interest',
        {
          schedule: contract.schedule.map((r, i) => (i === 3 ? { ...r, total: '0.00' } : r)),
        },
        /period 4/,
      ],
      [
        'a schedule that does not repay the amount',
        { amount: '130000.00', amountInCapitals: amountInCapitals('130000.00') },
        /not the amount/,
      ],
    ])('%s', async (_, change, message) => {
      await expect(contractPdf({ ...contract, ...change })).rejects.toThrow(message);
    });
  });
});

describe('helpers', () => {
  it.each([
    ['0.5', '0.50'],
    ['1234567.5', '1,234,567.50'],
    ['100000', '100,000.00'],
    ['999.99', '999.99'],
    ['1000.01', '1,000.01'],
  ])('formatYuan(%p) is %p', (amount, formatted) => {
    expect(formatYuan(amount)).toBe(formatted);
  });

  it.each([
    [1, '第一条'],
    [9, '第九条'],
    [10, '第十条'],
    [11, '第十一条'],
    [20, '第二十条'],
    [23, '第二十三条'],
    [99, '第九十九条'],
  ])('clauseNumber(%p) is %p', (n, text) => {
    expect(clauseNumber(n)).toBe(text);
  });

  it('summarises 8 periods in full and 9 as 6 + … + 2', () => {
    expect(scheduleSummary(schedule(8).schedule)).toHaveLength(8);
    const nine = scheduleSummary(schedule(9).schedule);
    expect(nine.map((r) => r[0])).toEqual(['1', '2', '3', '4', '5', '6', ELLIPSIS, '8', '9']);
  });
});
