// 统计报表 through the gateway against the whole system: read-model rows with known figures in
// the reporting service's schema, then the reports as JSON, CSV (bytes: BOM, header, rows) and
// XLSX (read back with exceljs: title, frozen header, number formats, values); the branch scope,
// the role matrix and field-named 400s.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HEAD_OFFICE } from '@loanflow/platform';
import { eventually } from '@loanflow/test/support/poll';
import { api, startSystem, type TestSystem, type TestUser } from '@loanflow/test/support/system';
import ExcelJS from 'exceljs';
import { API, type ProblemBody } from './helpers';

jest.setTimeout(90_000);

const USERS: TestUser[] = [
  { username: 'risk.hq', roles: ['risk_manager'], branchId: HEAD_OFFICE },
  { username: 'risk.sh', roles: ['risk_manager'], branchId: 'SH001' },
  { username: 'credit.sh', roles: ['credit_officer'], branchId: 'SH001' },
];
const NOW = new Date('2026-03-12T10:00:00+08:00');
const LOANS = 3000;

interface JsonReport {
  report: string;
  asOf: string;
  scope: string[];
  tables: { name: string; exportOnly: boolean; rows: Record<string, string>[] }[];
}

describe('gateway: management reports', () => {
  let system: TestSystem;
  const tokens: Record<string, string> = {};
  const get = <T = JsonReport>(who: string, path: string) =>
    api<T>(system.baseUrl, 'GET', `${API}${path}`, { token: tokens[who] });
  const download = async (who: string, path: string) => {
    const res = await fetch(`${system.baseUrl}${API}${path}`, {
      headers: { authorization: `Bearer ${tokens[who]}` },
    });
    return { res, bytes: Buffer.from(await res.arrayBuffer()) };
  };

  beforeAll(async () => {
    system = await startSystem({ users: USERS, reportingNow: () => NOW });
    for (const u of USERS) tokens[u.username] = await system.login(u.username);
    await fixture(system);
  });
  afterAll(() => system?.stop());

  it('answers the portfolio as JSON, rows keyed by column', async () => {
    const { status, body } = await get('risk.hq', '/reports/portfolio');
    expect(status).toBe(200);
    expect(body).toMatchObject({ report: 'portfolio', asOf: '2026-02-28', scope: ['*'] });
    const fiveTier = body.tables.find((t) => t.name === 'five_tier')!;
    expect(fiveTier.rows.map((r) => r.branch_id)).toEqual(['BJ001', 'SH001', 'SH001-01', '合计']);
    expect(fiveTier.rows[3]).toMatchObject({
      normal: '100.00',
      special_mention: '1.23',
      substandard: '25.00',
      doubtful: '30.00',
      loss: '0.50',
      total: '156.73',
      npl: '55.50',
      npl_ratio: '0.3541',
      loans: '8',
    });
    expect(body.tables.find((t) => t.name === 'loans')).toMatchObject({
      exportOnly: true,
      rows: [],
    });
  });

  it('writes a CSV with a BOM, a bilingual header and exact amounts', async () => {
    const { res, bytes } = await download('risk.hq', '/reports/portfolio?format=csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="portfolio-five_tier-2026-02-28.csv"',
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(
      '机构代码 Branch,机构名称 Branch name,正常 Normal (10k yuan),关注 Special mention (10k yuan),' +
        '次级 Substandard (10k yuan),可疑 Doubtful (10k yuan),损失 Loss (10k yuan),合计 Total (10k yuan),' +
        '不良贷款 Non-performing (10k yuan),不良率 NPL ratio,笔数 Loans',
    );
    expect(lines.slice(1)).toEqual([
      'BJ001,北京分行,0.00,0.00,0.00,30.00,0.50,30.50,30.50,1.0000,3',
      'SH001,上海分行,100.00,1.23,0.00,0.00,0.00,101.23,0.00,0.0000,4',
      'SH001-01,浦东支行,0.00,0.00,25.00,0.00,0.00,25.00,25.00,1.0000,1',
      '合计,Total,100.00,1.23,25.00,30.00,0.50,156.73,55.50,0.3541,8',
      '',
    ]);
  });

  it('streams the detail table of every loan as CSV, to the fen', async () => {
    const { res, bytes } = await download('risk.hq', '/reports/portfolio?format=csv&table=loans');
    expect(res.status).toBe(200);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(LOANS + 1);
    const fen = lines
      .slice(1)
      .reduce((sum, l) => sum + BigInt(l.split(',')[5]!.replace('.', '')), 0n);
    let expected = 0n;
    for (let i = 1n; i <= BigInt(LOANS); i++) expected += i * 10000n + 1n;
    expect(fen).toBe(expected);
  });

  it("closes the service's cursor when the client aborts an export mid-CSV", async () => {
    // A date of its own with enough loans that the export is held back by the unread response.
    const s = system.schemas.reporting;
    const rows = 200_000;
    await system.db.query(
      `INSERT INTO ${s}.business_days (business_date, loans_accrued, normal_interest,
         penalty_interest, compound_interest, closed_at)
       VALUES ('2026-02-27', ${rows}, 0, 0, 0, '2026-02-27T23:00:00+08:00')`,
    );
    await system.db.query(
      `INSERT INTO ${s}.loan_days (business_date, loan_id, loan_number, branch_id, product_code,
         classification, days_past_due, outstanding_principal, overdue_principal, due_interest,
         overdue_interest, accrued_interest, penalty_interest, compound_interest,
         accrued_today_normal, accrued_today_penalty, accrued_today_compound)
       SELECT '2026-02-27', md5('abort' || i)::uuid, 'LA' || lpad(i::text, 6, '0'), 'SH001', 'P',
              'normal', 0, 100.00, 0, 0, 0, 0, 0, 0, 0, 0, 0
         FROM generate_series(1, ${rows}) AS i`,
    );
    // Sessions holding this schema's loan_days open (the export's cursor), other than ours.
    const readers = async () => {
      const { rows: r } = await system.db.query<{ n: number }>(
        `SELECT count(DISTINCT pid)::int AS n FROM pg_locks
          WHERE relation = '${s}.loan_days'::regclass AND pid <> pg_backend_pid()`,
      );
      return r[0]!.n;
    };
    const aborted = new AbortController();
    const res = await fetch(
      `${system.baseUrl}${API}/reports/portfolio?format=csv&table=loans&asOf=2026-02-27`,
      { headers: { authorization: `Bearer ${tokens['risk.hq']}` }, signal: aborted.signal },
    );
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    // Mid-export: the cursor is open while the rest of the rows wait for the client.
    await eventually('the export cursor to be open', async () =>
      (await readers()) > 0 ? true : undefined,
    );
    aborted.abort();
    await reader.cancel().catch(() => undefined);
    await eventually('the export cursor to be closed', async () =>
      (await readers()) === 0 ? true : undefined,
    );
  });

  it('writes an XLSX with a title row, the header frozen below it and number formats', async () => {
    const { res, bytes } = await download(
      'risk.hq',
      '/reports/portfolio?format=xlsx&table=five_tier',
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="portfolio-five_tier-2026-02-28.xlsx"',
    );
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('five_tier')!;
    expect(String(sheet.getCell('A1').value)).toBe(
      '贷款质量 Portfolio — 贷款五级分类情况表 Five-tier loan quality — 截至 as of 2026-02-28 — 范围 scope: 全行 all branches',
    );
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(sheet.getCell('C2').value).toBe('正常 Normal (10k yuan)');
    const total = sheet.getRow(6);
    expect(total.getCell(1).value).toBe('合计');
    expect(total.getCell(8).value).toBe(156.73);
    expect(total.getCell(8).numFmt).toBe('#,##0.00');
    expect(total.getCell(10).value).toBe(0.3541);
    expect(total.getCell(10).numFmt).toBe('0.00%');
    expect(total.getCell(11).value).toBe(8);
    expect(total.getCell(11).numFmt).toBe('#,##0');
    expect(sheet.rowCount).toBe(6);
  });

  it('writes every summary table as its own sheet without a table', async () => {
    const { res, bytes } = await download('risk.hq', '/reports/portfolio?format=xlsx');
    expect(res.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual([
      'five_tier',
      'overdue_buckets',
      'migration',
      'monthly_flows',
    ]);
    expect(book.getWorksheet('overdue_buckets')!.getRow(9).values).toEqual([
      undefined,
      '合计 Total',
      5,
      567346.16,
      155999.99,
    ]);
  });

  it('shows branch staff their subtree and refuses a branch outside it', async () => {
    const { body } = await get('risk.sh', '/reports/portfolio');
    expect(body.scope).toEqual(['SH001', 'SH001-01']);
    expect(body.tables[0]!.rows.map((r) => r.branch_id)).toEqual(['SH001', 'SH001-01', '合计']);
    const refused = await get<ProblemBody>('risk.sh', '/reports/portfolio?branchId=BJ001');
    expect(refused.status).toBe(403);
    expect(refused.body.errors).toEqual([
      { field: 'branchId', reason: 'is not within your branches' },
    ]);
    const csv = await download('risk.sh', '/reports/portfolio?format=csv&branchId=BJ001');
    expect(csv.res.status).toBe(403);
  });

  it('lists the reports a caller may read and keeps the portfolio to its roles', async () => {
    const list = await get<{ reports: { report: string; tables: { name: string }[] }[] }>(
      'credit.sh',
      '/reports',
    );
    expect(list.body.reports.map((r) => r.report)).toEqual(['approval-efficiency', 'pipeline']);
    expect((await get('credit.sh', '/reports/portfolio')).status).toBe(403);
    expect((await get('credit.sh', '/reports/pipeline')).status).toBe(200);
  });

  it.each([
    ['/reports/loans', 'report'],
    ['/reports/pipeline?from=2026-03-02&to=2026-03-01', 'from'],
    ['/reports/pipeline?from=2020-01-01&to=2026-03-01', 'to'],
    ['/reports/pipeline?from=2026-02-30', 'from'],
    ['/reports/portfolio?asOf=2026-02-26', 'asOf'],
    ['/reports/pipeline?format=pdf', 'format'],
    ['/reports/pipeline?colour=red', 'colour'],
    ['/reports/pipeline?format=csv&table=nope', 'table'],
  ])('refuses %s naming %s', async (path, field) => {
    const { status, body } = await get<ProblemBody>('risk.hq', path);
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.field)).toContain(field);
  });
});

