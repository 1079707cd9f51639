// Issue 9 item 14: absurd amounts are refused with a field error and nothing written.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatMoney, parseMoney } from '../src/domain/money';
import { openTestLoan, registerAsset, startHarness, type Harness } from './harness';

describe('absurd amounts on a loan', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });

  const repay = (loanId: string, amount: string, source = '', reference = '') =>
    h.client.postRepayment(
      { source, loanId, amount, kind: 'regular', commandId: '', prepaymentOption: '', reference },
      h.as(source ? 'shPostLoan' : 'shDisburser'),
    );
  const repayments = async () =>
    (await h.db.query('SELECT count(*)::int AS n FROM repayments')).rows[0].n as number;
  const journal = async () =>
    (await h.db.query('SELECT count(*)::int AS n FROM journal_entries')).rows[0].n as number;

  it('refuses cash beyond the payoff amount by more than the tolerance (100.00), and beyond the database', async () => {
    const loan = await openTestLoan(h, { principal: '10000.00' });
    await h.closeThrough('2025-01-20');
    const payoff = parseMoney(
      (await h.client.getLoan({ id: loan.id }, h.as('admin'))).loan!.balances!.payoffAmount,
    )!;
    const [n, entries] = [await repayments(), await journal()];
    await expect(repay(loan.id, '999999999999999.99')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'amount', reason: 'must be at most 1000000000000.00 (one trillion yuan)' },
      ],
    });
    await expect(repay(loan.id, formatMoney(payoff + 10_001n))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'amount',
          reason: `exceeds the payoff amount ${formatMoney(payoff)} by more than the tolerance of 100.00`,
        },
      ],
    });
    expect([await repayments(), await journal()]).toEqual([n, entries]);
    // Within the tolerance the excess is held as credit, as any overpayment.
    const ok = await repay(loan.id, formatMoney(payoff + 10_000n));
    expect(ok.loan!.balances!.creditBalance).toBe(formatMoney(payoff + 10_000n));
  });

  it('refuses a settlement in kind beyond the payoff or beyond what is left of the asset’s valuation', async () => {
    const loan = await openTestLoan(h, { principal: '10000.00' });
    const asset = await registerAsset(h, loan.id, '1000.00');
    const n = await repayments();
    await expect(
      repay(loan.id, '999999999999999.99', 'repossessed_asset', asset.id),
    ).rejects.toMatchObject({ violations: [{ field: 'amount' }] });
    await expect(repay(loan.id, '10000.01', 'repossessed_asset', asset.id)).rejects.toMatchObject({
      violations: [
        {
          field: 'amount',
          reason: 'a settlement in kind must not exceed the payoff amount 10000.00',
        },
      ],
    });
    await expect(repay(loan.id, '1000.01', 'repossessed_asset', asset.id)).rejects.toMatchObject({
      violations: [
        {
          field: 'amount',
          reason: "exceeds what is left of the asset's valuation (1000.00 of 1000.00)",
        },
      ],
    });
    expect(await repayments()).toBe(n);
    await repay(loan.id, '600.00', 'repossessed_asset', asset.id.toUpperCase());
    await expect(repay(loan.id, '400.01', 'repossessed_asset', asset.id)).rejects.toMatchObject({
      violations: [
        {
          field: 'amount',
          reason: "exceeds what is left of the asset's valuation (400.00 of 1000.00)",
        },
      ],
    });
    // An asset of another loan settles nothing here.
    const other = await openTestLoan(h, { principal: '10000.00' });
    await expect(repay(other.id, '10.00', 'repossessed_asset', asset.id)).rejects.toMatchObject({
      violations: [{ field: 'reference' }],
    });
  });
});
