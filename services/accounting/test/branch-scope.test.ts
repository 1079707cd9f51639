import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountingV1 } from '@loanflow/proto';
import { openTestLoan, startHarness, type Harness } from './harness';

/** Loans are seen by the branch's subtree: SH001 sees SH001-01's loans, not BJ001's. */
describe('accounting: the data scope of a branch covers its sub-branches', () => {
  let h: Harness;
  let sh: accountingV1.Loan;
  let pd: accountingV1.Loan;
  let bj: accountingV1.Loan;

  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
    sh = await openTestLoan(h, { branchId: 'SH001' });
    pd = await openTestLoan(h, { branchId: 'SH001-01', who: 'admin' });
    bj = await openTestLoan(h, { branchId: 'BJ001' });
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
});
