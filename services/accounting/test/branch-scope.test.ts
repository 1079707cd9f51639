import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountingV1 } from '@loanflow/proto';
import Decimal from 'decimal.js';
import { openTestLoan, startHarness, type Harness } from './harness';

/** Loans are seen by the branch's subtree: SH001 sees SH001-01's loans, not BJ001's. */
describe('accounting: the data scope of a branch covers its sub-branches', () => {
  let h: Harness;
  let sh: accountingV1.Loan;
  const shLoan = () => sh;
  let pd: accountingV1.Loan;
  let bj: accountingV1.Loan;

  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
    sh = await openTestLoan(h, { branchId: 'SH001' });
    pd = await openTestLoan(h, { branchId: 'SH001-01', who: 'admin' });
    bj = await openTestLoan(h, { branchId: 'BJ001', principal: '30000.00' });
  });

  afterAll(async () => {
    await h?.close();
  });

  const listed = async (branchId = '') =>
    (
      await h.client.listLoans(
        accountingV1.ListLoansRequest.fromPartial({ branchId, pageSize: 100 }),
        h.as('shBranchPostLoan'),
      )
    ).loans.map((l) => l.id);

  it('lists the loans of the subtree, or of one branch of it; refuses a branch outside', async () => {
    expect((await listed()).sort()).toEqual([sh.id, pd.id].sort());
    expect(await listed('SH001-01')).toEqual([pd.id]);
    await expect(listed('BJ001')).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('reads a sub-branch loan, not a neighbour’s; reconciles the subtree only', async () => {
    const read = (id: string) => h.client.getLoan({ id }, h.as('shBranchPostLoan'));
    expect((await read(pd.id)).loan!.branchId).toBe('SH001-01');
    await expect(read(bj.id)).rejects.toMatchObject({ code: 'permission_denied' });
    const reconciled = await h.client.reconcileLoans({ branchId: '' }, h.as('shBranchPostLoan'));
    expect(reconciled.loansChecked).toBe(2);
    // Without a scope in the token, the same officer sees their own branch only (as before).
    const own = await h.client.listLoans(
      accountingV1.ListLoansRequest.fromPartial({ branchId: '', pageSize: 100 }),
      h.as('shPostLoan'),
    );
    expect(own.loans.map((l) => l.id)).toEqual([sh.id]);
  });

  it('keeps the trial balance to the caller’s branch scope; head office sees the whole bank', async () => {
    // Two nights of accrual: income lines are booked per branch as well as the loans' own.
    await h.closeThrough('2025-01-16');
    const balance = async (who: 'shBranchPostLoan' | 'bjPostLoan' | 'hqAuditor') => {
      const tb = await h.client.getTrialBalance({ asOf: '' }, h.as(who));
      const line = (code: string) => tb.lines.find((l) => l.accountCode === code)!;
      return { tb, line };
    };
    const sh = await balance('shBranchPostLoan');
    const bjView = await balance('bjPostLoan');
    const hq = await balance('hqAuditor');
    // Money compared as decimals, written as the API writes it (two places).
    const total = (...loans: accountingV1.Loan[]) =>
      loans.reduce((sum, l) => sum.plus(l.disbursedAmount), new Decimal(0)).toFixed(2);
    // Loan principal (130101): the Shanghai subtree's two loans, Beijing's one, the bank's three.
    expect(sh.line('130101').debit).toBe(total(pd, shLoan()));
    expect(bjView.line('130101').debit).toBe(total(bj));
    expect(hq.line('130101').debit).toBe(total(pd, shLoan(), bj));
    // Interest accrued and its income are the branch's own, and each view balances.
    expect(new Decimal(sh.line('113201').debit).greaterThan(0)).toBe(true);
    expect(sh.line('601101').credit).toBe(sh.line('113201').debit);
    expect(bjView.line('601101').credit).toBe(bjView.line('113201').debit);
    for (const view of [sh, bjView, hq]) {
      expect(view.tb.balanced).toBe(true);
      expect(view.tb.totalDebit).toBe(view.tb.totalCredit);
    }
    // Every line of the bank is in exactly one branch: the two branch views add up to head office's.
    for (const l of hq.tb.lines) {
      const sum = new Decimal(sh.line(l.accountCode).debit).plus(bjView.line(l.accountCode).debit);
      expect(sum.toFixed(2)).toBe(l.debit);
    }
  });
});
