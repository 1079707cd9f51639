// Issue 9 item 10: a prepayment first settles the interest accrued to the day (the default, as
// mainland banks do); a product configured otherwise sends it wholly to principal.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { annuitySchedule, openTestLoan, startHarness, type Harness } from './harness';

const prepay = (h: Harness, loanId: string, amount: string) =>
  h.client.postRepayment(
    {
      source: '',
      loanId,
      amount,
      kind: 'prepayment',
      prepaymentOption: 'lower_installment',
      commandId: '',
      reference: 'PREPAY-1',
    },
    h.as('shDisburser'),
  );

// 100,000.00 at 4.5 % on the daily basis (ACT/360): 12.50 a day; 15–21 January is 87.50.
const dailyLoan = async (h: Harness) => {
  const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
  return openTestLoan(h, {
    schedule: annuitySchedule(openBusinessDate, '100000.00', '4.5', { interestBasis: 'daily' }),
  });
};

describe('a prepayment settles the interest accrued to the day first', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('20,000.00 with 87.50 accrued pays 87.50 interest and 19,912.50 principal; ledger, schedule and statement follow', async () => {
    const loan = await dailyLoan(h);
    await h.closeThrough('2025-01-21');
    const before = (await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'))).loan!;
    expect(before.balances!.accruedInterest).toBe('87.50');

    const { repayment, loan: after } = await prepay(h, loan.id, '20000.00');
    expect(repayment!.allocation).toMatchObject({
      accruedInterest: '87.50',
      principal: '19912.50',
      credit: '0.00',
    });
    expect(after!.balances).toMatchObject({ principal: '80087.50', accruedInterest: '0.00' });
    // The schedule is re-amortised over what is left; the current installment shows the interest
    // paid ahead of its bill.
    const scheduled = after!.installments.filter((i) => i.status === 'scheduled');
    const principalLeft = scheduled.reduce((t, i) => t + BigInt(i.principal.replace('.', '')), 0n);
    expect(principalLeft).toBe(8_008_750n);
    expect(after!.installments[0]).toMatchObject({ period: 1, interestPaid: '87.50' });
    // Each installment carries its total and the principal left after it, as the preview's do.
    const first = after!.installments[0]!;
    expect(BigInt(first.total.replace('.', ''))).toBe(
      BigInt(first.principal.replace('.', '')) + BigInt(first.scheduledInterest.replace('.', '')),
    );
    expect(BigInt(first.balance.replace('.', ''))).toBe(
      8_008_750n - BigInt(first.principal.replace('.', '')),
    );
    expect(after!.installments.at(-1)!.balance).toBe('0.00');
    expect(after!.annualRatePercent).toBe('4.5000');
    expect(after!.penaltyRatePercent).toBe('6.7500');

    const entry = await h.db.query<{ account_code: string; debit: string; credit: string }>(
      `SELECT l.account_code, l.debit::text, l.credit::text FROM journal_lines l
         JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.reference = $1 ORDER BY l.account_code`,
      [repayment!.id],
    );
    expect(entry.rows).toEqual([
      { account_code: '113201', debit: '0.00', credit: '87.50' },
      { account_code: '130101', debit: '0.00', credit: '19912.50' },
      { account_code: '201101', debit: '20000.00', credit: '0.00' },
    ]);

    // Billed on 15 February: only the interest accrued after the prepayment (on 80,087.50 for
    // 22 January – 14 February, 24 days: 240.26), the installment showing both parts.
    await h.closeThrough('2025-02-14');
    const billed = (await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'))).loan!;
    expect(billed.balances!.dueInterest).toBe('240.26');
    expect(billed.installments[0]).toMatchObject({
      status: 'due',
      billedInterest: '327.76',
      interestPaid: '87.50',
    });
    const st = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-01-15', toDate: '2025-02-14', format: 'json' },
      h.as('shPostLoan'),
    );
    expect(
      st.lines.filter((l) => l.kind === 'normal').map((l) => [l.start, l.end, l.base, l.interest]),
    ).toEqual([
      ['2025-01-15', '2025-01-21', '100000.00', '87.50'],
      ['2025-01-22', '2025-02-14', '80087.50', '240.26'],
    ]);
    const rec = await h.client.reconcileLoans({ branchId: '' }, h.as('admin'));
    expect(rec.mismatches).toEqual([]);
    expect((await h.client.getTrialBalance({ asOf: '' }, h.as('admin'))).balanced).toBe(true);
  });

  it('refuses a prepayment that does not go beyond the interest to date, naming the amount', async () => {
    const loan = await dailyLoan(h);
    await h.closeThrough('2025-02-20');
    const l = (await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'))).loan!;
    await expect(prepay(h, loan.id, l.balances!.accruedInterest)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'amount',
          reason: `must exceed what is owed now with the interest accrued to date (${l.balances!.accruedInterest}); the rest repays principal`,
        },
      ],
    });
  });
});

describe('a product whose prepayments go wholly to principal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      firstBusinessDate: '2025-01-15',
      env: { PREPAYMENT_PRINCIPAL_ONLY_PRODUCTS: 'SOME_OTHER, PERSONAL_CONSUMER' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('leaves the 87.50 accrued to be billed on the due date', async () => {
    const loan = await dailyLoan(h);
    await h.closeThrough('2025-01-21');
    const { repayment, loan: after } = await prepay(h, loan.id, '20000.00');
    expect(repayment!.allocation).toMatchObject({ accruedInterest: '0.00', principal: '20000.00' });
    expect(after!.balances).toMatchObject({ principal: '80000.00', accruedInterest: '87.50' });
    const { rows } = await h.db.query(
      'SELECT accrued_interest_first FROM repayments WHERE id = $1',
      [repayment!.id],
    );
    expect(rows[0].accrued_interest_first).toBe(false);
  });
});
