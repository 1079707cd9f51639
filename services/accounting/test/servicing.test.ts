import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  annuitySchedule,
  openTestLoan,
  registerAsset,
  startHarness,
  type Harness,
} from './harness';

const rows = async (h: Harness, sql: string, params: unknown[] = []) =>
  (await h.db.query(sql, params)).rows;
const pay = (h: Harness, loanId: string, amount: string, kind = 'regular', commandId = '') =>
  h.client.postRepayment(
    { source: '', loanId, amount, kind, commandId, prepaymentOption: '', reference: '' },
    h.as('shDisburser'),
  );

describe('reversal of a wrongly posted repayment', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('runs the loan again without it: the installment is overdue again with the penalty it would have had, and one correcting entry balances the books', async () => {
    const loan = await openTestLoan(h);
    const twin = await openTestLoan(h);
    await h.closeThrough('2025-02-14');
    // Both pay the first installment on its due date; one payment was posted to the wrong loan.
    const wrong = await pay(h, loan.id, '8530.99');
    await pay(h, twin.id, '8530.99');
    expect(wrong.loan!.installments[0]!.status).toBe('paid');
    await h.closeThrough('2025-03-04');
    const linesBefore = (await rows(h, 'SELECT count(*)::int AS n FROM journal_lines'))[0]!.n;

    const reversed = await h.client.reverseRepayment(
      { repaymentId: wrong.repayment!.id, reason: 'posted to the wrong loan', commandId: 'rev-1' },
      h.as('shPostLoan'),
    );
    expect(reversed.repayment!.status).toBe('reversed');
    const l = reversed.loan!;
    expect(l.balances).toMatchObject({ overduePrincipal: '8168.49', overdueInterest: '362.50' });
    // Overdue since the evening of 15 February: penalty and compound for 16 Feb – 4 Mar (17 days).
    // 8168.49 × 6.525 % × 17 / 360 = 25.17; 362.50 × 6.525 % × 17 / 360 = 1.12
    expect(l.balances!.penaltyInterest).toBe('25.17');
    expect(l.balances!.compoundInterest).toBe('1.12');
    expect(l.daysPastDue).toBe(18);
    // The twin, which was never touched, agrees on everything but the overdue part.
    const twinNow = (await h.client.getLoan({ id: twin.id }, h.as('shManager'))).loan!;
    expect(twinNow.balances!.principal).toBe(l.balances!.principal);
    // The correction is one entry of the open date; nothing before it was rewritten.
    const entries = await rows(
      h,
      `SELECT business_date, kind FROM journal_entries WHERE reference = $1 AND kind = 'adjustment'`,
      [wrong.repayment!.id],
    );
    expect(entries).toEqual([{ business_date: '2025-03-05', kind: 'adjustment' }]);
    expect((await rows(h, 'SELECT count(*)::int AS n FROM journal_lines'))[0]!.n).toBeGreaterThan(
      linesBefore,
    );
    const settlement = reversed.adjustments.find((a) => a.accountCode === '201101');
    expect(settlement!.amount).toBe('-8530.99');
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
    expect((await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'))).balanced).toBe(true);
    // The statement after the correction shows the penalty from 16 February.
    const st = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-01-15', toDate: '2025-03-04', format: 'json' },
      h.as('shManager'),
    );
    expect(st.lines.find((x) => x.kind === 'penalty')).toMatchObject({
      start: '2025-02-16',
      end: '2025-03-04',
      days: 17,
      base: '8168.49',
      interest: '25.17',
    });
    // Retried with the same command id: the same answer, no second correction.
    const again = await h.client.reverseRepayment(
      { repaymentId: wrong.repayment!.id, reason: 'posted to the wrong loan', commandId: 'rev-1' },
      h.as('shPostLoan'),
    );
    expect(again.repayment!.id).toBe(wrong.repayment!.id);
    expect(
      await rows(h, `SELECT count(*)::int AS n FROM journal_entries WHERE kind = 'adjustment'`),
    ).toEqual([{ n: 1 }]);
    await expect(
      h.client.reverseRepayment(
        { repaymentId: wrong.repayment!.id, reason: 'again', commandId: '' },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    const events = await rows(
      h,
      `SELECT payload FROM outbox WHERE event_type = 'accounting.loan.repayment-reversed'`,
    );
    expect(events.map((e) => e.payload.data)).toEqual([
      {
        loanId: loan.id,
        repaymentId: wrong.repayment!.id,
        amount: '8530.99',
        reason: 'posted to the wrong loan',
        businessDate: '2025-03-05',
      },
    ]);
  });
});

describe('classification, write-off and recovery', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('moves a loan down by days past due, needs a second person for a manual change, and never goes above the floor', async () => {
    const loan = await openTestLoan(h);
    await h.closeThrough('2025-02-20');
    let l = (await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'))).loan!;
    expect(l.classification).toBe('special_mention');
    const floorEvents = await rows(
      h,
      `SELECT payload FROM outbox WHERE event_type = 'accounting.loan.classified'`,
    );
    expect(
      floorEvents.map((e) => [e.payload.data.from, e.payload.data.to, e.payload.data.cause]),
    ).toEqual([['normal', 'special_mention', 'days_past_due']]);
    await expect(
      h.client.requestClassification(
        { loanId: loan.id, classification: 'normal', reason: 'customer promised' },
        h.as('hqRisk'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'classification', reason: '6 days past due require at least special_mention' },
      ],
    });
    const { change } = await h.client.requestClassification(
      { loanId: loan.id, classification: 'loss', reason: 'borrower absconded; collateral gone' },
      h.as('hqRisk'),
    );
    expect(change!.status).toBe('pending');
    await expect(
      h.client.decideClassification(
        { changeId: change!.id, approve: true, comment: '' },
        h.as('hqRisk'),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.client.decideClassification(
        { changeId: change!.id, approve: true, comment: '' },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    const decided = await h.client.decideClassification(
      { changeId: change!.id, approve: true, comment: 'agreed' },
      h.as('hqRisk2'),
    );
    expect(decided.change).toMatchObject({
      status: 'approved',
      toClassification: 'loss',
      decidedBy: h.principal('hqRisk2').userId,
    });
    l = decided.loan!;
    expect(l.classification).toBe('loss');

    const writeOff = await h.client.writeOffLoan(
      { loanId: loan.id, reason: 'uncollectable, court ruling 2025-沪01-123', commandId: 'wo-1' },
      h.as('hqRisk'),
    );
    expect(writeOff.loan!.status).toBe('written_off');
    const owed = [
      'principal',
      'duePrincipal',
      'dueInterest',
      'overduePrincipal',
      'overdueInterest',
      'accruedInterest',
      'penaltyInterest',
      'compoundInterest',
    ];
    const total = owed.reduce(
      (s, k) => s + BigInt((l.balances as unknown as Record<string, string>)[k]!.replace('.', '')),
      0n,
    );
    expect(writeOff.amountWrittenOff.replace('.', '')).toBe(total.toString());
    expect(
      owed.map((k) => (writeOff.loan!.balances as unknown as Record<string, string>)[k]),
    ).toEqual(owed.map(() => '0.00'));
    // Written-off loans no longer accrue.
    const accruedThrough = writeOff.loan!.accruedThrough;
    await h.closeThrough('2025-02-25');
    expect((await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'))).loan!.accruedThrough).toBe(
      accruedThrough,
    );

    await expect(
      h.client.recordRecovery(
        { loanId: loan.id, amount: '999999.00', reference: '', commandId: '' },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'amount' }],
    });
    const rec = await h.client.recordRecovery(
      { loanId: loan.id, amount: '5000.00', reference: 'court enforcement', commandId: '' },
      h.as('shPostLoan'),
    );
    expect(rec.recoveredTotal).toBe('5000.00');
    // The reporting service hears of both, once each.
    const told = async (type: string) =>
      (
        await rows(h, `SELECT payload FROM outbox WHERE event_type = $1 AND subject_id = $2`, [
          type,
          loan.id,
        ])
      ).map((r) => r.payload.data);
    const yuan = (keys: string[]) =>
      keys.reduce(
        (s, k) =>
          s + BigInt((l.balances as unknown as Record<string, string>)[k]!.replace('.', '')),
        0n,
      );
    const asYuan = (v: bigint) => `${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;
    const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
    expect(await told('accounting.loan.written-off')).toEqual([
      {
        loanId: loan.id,
        loanNumber: loan.loanNumber,
        branchId: loan.branchId,
        customerId: loan.customerId,
        productCode: loan.productCode,
        businessDate: '2025-02-21',
        principal: asYuan(yuan(['principal', 'duePrincipal', 'overduePrincipal'])),
        interest: asYuan(
          yuan([
            'accruedInterest',
            'dueInterest',
            'overdueInterest',
            'penaltyInterest',
            'compoundInterest',
          ]),
        ),
        total: writeOff.amountWrittenOff,
        reason: 'uncollectable, court ruling 2025-沪01-123',
        writtenOffBy: h.principal('hqRisk').userId,
      },
    ]);
    const [recovery] = await rows(h, 'SELECT id FROM recoveries WHERE loan_id = $1', [loan.id]);
    expect(await told('accounting.loan.recovery-recorded')).toEqual([
      {
        recoveryId: recovery!.id,
        loanId: loan.id,
        branchId: loan.branchId,
        businessDate: openBusinessDate,
        amount: '5000.00',
        recordedBy: h.principal('shPostLoan').userId,
      },
    ]);
    const tb = await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'));
    expect(tb.balanced).toBe(true);
    const allowance = tb.lines.find((x) => x.accountCode === '130401')!;
    expect(allowance.debit.replace('.', '')).toBe(total.toString());
    expect(allowance.credit).toBe('5000.00');
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
  });

  it('pays out a second tranche within the approved amount and re-amortizes', async () => {
    const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
    const loan = await openTestLoan(h, {
      customerId: '0190a0a0-0000-7000-8000-000000000003',
      branchId: 'SH001',
      productCode: 'CORPORATE_WORKING_CAPITAL',
      approvedAmount: '300000.00',
      schedule: annuitySchedule(openBusinessDate, '200000.00'),
      rateType: 'fixed',
      payee: {
        paymentMethod: 'entrusted',
        counterpartyName: '上海某建材有限公司',
        counterpartyAccount: '6222 0210 0112 3456 789',
        counterpartyBank: '工商银行上海分行',
      },
    });
    await h.closeThrough(openBusinessDate);
    await expect(
      h.client.disburseTranche(
        {
          loanId: loan!.id,
          amount: '100000.01',
          payee: {
            paymentMethod: 'self',
            counterpartyName: '',
            counterpartyAccount: '',
            counterpartyBank: '',
          },
          commandId: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'amount', reason: 'exceeds what is left of the approved amount (100000.00)' },
      ],
    });
    const { loan: grown } = await h.client.disburseTranche(
      {
        loanId: loan!.id,
        amount: '100000.00',
        payee: {
          paymentMethod: 'self',
          counterpartyName: '',
          counterpartyAccount: '',
          counterpartyBank: '',
        },
        commandId: 't2',
      },
      h.as('shDisburser'),
    );
    expect(grown!.disbursedAmount).toBe('300000.00');
    expect(grown!.balances!.principal).toBe('300000.00');
    const scheduled = grown!.installments.filter((i) => i.status === 'scheduled');
    expect(scheduled.reduce((s, i) => s + BigInt(i.principal.replace('.', '')), 0n)).toBe(
      30_000_000n,
    );
    const tranches = await rows(
      h,
      `SELECT tranche, amount::text, payment_method FROM disbursements WHERE loan_id = $1 ORDER BY tranche`,
      [loan!.id],
    );
    expect(tranches).toEqual([
      { tranche: 1, amount: '200000.00', payment_method: 'entrusted' },
      { tranche: 2, amount: '100000.00', payment_method: 'self' },
    ]);
    const disbursed = await rows(
      h,
      `SELECT payload FROM outbox WHERE event_type = 'accounting.loan.disbursed' AND subject_id = $1 ORDER BY seq`,
      [loan!.id],
    );
    expect(disbursed.map((e) => [e.payload.data.tranche, e.payload.data.amount])).toEqual([
      [1, '200000.00'],
      [2, '100000.00'],
    ]);
    await h.closeThrough('2025-03-10');
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
  });
});

describe('settlement in kind and refunds of credit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('books a repossessed asset taking over overdue amounts to 抵债资产, refunds an overpayment, and both reconcile', async () => {
    const loan = await openTestLoan(h);
    await h.closeThrough('2025-02-20');
    const inKind = (who: 'shPostLoan' | 'shDisburser', reference: string) =>
      h.client.postRepayment(
        {
          loanId: loan.id,
          amount: '5000.00',
          kind: 'regular',
          prepaymentOption: '',
          reference,
          commandId: '',
          source: 'repossessed_asset',
        },
        h.as(who),
      );
    await expect(inKind('shPostLoan', '')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'reference' }],
    });
    await expect(inKind('shDisburser', 'RA-1')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'source' }],
    });
    // The reference names an asset registered on this loan; it settles at most its valuation.
    await expect(inKind('shPostLoan', 'RA-2025-0007')).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'reference',
          reason: 'must be the id of a repossessed asset registered on this loan',
        },
      ],
    });
    const asset = await registerAsset(h, loan.id, '6000.00');
    const settled = await inKind('shPostLoan', asset.id);
    expect(settled.repayment).toMatchObject({
      source: 'repossessed_asset',
      reference: asset.id,
    });
    await expect(
      h.client.postRepayment(
        {
          loanId: loan.id,
          amount: '1000.01',
          kind: 'regular',
          prepaymentOption: '',
          reference: asset.id,
          commandId: '',
          source: 'repossessed_asset',
        },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'amount',
          reason: "exceeds what is left of the asset's valuation (1000.00 of 6000.00)",
        },
      ],
    });
    const tb = await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'));
    expect(tb.lines.find((l) => l.accountCode === '144101')!.balance).toBe('5000.00');

    // Cash beyond what is owed is held as a credit, and can be paid back.
    const { loan: now } = await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'));
    const owed = [
      'duePrincipal',
      'dueInterest',
      'overduePrincipal',
      'overdueInterest',
      'penaltyInterest',
      'compoundInterest',
    ]
      .map((k) => BigInt((now!.balances as unknown as Record<string, string>)[k]!.replace('.', '')))
      .reduce((a, b) => a + b, 0n);
    const over = await pay(
      h,
      loan.id,
      ((owed + 12345n) / 100n).toString() +
        '.' +
        ((owed + 12345n) % 100n).toString().padStart(2, '0'),
    );
    expect(over.loan!.balances!.creditBalance).toBe('123.45');
    await expect(
      h.client.refundCredit(
        { loanId: loan.id, amount: '200.00', reference: '', commandId: '' },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'amount', reason: 'exceeds the credit balance (123.45)' }],
    });
    const refunded = await h.client.refundCredit(
      { loanId: loan.id, amount: '', reference: 'refund to 6222…', commandId: 'refund-1' },
      h.as('shDisburser'),
    );
    expect(refunded).toMatchObject({
      refunded: '123.45',
      loan: { balances: { creditBalance: '0.00' } },
    });
    await expect(
      h.client.refundCredit(
        { loanId: loan.id, amount: '', reference: '', commandId: '' },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    // Without the settlement in kind the cash would have gone to the overdue amounts and there
    // would have been no credit to refund: the reversal is refused rather than rewriting history.
    await h.closeThrough('2025-02-25');
    await expect(
      h.client.reverseRepayment(
        { repaymentId: settled.repayment!.id, reason: 'valuation withdrawn', commandId: '' },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({
      code: 'failed_precondition',
      message: expect.stringMatching(/credit refund of 2025-02-21 would exceed the credit balance/),
    });
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
    expect((await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'))).balanced).toBe(true);

    // A settlement in kind nothing stands on is reversed like any repayment, back to the asset account.
    const assets = async () =>
      (await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'))).lines.find(
        (l) => l.accountCode === '144101',
      )!.balance;
    const second = await openTestLoan(h, { principal: '30000.00' });
    const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
    expect(second.openedOn).toBe(openBusinessDate);
    const before = await assets();
    const secondAsset = await registerAsset(h, second.id, '700.00');
    const kind2 = await h.client.postRepayment(
      {
        loanId: second.id,
        amount: '700.00',
        kind: 'regular',
        prepaymentOption: '',
        reference: secondAsset.id,
        commandId: '',
        source: 'repossessed_asset',
      },
      h.as('shPostLoan'),
    );
    expect(kind2.loan!.balances!.creditBalance).toBe('700.00');
    const undone = await h.client.reverseRepayment(
      { repaymentId: kind2.repayment!.id, reason: 'asset returned', commandId: '' },
      h.as('shPostLoan'),
    );
    expect(undone.adjustments.find((a) => a.accountCode === '144101')!.amount).toBe('-700.00');
    expect(await assets()).toBe(before);
    expect(undone.loan!.balances!.creditBalance).toBe('0.00');
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
  });
});