/** Read-model rows as the ingestion would leave them: a closed date and its portfolio. */
async function fixture(system: TestSystem): Promise<void> {
  const s = system.schemas.reporting;
  await system.db.query(
    `INSERT INTO ${s}.branches (code, parent_code, name) VALUES
       ('SH001', 'HQ', '上海分行'), ('SH001-01', 'SH001', '浦东支行'), ('BJ001', 'HQ', '北京分行')
     ON CONFLICT (code) DO NOTHING`,
  );
  await system.db.query(
    `INSERT INTO ${s}.business_days (business_date, loans_accrued, normal_interest,
       penalty_interest, compound_interest, closed_at)
     VALUES ('2026-02-28', ${LOANS}, 0, 0, 0, '2026-02-28T23:00:00+08:00')`,
  );
  await system.db.query(
    `INSERT INTO ${s}.portfolio_days (business_date, branch_id, product_code, classification,
       dpd_bucket, loans, outstanding_principal, overdue_principal, overdue_interest,
       accrued_interest, interest_today)
     VALUES ('2026-02-28', 'SH001', 'P', 'normal', 0, 3, 1000000.00, 0, 0, 0, 0),
            ('2026-02-28', 'SH001', 'P', 'special_mention', 1, 1, 12345.67, 1000.00, 0, 0, 0),
            ('2026-02-28', 'SH001-01', 'P', 'substandard', 4, 1, 250000.50, 50000.00, 0, 0, 0),
            ('2026-02-28', 'BJ001', 'B', 'doubtful', 5, 1, 300000.00, 100000.00, 0, 0, 0),
            ('2026-02-28', 'BJ001', 'B', 'loss', 6, 2, 4999.99, 4999.99, 0, 0, 0)`,
  );
  await system.db.query(
    `INSERT INTO ${s}.loan_days (business_date, loan_id, loan_number, branch_id, product_code,
       classification, days_past_due, outstanding_principal, overdue_principal, due_interest,
       overdue_interest, accrued_interest, penalty_interest, compound_interest,
       accrued_today_normal, accrued_today_penalty, accrued_today_compound)
     SELECT '2026-02-28', md5(i::text)::uuid, 'LN' || lpad(i::text, 6, '0'), 'SH001', 'P',
            'normal', 0, (i * 100 + 0.01)::numeric(20, 2), 0, 0, 0, 0, 0, 0, 0, 0, 0
       FROM generate_series(1, ${LOANS}) AS i`,
  );
}
