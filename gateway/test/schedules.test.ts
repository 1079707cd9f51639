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
});
