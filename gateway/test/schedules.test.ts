import { api, startSystem, type TestSystem } from '@loanflow/test/support/system';

jest.setTimeout(30_000);

/** POST /api/v1/schedules:preview through the gateway to the accounting service. */
describe('gateway: repayment schedule preview', () => {
  let system: TestSystem;
  let token: string;
  beforeAll(async () => {
    system = await startSystem();
    token = await system.login('am.sh');
  });
  afterAll(async () => {
    await system?.stop();
  });

  const preview = (body: unknown, t: string | undefined = token) =>
    api<{
      installments: {
        period: number;
        dueDate: string;
        principal: string;
        interest: string;
        total: string;
        balance: string;
      }[];
      totalInterest: string;
      totalPayment: string;
      errors?: { field: string; reason: string }[];
    }>(system.baseUrl, 'POST', '/api/v1/schedules:preview', { token: t, body });

  it('answers the published 30-year mortgage example to the cent', async () => {
    const res = await preview({
      principal: '1000000.00',
      annualRatePercent: '4.9',
      term: 360,
      termUnit: 'month',
      repaymentMethod: 'equal_installments',
      disbursementDate: '2025-01-15',
      repaymentDay: 15,
    });
    expect(res.status).toBe(200);
    expect(res.body.installments).toHaveLength(360);
    expect(res.body.installments[0]).toMatchObject({
      period: 1,
      dueDate: '2025-02-15',
      total: '5307.27',
      interest: '4083.33',
    });
    expect(res.body.installments[359]!.balance).toBe('0.00');
    const principal = res.body.installments.reduce(
      (sum, i) => sum + Math.round(Number(i.principal) * 100),
      0,
    );
    expect(principal).toBe(100_000_000);
  });

  it('refuses bad input with the fields and reasons, and asks for a token', async () => {
    const res = await preview({
      principal: -5,
      annualRatePercent: '40',
      term: 12,
      termUnit: 'month',
      repaymentMethod: 'weird',
      disbursementDate: '2025-02-30',
      extra: 1,
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const fields = res.body.errors!.map((e) => e.field).sort();
    expect(fields).toEqual(
      expect.arrayContaining([
        'annualRatePercent',
        'disbursementDate',
        'extra',
        'principal',
        'repaymentMethod',
      ]),
    );
    expect((await preview({}, '')).status).toBe(401);
  });

  const mortgage = {
    principal: '1000000.00',
    annualRatePercent: '4.9',
    term: 360,
    termUnit: 'month',
    repaymentMethod: 'equal_installments',
    disbursementDate: '2025-01-15',
  };

  it.each([
    ['an impossible date', { disbursementDate: '2025-02-30' }, 'disbursementDate'],
    ['a term beyond any range', { term: 1e12 }, 'term'],
    ['a fractional term', { term: 12.5 }, 'term'],
    ['a NUL in a word', { termUnit: 'mon\u0000th' }, 'termUnit'],
    ['money as a JSON number', { principal: 1000000 }, 'principal'],
    ['a rate at the ceiling', { annualRatePercent: '36' }, 'annualRatePercent'],
    ['a repayment day past the 28th', { repaymentDay: 31 }, 'repaymentDay'],
    ['a nested object', { principal: { amount: '1.00' } }, 'principal'],
  ])('answers 400 naming the field for %s, at the edge', async (_what, change, field) => {
    const res = await preview({ ...mortgage, ...change });
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.field)).toEqual([field]);
  });

  it('refuses JSON nested 2,000 levels deep with 400, not a server error', async () => {
    const deep = JSON.parse('{"a":'.repeat(2000) + '1' + '}'.repeat(2000)) as unknown;
    const res = await preview({ ...mortgage, principal: deep });
    expect(res.status).toBe(400);
  });

  it('leaves how the terms combine to the service, which names the field', async () => {
    const res = await preview({ ...mortgage, repaymentMethod: 'bullet', repaymentDay: 15 });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { field: 'repaymentDay', reason: 'does not apply to bullet: maturity is the only repayment' },
    ]);
  });
});
