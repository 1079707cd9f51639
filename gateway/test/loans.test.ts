import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  api,
  DEFAULT_USERS,
  startSystem,
  type ApiResponse,
  type TestSystem,
} from '@loanflow/test/support/system';
import { API, expectProblem, unique } from './helpers';

// Starting the services, scrypt log-ins and a month of end-of-day batches take a while.
jest.setTimeout(120_000);

interface Balances {
  principal: string;
  duePrincipal: string;
  dueInterest: string;
  overduePrincipal: string;
  overdueInterest: string;
  penaltyInterest: string;
  compoundInterest: string;
  creditBalance: string;
  payoffAmount: string;
}
interface Loan {
  id: string;
  loanNumber: string;
  customerId: string;
  branchId: string;
  status: string;
  rateType: string;
  annualRatePercent: string;
  approvedAmount: string;
  disbursedAmount: string;
  classification: string;
  daysPastDue: number;
  accruedThrough: string;
  balances: Balances;
  installments: { period: number; dueDate: string; status: string; principal: string }[];
}
interface Repayment {
  id: string;
  amount: string;
  status: string;
  allocation: Record<string, string>;
}

const FIRST_DAY = '2025-01-15';

/** The schedule request of a 12-month annuity disbursed on `date` (as POST /schedules:preview takes it). */
const schedule = (date: string, principal = '100000.00', rate = '4.35') => ({
  principal,
  annualRatePercent: rate,
  term: 12,
  termUnit: 'month',
  repaymentMethod: 'equal_installments',
  disbursementDate: date,
  repaymentDay: 15,
});

const openBody = (overrides: Record<string, unknown> = {}) => ({
  customerId: randomUUID(),
  branchId: 'SH001',
  productCode: 'PERSONAL_CONSUMER',
  approvedAmount: '100000.00',
  schedule: schedule(FIRST_DAY),
  rateType: 'fixed',
  graceDays: 0,
  payee: {
    paymentMethod: 'entrusted',
    counterpartyName: '上海装饰工程有限公司',
    counterpartyAccount: '6222 0210 0101 2345',
    counterpartyBank: '中国工商银行上海分行',
  },
  ...overrides,
});

const cents = (s: string) => BigInt(s.replace('.', ''));

describe('gateway: loan accounts through REST (accounting service)', () => {
  let sys: TestSystem;
  const tokens: Record<string, string> = {};
  let loan: Loan;

  beforeAll(async () => {
    // The default cast plus a disbursement reviewer of another branch.
    sys = await startSystem({
      users: [
        ...DEFAULT_USERS,
        { username: 'disb.bj', roles: ['disbursement_reviewer'], branchId: 'BJ001' },
        { username: 'admin2.hq', roles: ['admin'], branchId: 'HQ' },
      ],
    });
    for (const u of [
      'disb.sh',
      'disb.bj',
      'postloan.sh',
      'admin.hq',
      'admin2.hq',
      'risk.hq',
      'risk2.hq',
      'audit.hq',
      'am.bj',
      'am.sh',
    ])
      tokens[u] = await sys.login(u);
  });
  afterAll(async () => {
    await sys?.stop();
  });

  const call = <T = Record<string, unknown>>(
    who: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> =>
    api<T>(sys.baseUrl, method, `${API}${path}`, { token: tokens[who], body, headers });
  const count = (table: string) => sys.count(sys.schemas.accounting, table);
  const fieldsOf = (res: ApiResponse<unknown>) =>
    ((res.body as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field).sort();
  const getLoan = async (id: string, who = 'postloan.sh') => {
    const res = await call<Loan>(who, 'GET', `/loans/${id}`);
    expect(res.status).toBe(200);
    return res.body;
  };
  /**
   * Books a migrated loan as the bank does it: admin.hq requests the import, admin2.hq approves
   * it (free-form loans exist only this way; everyday loans are opened under a signed contract).
   * Answers the approval's response, or the first refusal, with the loan read back.
   */
  const importLoan = async (
    loanBody: Record<string, unknown>,
  ): Promise<ApiResponse<Loan> & { importId?: string }> => {
    const requested = await call<{ id: string }>('admin.hq', 'POST', '/loan-imports', {
      sourceSystem: 'legacy core',
      reason: 'migration',
      loans: [{ externalReference: `OLD-${unique()}`, borrowerName: '王芳', ...loanBody }],
    });
    if (requested.status !== 201) return requested as unknown as ApiResponse<Loan>;
    const approved = await call<{ loanIds: string[] }>(
      'admin2.hq',
      'POST',
      `/loan-imports/${requested.body.id}:approve`,
    );
    if (approved.status !== 200) return approved as unknown as ApiResponse<Loan>;
    const got = await call<Loan>('admin.hq', 'GET', `/loans/${approved.body.loanIds[0]}`);
    return { ...got, status: 201, importId: requested.body.id };
  };
  /** Closes business days (日终) through the API until `through` is closed. */
  const closeThrough = async (through: string) => {
    for (;;) {
      const cur = await call<{ openBusinessDate: string }>(
        'admin.hq',
        'GET',
        '/business-days/current',
      );
      expect(cur.status).toBe(200);
      const open = cur.body.openBusinessDate;
      if (open > through) return;
      const closed = await call<{
        day: { businessDate: string; status: string };
        alreadyClosed: boolean;
        nextBusinessDate: string;
      }>('admin.hq', 'POST', `/business-days/${open}:close`);
      expect(closed.status).toBe(200);
      expect(closed.body.day).toMatchObject({ businessDate: open, status: 'closed' });
      expect(closed.body.alreadyClosed).toBe(false);
    }
  };

  it('imports a migrated loan: requested (201, Location, replayed for the same key), approved by another admin, booked with the schedule of the preview', async () => {
    const body = openBody();
    const batch = {
      sourceSystem: 'legacy core',
      reason: 'branch migration',
      loans: [{ externalReference: 'OLD-0001', borrowerName: '王芳', ...body }],
    };
    const key = `import-${unique()}`;
    const res = await call<{ id: string; status: string; requestedBy: string }>(
      'admin.hq',
      'POST',
      '/loan-imports',
      batch,
      { 'idempotency-key': key },
    );
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('pending');
    expect(res.headers.get('location')).toBe(`${API}/loan-imports/${res.body.id}`);
    const again = await call<{ id: string }>('admin.hq', 'POST', '/loan-imports', batch, {
      'idempotency-key': key,
    });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(res.body.id);
    expect(await count('loan_imports')).toBe(1);
    expect(await count('loans')).toBe(0);
    // Only another administrator approves; a disbursement reviewer may not import at all.
    expectProblem(await call('admin.hq', 'POST', `/loan-imports/${res.body.id}:approve`), 403);
    expectProblem(await call('disb.sh', 'POST', '/loan-imports', batch), 403);
    const approved = await call<{ status: string; decidedBy: string; loanIds: string[] }>(
      'admin2.hq',
      'POST',
      `/loan-imports/${res.body.id}:approve`,
      { comment: 'matches the legacy ledger' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.loanIds).toHaveLength(1);
    loan = await getLoan(approved.body.loanIds[0]!);
    expect(loan).toMatchObject({
      status: 'active',
      branchId: 'SH001',
      rateType: 'fixed',
      annualRatePercent: '4.3500',
      penaltyRatePercent: '6.5250',
      approvedAmount: '100000.00',
      disbursedAmount: '100000.00',
      classification: 'normal',
      origin: 'import',
      importId: res.body.id,
    });
    expect(loan.loanNumber).toMatch(/^LN20250115\d{6}$/);
    expect(loan.balances.principal).toBe('100000.00');
    const audit = await call<{ requestedBy: string; decidedBy: string }>(
      'audit.hq',
      'GET',
      `/loan-imports/${res.body.id}`,
    );
    expect(audit.body.requestedBy).not.toBe(audit.body.decidedBy);
    expect(await count('loans')).toBe(1);
    expect(await count('disbursements')).toBe(1);
  });

  it('gets one loan with its installments and lists loans by branch and status', async () => {
    const got = await getLoan(loan.id);
    expect(got.id).toBe(loan.id);
    expect(got.installments).toHaveLength(12);
    expect(got.installments[0]).toMatchObject({
      period: 1,
      dueDate: '2025-02-15',
      principal: '8168.49',
      status: 'scheduled',
    });

    const list = await call<{ items: Loan[]; nextPageToken: string | null }>(
      'postloan.sh',
      'GET',
      '/loans?status=active&branchId=SH001&pageSize=10',
    );
    expect(list.status).toBe(200);
    expect(list.body.items.map((l) => l.id)).toEqual([loan.id]);
    expect(list.body.nextPageToken).toBeNull();
    // Head office sees every branch; the Beijing branch does not see Shanghai's loans.
    const hq = await call<{ items: Loan[] }>('audit.hq', 'GET', '/loans');
    expect(hq.body.items.map((l) => l.id)).toContain(loan.id);
    const bj = await call<{ items: Loan[] }>('am.bj', 'GET', '/loans');
    expect(bj.status).toBe(200);
    expect(bj.body.items).toEqual([]);
    const none = await call<{ items: Loan[] }>('postloan.sh', 'GET', '/loans?status=closed');
    expect(none.body.items).toEqual([]);
  });

  it('opens a floating-rate loan at the published LPR plus the spread and pays out a second tranche', async () => {
    const lpr = await call('risk.hq', 'POST', '/lpr', {
      term: '1Y',
      ratePercent: '3.10',
      effectiveDate: FIRST_DAY,
    });
    expect(lpr.status).toBe(200);
    expect(lpr.body).toEqual({ term: '1Y', ratePercent: '3.1000', effectiveDate: FIRST_DAY });
    expect((await call('disb.sh', 'POST', '/lpr', lpr.body)).status).toBe(403);
    // No rate reaches the 36 % ceiling, published or agreed.
    const absurd = await call('risk.hq', 'POST', '/lpr', {
      term: '5Y',
      ratePercent: '99.9999',
      effectiveDate: FIRST_DAY,
    });
    expect(expectProblem(absurd, 400, 'ratePercent').errors).toEqual([
      { field: 'ratePercent', reason: 'must be below 36% a year' },
    ]);

    const opened = await importLoan(
      openBody({
        approvedAmount: '80000.00',
        schedule: schedule(FIRST_DAY, '50000.00', '3.60'),
        rateType: 'floating',
        lprTerm: '1Y',
        spreadBp: 50,
        repricing: 'january_first',
        payee: { paymentMethod: 'self' },
      }),
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ rateType: 'floating', annualRatePercent: '3.6000' });

    const tranche = await call<Loan>('disb.sh', 'POST', `/loans/${opened.body.id}/tranches`, {
      amount: '20000.00',
      payee: { paymentMethod: 'self' },
    });
    expect(tranche.status).toBe(201);
    expect(tranche.body.disbursedAmount).toBe('70000.00');
    expect(tranche.body.balances.principal).toBe('70000.00');
    const over = await call('disb.sh', 'POST', `/loans/${opened.body.id}/tranches`, {
      amount: '10000.01',
      payee: { paymentMethod: 'self' },
    });
    expectProblem(over, 400, 'amount');

    // A floating loan changes with the LPR, not by agreement; a fixed one by agreement.
    const floatingChange = await call('disb.sh', 'POST', `/loans/${opened.body.id}/rate-changes`, {
      annualRatePercent: '3.2',
      effectiveDate: '2025-03-01',
      reference: 'AGR-1',
    });
    expectProblem(floatingChange, 409);
    const fixedChange = await call<{ id: string; effectiveDate: string }>(
      'disb.sh',
      'POST',
      `/loans/${loan.id}/rate-changes`,
      { annualRatePercent: '4.10', effectiveDate: '2025-06-01', reference: 'AGR-2025-031' },
    );
    expect(fixedChange.status).toBe(201);
    expect(fixedChange.body.effectiveDate).toBe('2025-06-01');
    const usurious = await call('disb.sh', 'POST', `/loans/${loan.id}/rate-changes`, {
      annualRatePercent: '36',
      effectiveDate: '2025-07-01',
      reference: 'AGR-2025-032',
    });
    expect(expectProblem(usurious, 400, 'annualRatePercent').errors).toEqual([
      { field: 'annualRatePercent', reason: 'must be below 36% a year' },
    ]);
  });

  it('closes business days until the first installment is overdue and charges penalty interest', async () => {
    await closeThrough('2025-02-20');
    const current = await call('postloan.sh', 'GET', '/business-days/current');
    expect(current.body).toEqual({
      openBusinessDate: '2025-02-21',
      lastClosedDate: '2025-02-20',
      // The accounting service's clock in tests (TEST_CALENDAR_DATE).
      calendarDate: '2025-12-31',
      timeZone: 'Asia/Shanghai',
      aheadOfCalendar: false,
      simulations: [],
    });
    // Closing a closed date again does nothing.
    const rerun = await call<{ alreadyClosed: boolean }>(
      'admin.hq',
      'POST',
      '/business-days/2025-02-18:close',
    );
    expect(rerun.status).toBe(200);
    expect(rerun.body.alreadyClosed).toBe(true);
    expectProblem(await call('postloan.sh', 'POST', '/business-days/2025-02-21:close'), 403);
    expectProblem(await call('admin.hq', 'POST', '/business-days/2025-02-31:close'), 400, 'date');

    const l = await getLoan(loan.id);
    expect(l.accruedThrough).toBe('2025-02-20');
    expect(l.balances.overduePrincipal).toBe('8168.49');
    expect(l.balances.overdueInterest).toBe('362.50');
    expect(cents(l.balances.penaltyInterest)).toBeGreaterThan(0n);
    expect(l.daysPastDue).toBeGreaterThan(0);
    expect(l.classification).toBe('special_mention');
    expect(l.installments[0]!.status).toBe('overdue');
    const overdue = await call<{ items: Loan[] }>('risk.hq', 'GET', '/loans?minDaysPastDue=1');
    expect(overdue.body.items.map((x) => x.id)).toContain(loan.id);
  });

  it('posts a repayment once per Idempotency-Key, also when the retry reaches the service again', async () => {
    const key = `pay-${unique()}`;
    const body = { amount: '3000.00', kind: 'regular', reference: 'TELLER-778' };
    const first = await call<{ repayment: Repayment; loan: Loan }>(
      'postloan.sh',
      'POST',
      `/loans/${loan.id}/repayments`,
      body,
      { 'idempotency-key': key },
    );
    expect(first.status).toBe(201);
    expect(first.body.repayment).toMatchObject({ amount: '3000.00', status: 'posted' });
    // Compound and penalty interest come first in the allocation order.
    expect(cents(first.body.repayment.allocation.penalty!)).toBeGreaterThan(0n);
    expect(cents(first.body.loan.balances.penaltyInterest)).toBe(0n);

    const replay = await call<{ repayment: Repayment }>(
      'postloan.sh',
      'POST',
      `/loans/${loan.id}/repayments`,
      body,
      { 'idempotency-key': key },
    );
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await count('repayments')).toBe(1);

    // The gateway lost its record (a crash before recording, or the key expired there): the
    // retry reaches the service, which answers as the first time and posts nothing again.
    await sys.db.query(`DELETE FROM ${sys.schemas.gateway}.idempotency_keys WHERE key = $1`, [key]);
    const lines = await count('journal_lines');
    const retried = await call<{ repayment: Repayment }>(
      'postloan.sh',
      'POST',
      `/loans/${loan.id}/repayments`,
      body,
      { 'idempotency-key': key },
    );
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(retried.body.repayment.id).toBe(first.body.repayment.id);
    expect(await count('repayments')).toBe(1);
    expect(await count('journal_lines')).toBe(lines);

    // The same key from another user is another command, not the first user's answer.
    const other = await call<{ repayment: Repayment }>(
      'disb.sh',
      'POST',
      `/loans/${loan.id}/repayments`,
      { amount: '1.00' },
      { 'idempotency-key': key },
    );
    expect(other.status).toBe(201);
    expect(other.body.repayment.id).not.toBe(first.body.repayment.id);
    expect(await count('repayments')).toBe(2);

    // …and that one, posted in error, is reversed.
    const reversed = await call<{ repayment: Repayment; loan: Loan; adjustments: unknown[] }>(
      'postloan.sh',
      'POST',
      `/repayments/${other.body.repayment.id}:reverse`,
      { reason: 'posted twice by mistake' },
    );
    expect(reversed.status).toBe(200);
    expect(reversed.body.repayment).toMatchObject({
      id: other.body.repayment.id,
      status: 'reversed',
    });
    expectProblem(
      await call('postloan.sh', 'POST', `/repayments/${other.body.repayment.id}:reverse`, {
        reason: 'again',
      }),
      409,
    );
    expectProblem(
      await call('postloan.sh', 'POST', `/repayments/${randomUUID()}:reverse`, { reason: 'x' }),
      404,
    );

    // 还款记录: both, newest first, the reversed one marked, who posted each; a page at a time.
    type Page = {
      items: (Repayment & { postedBy: string; postedAt: string })[];
      nextPageToken: string | null;
    };
    const listed = await call<Page>('am.sh', 'GET', `/loans/${loan.id}/repayments`);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r) => [r.id, r.status, r.amount])).toEqual([
      [other.body.repayment.id, 'reversed', '1.00'],
      [first.body.repayment.id, 'posted', '3000.00'],
    ]);
    expect(listed.body.items[1]).toMatchObject({ reference: 'TELLER-778', kind: 'regular' });
    expect(
      listed.body.items.every((r) => r.postedBy !== '' && !Number.isNaN(Date.parse(r.postedAt))),
    ).toBe(true);
    expect(listed.body.nextPageToken).toBeNull();
    const page1 = await call<Page>('am.sh', 'GET', `/loans/${loan.id}/repayments?pageSize=1`);
    expect(page1.body.items.map((r) => r.id)).toEqual([other.body.repayment.id]);
    const page2 = await call<Page>(
      'am.sh',
      'GET',
      `/loans/${loan.id}/repayments?pageSize=1&pageToken=${page1.body.nextPageToken}`,
    );
    expect(page2.body.items.map((r) => r.id)).toEqual([first.body.repayment.id]);
    expect(page2.body.nextPageToken).toBeNull();
  });

  it('states the interest segment by segment as JSON, CSV and PDF', async () => {
    const path = `/loans/${loan.id}/statement?from=${FIRST_DAY}&to=2025-02-20`;
    const json = await call<{
      loanNumber: string;
      fromDate: string;
      toDate: string;
      header: Record<string, unknown>;
      lines: { kind: string; interest: string }[];
      totals: Record<string, string>;
      document?: unknown;
    }>('postloan.sh', 'GET', path);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({
      loanNumber: loan.loanNumber,
      fromDate: FIRST_DAY,
      toDate: '2025-02-20',
    });
    expect(json.body.document).toBeUndefined();
    // The header: the bank, the borrower's name kept at the import, the loan's day count and
    // rate, the zone of the business dates.
    expect(json.body.header).toEqual({
      bankName: 'LoanFlow Demo Bank',
      bankNameZh: 'LoanFlow 演示银行',
      customerId: loan.customerId,
      customerName: '王芳',
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      currency: 'CNY',
      dayCount: 'ACT/360',
      interestBasis: 'period',
      annualRatePercent: '4.3500',
      rateType: 'fixed',
      lprTerm: '',
      spreadBp: 0,
      timeZone: 'Asia/Shanghai',
      generatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(new Set(json.body.lines.map((l) => l.kind))).toEqual(
      new Set(['normal', 'penalty', 'compound']),
    );
    expect(cents(json.body.totals.penalty!)).toBeGreaterThan(0n);

    const get = (format: string) =>
      fetch(`${sys.baseUrl}${API}${path}&format=${format}`, {
        headers: { authorization: `Bearer ${tokens['postloan.sh']}` },
      });
    const csv = await get('csv');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe(
      `attachment; filename="${loan.loanNumber}-${FIRST_DAY}-2025-02-20.csv"`,
    );
    const text = await csv.text();
    expect(text).toContain('penalty');
    expect(text).toContain('\r\nBorrower 借款人,王芳\r\n');

    const pdf = await get('pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(
      `attachment; filename="${loan.loanNumber}-${FIRST_DAY}-2025-02-20.pdf"`,
    );
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The document says so: one operation, three representations of its 200.
    const doc = await api<{
      paths: Record<string, { get: { responses: { 200: { content: object } } } }>;
    }>(sys.baseUrl, 'GET', '/openapi.json');
    expect(
      Object.keys(doc.body.paths['/loans/{loanId}/statement']!.get.responses[200].content).sort(),
    ).toEqual(['application/json', 'application/pdf', 'text/csv']);

    // The service's fields come back under the names of the query.
    expectProblem(
      await call('postloan.sh', 'GET', `/loans/${loan.id}/statement?from=2025-02-10&to=2025-02-01`),
      400,
      'to',
    );
    const bad = await call(
      'postloan.sh',
      'GET',
      `/loans/${loan.id}/statement?to=2025-02-01&format=xml`,
    );
    expectProblem(bad, 400);
    expect(fieldsOf(bad)).toEqual(['format', 'from']);
  });

  it('keeps the books balanced and every loan reconciled with the ledger', async () => {
    const tb = await call<{ balanced: boolean; totalDebit: string; totalCredit: string }>(
      'audit.hq',
      'GET',
      '/ledger/trial-balance',
    );
    expect(tb.status).toBe(200);
    expect(tb.body.balanced).toBe(true);
    expect(tb.body.totalDebit).toBe(tb.body.totalCredit);
    const first = await call<{ balanced: boolean; totalDebit: string }>(
      'audit.hq',
      'GET',
      `/ledger/trial-balance?asOf=${FIRST_DAY}`,
    );
    expect(first.body.balanced).toBe(true);
    expect(cents(first.body.totalDebit)).toBeLessThan(cents(tb.body.totalDebit));

    const rec = await call<{ loansChecked: number; mismatches: unknown[] }>(
      'audit.hq',
      'GET',
      '/ledger/reconciliation',
    );
    expect(rec.status).toBe(200);
    expect(rec.body).toEqual({ loansChecked: 2, mismatches: [] });
    const sh = await call('postloan.sh', 'GET', '/ledger/reconciliation?branchId=SH001');
    expect(sh.body).toEqual({ loansChecked: 2, mismatches: [] });
    expectProblem(await call('am.bj', 'GET', '/ledger/trial-balance'), 403);
    expectProblem(await call('postloan.sh', 'GET', '/ledger/reconciliation?branchId=BJ001'), 403);
  });

  it('classifies by maker-checker: one risk manager proposes, another approves; the proposer cannot', async () => {
    const proposed = await call<{ id: string; status: string; fromClassification: string }>(
      'risk.hq',
      'POST',
      `/loans/${loan.id}/classification-changes`,
      { classification: 'doubtful', reason: 'borrower lost the job; collateral gone' },
    );
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({
      status: 'pending',
      fromClassification: 'special_mention',
    });
    const changeId = proposed.body.id;

    const self = await call('risk.hq', 'POST', `/classification-changes/${changeId}:approve`, {});
    expectProblem(self, 403);
    expect((await getLoan(loan.id)).classification).toBe('special_mention');

    const approved = await call<{ change: { status: string; decidedBy: string }; loan: Loan }>(
      'risk2.hq',
      'POST',
      `/classification-changes/${changeId}:approve`,
      { comment: 'agreed' },
    );
    expect(approved.status).toBe(200);
    expect(approved.body.change.status).toBe('approved');
    expect(approved.body.loan.classification).toBe('doubtful');
    expectProblem(
      await call('risk2.hq', 'POST', `/classification-changes/${changeId}:reject`),
      409,
    );

    // A second proposal, rejected: the loan stays doubtful.
    const loss = await call<{ id: string }>(
      'postloan.sh',
      'POST',
      `/loans/${loan.id}/classification-changes`,
      { classification: 'loss', reason: 'no prospect of recovery' },
    );
    expect(loss.status).toBe(201);
    const rejected = await call<{ change: { status: string }; loan: Loan }>(
      'risk.hq',
      'POST',
      `/classification-changes/${loss.body.id}:reject`,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.change.status).toBe('rejected');
    expect(rejected.body.loan.classification).toBe('doubtful');
    expectProblem(
      await call('postloan.sh', 'POST', `/classification-changes/${loss.body.id}:approve`),
      403,
    );
  });

  it('writes the loan off and records a recovery on it; the books still balance', async () => {
    const before = await getLoan(loan.id);
    const key = `wo-${unique()}`;
    const wo = await call<{ loan: Loan; amountWrittenOff: string }>(
      'risk.hq',
      'POST',
      `/loans/${loan.id}:write-off`,
      { reason: 'uncollectable after litigation' },
      { 'idempotency-key': key },
    );
    expect(wo.status).toBe(200);
    expect(wo.body.loan.status).toBe('written_off');
    expect(wo.body.loan.balances.principal).toBe('0.00');
    const b = before.balances;
    const principal = cents(b.principal) + cents(b.duePrincipal) + cents(b.overduePrincipal);
    expect(principal).toBeGreaterThan(cents('90000.00'));
    expect(cents(wo.body.amountWrittenOff)).toBeGreaterThan(principal);
    expectProblem(
      await call('risk.hq', 'POST', `/loans/${loan.id}:write-off`, { reason: 'again' }),
      409,
    );
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}:write-off`, { reason: 'x' }),
      403,
    );
    // Nothing more is posted on it.
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}/repayments`, { amount: '10.00' }),
      409,
    );

    const recovery = await call<{ loan: Loan; recoveredTotal: string }>(
      'postloan.sh',
      'POST',
      `/loans/${loan.id}/recoveries`,
      { amount: '500.00', reference: 'AUCTION-17' },
    );
    expect(recovery.status).toBe(201);
    expect(recovery.body.recoveredTotal).toBe('500.00');
    const tooMuch = await call('postloan.sh', 'POST', `/loans/${loan.id}/recoveries`, {
      amount: wo.body.amountWrittenOff,
    });
    expectProblem(tooMuch, 400, 'amount');
    expect(await count('recoveries')).toBe(1);

    const tb = await call<{ balanced: boolean }>('admin.hq', 'GET', '/ledger/trial-balance');
    expect(tb.body.balanced).toBe(true);
    const rec = await call<{ mismatches: unknown[] }>('admin.hq', 'GET', '/ledger/reconciliation');
    expect(rec.body.mismatches).toEqual([]);
  });

  it('refuses bad input with the field paths and writes nothing', async () => {
    const loans = await count('loans');
    const lines = await count('journal_lines');
    const repayments = await count('repayments');

    const shape = await call('admin.hq', 'POST', '/loan-imports', {
      sourceSystem: 'legacy core',
      reason: 'migration',
      loans: [
        {
          externalReference: 'OLD-1',
          borrowerName: '王芳',
          ...openBody(),
          approvedAmount: 100000,
          schedule: 'monthly',
          payee: { paymentMethod: 'cash', iban: 'x' },
          graceDays: 1.5,
          colour: 'red',
        },
      ],
    });
    expectProblem(shape, 400);
    expect(fieldsOf(shape)).toEqual([
      'loans[0].approvedAmount',
      'loans[0].colour',
      'loans[0].graceDays',
      'loans[0].payee.iban',
      'loans[0].payee.paymentMethod',
      'loans[0].schedule',
    ]);

    // Not an id, not an amount: refused at the edge, with the path into the batch.
    const formats = await importLoan({
      ...openBody(),
      customerId: 'nope',
      approvedAmount: '-5',
      schedule: schedule(FIRST_DAY),
    });
    expectProblem(formats, 400);
    expect(fieldsOf(formats)).toEqual(['loans[0].approvedAmount', 'loans[0].customerId']);
    // Well-formed but wrong: the service names the fields, nested under the loan and schedule.
    const rules = await importLoan({
      ...openBody(),
      approvedAmount: '0',
      schedule: schedule(FIRST_DAY),
    });
    expectProblem(rules, 400);
    expect(fieldsOf(rules)).toEqual(expect.arrayContaining(['loans[0].approvedAmount']));
    const backdated = await importLoan(openBody());
    expectProblem(backdated, 400, 'loans[0].schedule.disbursementDate');

    // The everyday path names the application and the payee; the contract gives the rest.
    expect(fieldsOf(await call('disb.sh', 'POST', '/loans', {}))).toEqual([
      'applicationId',
      'payee',
    ]);
    const free = await call('disb.sh', 'POST', '/loans', {
      ...openBody(),
      customerId: randomUUID(),
      branchId: 'ZZ999',
      productCode: 'NO_SUCH_PRODUCT',
    });
    expectProblem(free, 400, 'applicationId');
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}/repayments`, {
        amount: '12.345',
      }),
      400,
      'amount',
    );
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}/repayments`, {
        amount: '10.00',
        kind: 'gift',
        memo: 'x',
      }),
      400,
      'memo',
    );
    expectProblem(await call('postloan.sh', 'GET', '/loans?pageSize=0'), 400, 'pageSize');
    expectProblem(await call('postloan.sh', 'GET', '/loans?status=lost'), 400, 'status');
    expectProblem(await call('postloan.sh', 'GET', '/loans?customerId=abc'), 400, 'customerId');
    expectProblem(await call('postloan.sh', 'GET', '/loans/abc'), 400, 'loanId');
    expectProblem(await call('postloan.sh', 'GET', '/loans/%00'), 400, 'loanId');
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}/repayments`, { amount: '1e12' }),
      400,
      'amount',
    );
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${loan.id}/repayments`, {
        amount: '1.00',
        reference: 'TELLER\u00001',
      }),
      400,
      'reference',
    );
    expectProblem(
      await call('admin.hq', 'GET', '/ledger/trial-balance?asOf=2025-02-30'),
      400,
      'asOf',
    );
    expectProblem(
      await call('admin.hq', 'POST', '/lpr', { term: '2Y', ratePercent: 3.1, effectiveDate: 1 }),
      400,
    );

    expect(await count('loans')).toBe(loans);
    expect(await count('journal_lines')).toBe(lines);
    expect(await count('repayments')).toBe(repayments);
  });

  it('keeps other branches out and answers 404 for a loan that does not exist', async () => {
    const loans = await count('loans');
    const repayments = await count('repayments');
    const other = await importLoan(openBody());
    expect(other.status).toBe(400); // the date has moved on; check the rest on a current one
    const { openBusinessDate } = (
      await call<{ openBusinessDate: string }>('admin.hq', 'GET', '/business-days/current')
    ).body;
    const current = openBody({ schedule: schedule(openBusinessDate) });

    expectProblem(
      await call('disb.bj', 'POST', '/loan-imports', {
        sourceSystem: 'legacy core',
        reason: 'migration',
        loans: [{ externalReference: 'OLD-2', ...current }],
      }),
      403,
    );
    expectProblem(await call('am.bj', 'GET', `/loans/${loan.id}`), 403);
    expectProblem(await call('am.bj', 'GET', `/loans/${loan.id}/repayments`), 403);
    expectProblem(await call('am.sh', 'GET', `/loans/${loan.id}/repayments?pageToken=x`), 400);
    expectProblem(await call('am.sh', 'GET', `/loans/${randomUUID()}/repayments`), 404);
    expectProblem(
      await call('am.bj', 'GET', `/loans/${loan.id}/statement?from=${FIRST_DAY}&to=${FIRST_DAY}`),
      403,
    );
    expectProblem(await call('am.bj', 'GET', '/loans?branchId=SH001'), 403);
    expectProblem(
      await call('disb.bj', 'POST', `/loans/${loan.id}/recoveries`, { amount: '1.00' }),
      403,
    );
    // Not a cashier at all: refused at the edge.
    expectProblem(
      await call('am.sh', 'POST', `/loans/${loan.id}/repayments`, { amount: '1.00' }),
      403,
    );

    const nobody = randomUUID();
    expectProblem(await call('postloan.sh', 'GET', `/loans/${nobody}`), 404);
    expectProblem(
      await call('postloan.sh', 'POST', `/loans/${nobody}/repayments`, { amount: '1.00' }),
      404,
    );
    expectProblem(
      await call(
        'postloan.sh',
        'GET',
        `/loans/${nobody}/statement?from=${FIRST_DAY}&to=${FIRST_DAY}`,
      ),
      404,
    );
    expectProblem(await call('risk.hq', 'POST', `/classification-changes/${nobody}:approve`), 404);
    expectProblem(
      await call('disb.sh', 'POST', `/loans/${nobody}:write-off`, { reason: 'x' }),
      403,
    );
    expectProblem(
      await call('risk.hq', 'POST', `/loans/${nobody}:write-off`, { reason: 'x' }),
      404,
    );
    expect(await count('loans')).toBe(loans);
    expect(await count('repayments')).toBe(repayments);

    // The current date works (the batch left pending by the backdated attempt books nothing).
    const ok = await importLoan(current);
    expect(ok.status).toBe(201);
    expect(ok.body.branchId).toBe('SH001');
  });
});
