import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountingV1 } from '@loanflow/proto';
import {
  annuitySchedule,
  importedLoan,
  openTestLoan,
  scheduleMessage,
  startHarness,
  type Harness,
} from './harness';

const eventually = async (ok: () => boolean, ms = 10000) => {
  const until = Date.now() + ms;
  while (!ok() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
};

const sumStrings = (values: string[]) =>
  (values.reduce((s, v) => s + BigInt(v.replace('.', '')), 0n) / 1n)
    .toString()
    .replace(/(\d{2})$/, '.$1');

describe('a loan through the accounting service: disbursed, accrued across a rate change and an overdue period, repaid, prepaid, stated, reconciled', () => {
  let h: Harness;
  let loan: accountingV1.Loan;
  const lines = async () =>
    Number((await h.db.query<{ n: string }>('SELECT count(*) AS n FROM journal_lines')).rows[0]!.n);

  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
    loan = await openTestLoan(h);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('opens the account with the schedule of the preview and a balanced disbursement entry', async () => {
    expect(loan.status).toBe('active');
    expect(loan.loanNumber).toMatch(/^LN20250115\d{6}$/);
    expect(loan.balances!.principal).toBe('100000.00');
    const { loan: full } = await h.client.getLoan({ id: loan.id }, h.as('shManager'));
    expect(full!.installments).toHaveLength(12);
    expect(full!.installments[0]).toMatchObject({
      dueDate: '2025-02-15',
      principal: '8168.49',
      scheduledInterest: '362.50',
      status: 'scheduled',
    });
    const tb = await h.client.getTrialBalance({ asOf: '' }, h.as('hqRisk'));
    expect(tb.balanced).toBe(true);
    expect(tb.lines.find((l) => l.accountCode === '130101')!.balance).toBe('100000.00');
    expect(tb.lines.find((l) => l.accountCode === '201101')!.balance).toBe('-100000.00');
  });

  it('lets an unpaid installment go overdue and charges penalty and compound interest', async () => {
    await h.client.recordRateChange(
      {
        loanId: loan.id,
        annualRatePercent: '3.85',
        effectiveDate: '2025-04-01',
        reference: 'AGR-2025-031',
        commandId: '',
      },
      h.as('shDisburser'),
    );
    await h.closeThrough('2025-02-25');
    const { loan: l } = await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'));
    expect(l!.balances).toMatchObject({
      overduePrincipal: '8168.49',
      overdueInterest: '362.50',
      penaltyInterest: '14.81',
      compoundInterest: '0.66',
    });
    expect(l!.daysPastDue).toBe(11);
    expect(l!.classification).toBe('special_mention');
    expect(l!.installments[0]!.status).toBe('overdue');
  });

  it('allocates a repayment to compound, penalty, overdue interest, then principal, once per command id', async () => {
    const req = {
      loanId: loan.id,
      amount: '9000.00',
      kind: 'regular',
      commandId: 'pay-1',
      prepaymentOption: '',
      reference: 'TELLER-778',
      source: '',
    };
    const first = await h.client.postRepayment(req, h.as('shDisburser'));
    const again = await h.client.postRepayment(req, h.as('shDisburser'));
    expect(again.repayment!.id).toBe(first.repayment!.id);
    expect(Number((await h.db.query('SELECT count(*) AS n FROM repayments')).rows[0].n)).toBe(1);
    expect(first.repayment!.allocation).toMatchObject({
      compound: '0.66',
      penalty: '14.81',
      overdueInterest: '362.50',
      overduePrincipal: '8168.49',
      credit: '453.54',
    });
    expect(first.loan!.balances!.creditBalance).toBe('453.54');
  });

  it('accrues across the rate change and prepays part of the principal with a lower installment, the interest to date first', async () => {
    await h.closeThrough('2025-04-10');
    const { loan: before } = await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'));
    expect(before!.annualRatePercent).toBe('3.8500');
    const owed = [
      'duePrincipal',
      'dueInterest',
      'overduePrincipal',
      'overdueInterest',
      'penaltyInterest',
      'compoundInterest',
      // A prepayment settles the interest accrued to the day first.
      'accruedInterest',
    ].map((k) => before!.balances![k as keyof accountingV1.Balances] as string);
    expect(before!.balances!.accruedInterest).not.toBe('0.00');
    const amount = (BigInt(sumStrings(owed).replace('.', '')) + 2_000_000n)
      .toString()
      .replace(/(\d{2})$/, '.$1');
    const pre = await h.client.postRepayment(
      {
        source: '',
        loanId: loan.id,
        amount,
        kind: 'prepayment',
        prepaymentOption: 'lower_installment',
        commandId: 'pre-1',
        reference: '',
      },
      h.as('shDisburser'),
    );
    expect(pre.repayment!.allocation!.principal).toBe('20000.00');
    expect(pre.repayment!.allocation!.accruedInterest).toBe(before!.balances!.accruedInterest);
    expect(pre.loan!.balances!.accruedInterest).toBe('0.00');
    const scheduled = pre.loan!.installments.filter((i) => i.status === 'scheduled');
    expect(sumStrings(scheduled.map((i) => i.principal))).toBe(pre.loan!.balances!.principal);
    await h.closeThrough('2025-05-20');
  });

  it('states the interest segment by segment with totals equal to the ledger, and the books balance', async () => {
    const { lastClosedDate } = await h.client.getBusinessDate({}, h.as('admin'));
    const st = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-01-15', toDate: lastClosedDate, format: 'json' },
      h.as('shPostLoan'),
    );
    const kinds = new Set(st.lines.map((l) => l.kind));
    expect(kinds).toEqual(new Set(['normal', 'penalty', 'compound']));
    expect(st.lines.some((l) => l.kind === 'normal' && l.annualRatePercent === '3.8500')).toBe(
      true,
    );
    expect(st.lines.some((l) => l.kind === 'penalty' && l.annualRatePercent === '6.5250')).toBe(
      true,
    );
    const tb = await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'));
    expect(tb.balanced).toBe(true);
    expect(tb.totalDebit).toBe(tb.totalCredit);
    const income = (code: string) =>
      tb.lines.find((l) => l.accountCode === code)!.balance.replace(/^-/, '');
    expect(st.totals).toEqual({
      normal: income('601101'),
      penalty: income('601102'),
      compound: income('601103'),
      total: sumStrings([income('601101'), income('601102'), income('601103')]),
    });
    // Two halves of the range add up to the whole, to the fen.
    const a = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-01-15', toDate: '2025-03-01', format: 'json' },
      h.as('shPostLoan'),
    );
    const b = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-03-02', toDate: lastClosedDate, format: 'json' },
      h.as('shPostLoan'),
    );
    expect(sumStrings([a.totals!.total, b.totals!.total])).toBe(st.totals!.total);
    const rec = await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'));
    expect(rec.loansChecked).toBe(1);
    expect(rec.mismatches).toEqual([]);
  });

  it('renders the statement as CSV and as a PDF', async () => {
    const csv = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-02-01', toDate: '2025-03-31', format: 'csv' },
      h.as('shPostLoan'),
    );
    expect(csv.contentType).toBe('text/csv; charset=utf-8');
    const text = Buffer.from(csv.document).toString('utf8');
    expect(text).toContain('penalty');
    expect(text.split('\r\n').length).toBeGreaterThan(csv.lines.length);
    const pdf = await h.client.getStatement(
      { loanId: loan.id, fromDate: '2025-02-01', toDate: '2025-03-31', format: 'pdf' },
      h.as('shPostLoan'),
    );
    expect(pdf.contentType).toBe('application/pdf');
    expect(Buffer.from(pdf.document).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('never runs the batch of a closed date twice: a rerun changes nothing', async () => {
    const before = await lines();
    const res = await h.client.runEndOfDay({ businessDate: '2025-03-03' }, h.as('admin'));
    expect(res.alreadyClosed).toBe(true);
    expect(res.day!.status).toBe('closed');
    expect(await lines()).toBe(before);
  });

  it('tells the rest of the bank through JetStream: disbursed, overdue, classified, repayments, each business date closed', async () => {
    const about = (type: string) =>
      h.events.filter((e) => e.type === type && e.subjectId === loan.id);
    await eventually(() => about('accounting.loan.repayment-posted').length >= 2);
    expect(about('accounting.loan.disbursed').map((e) => e.data)).toEqual([
      expect.objectContaining({
        loanId: loan.id,
        amount: '100000.00',
        tranche: 1,
        valueDate: '2025-01-15',
        paymentMethod: 'self',
      }),
    ]);
    // Each time it fell behind after being current: February, then March and April (the credit
    // paid only part of those installments).
    expect(about('accounting.loan.overdue').map((e) => e.data)).toEqual([
      expect.objectContaining({
        businessDate: '2025-02-15',
        overduePrincipal: '8168.49',
        overdueInterest: '362.50',
      }),
      expect.objectContaining({
        businessDate: '2025-03-15',
        overduePrincipal: '8077.45',
        overdueInterest: '0.00',
      }),
      expect.objectContaining({
        businessDate: '2025-04-15',
        overduePrincipal: '6272.01',
        // April's 279.16 of interest less the 252.82 the prepayment of 11 April settled.
        overdueInterest: '26.34',
      }),
    ]);
    expect(about('accounting.loan.classified').map((e) => [e.data.from, e.data.to])).toEqual([
      ['normal', 'special_mention'],
    ]);
    expect(about('accounting.loan.repayment-posted').map((e) => e.data.kind)).toEqual([
      'regular',
      'prepayment',
    ]);
    const closed = h.events
      .filter((e) => e.type === 'accounting.accrual.completed')
      .map((e) => e.subjectId);
    expect(closed[0]).toBe('2025-01-15');
    expect(new Set(closed).size).toBe(closed.length);
  });

  it('pays the loan off to the fen and closes it; later postings are refused', async () => {
    const { loan: l } = await h.client.getLoan({ id: loan.id }, h.as('shPostLoan'));
    const payoff = await h.client.postRepayment(
      {
        source: '',
        loanId: loan.id,
        amount: l!.balances!.payoffAmount,
        kind: 'payoff',
        commandId: 'payoff-1',
        prepaymentOption: '',
        reference: '',
      },
      h.as('shDisburser'),
    );
    expect(payoff.loan!.status).toBe('closed');
    expect(payoff.loan!.installments.every((i) => i.status === 'paid')).toBe(true);
    await expect(
      h.client.postRepayment(
        {
          source: '',
          loanId: loan.id,
          amount: '1.00',
          kind: 'regular',
          commandId: '',
          prepaymentOption: '',
          reference: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    const rec = await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'));
    expect(rec.mismatches).toEqual([]);
    expect((await h.client.getTrialBalance({ asOf: '' }, h.as('hqAuditor'))).balanced).toBe(true);
  });
});

describe('accounting service: bad input is refused and nothing is written', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-03-10' });
  });
  afterAll(async () => {
    await h?.close();
  });
  const count = async (table: string) =>
    Number((await h.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  it('refuses an import with every problem of every loan named, nothing requested', async () => {
    const err = await h.client
      .requestLoanImport(
        {
          commandId: '',
          sourceSystem: 'legacy core',
          reason: 'migration',
          loans: [
            accountingV1.ImportedLoan.fromPartial({
              externalReference: 'OLD-1',
              customerId: 'nope',
              branchId: 'SH001',
              productCode: 'PERSONAL_CONSUMER',
              approvedAmount: '-5',
              schedule: scheduleMessage(annuitySchedule('2025-02-30', '100000.00', '250')),
              rateType: 'fixed',
              graceDays: 90,
              payee: { paymentMethod: 'entrusted' },
            }),
          ],
        },
        h.as('admin'),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_argument' });
    const fields = (err as { violations: { field: string }[] }).violations
      .map((v) => v.field)
      .sort();
    expect(fields).toEqual(
      expect.arrayContaining([
        'loans[0].approvedAmount',
        'loans[0].borrowerName',
        'loans[0].customerId',
        'loans[0].graceDays',
        'loans[0].payee.counterpartyAccount',
        'loans[0].payee.counterpartyName',
        'loans[0].schedule.annualRatePercent',
        'loans[0].schedule.disbursementDate',
      ]),
    );
    expect(await count('loan_imports')).toBe(0);
    expect(await count('loans')).toBe(0);
    expect(await count('journal_lines')).toBe(0);
  });

  it('refuses a backdated disbursement and a schedule the accounts cannot carry', async () => {
    await expect(
      openTestLoan(h, { schedule: annuitySchedule('2025-03-09') }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'loans[0].schedule.disbursementDate',
          reason: 'must be the open business date 2025-03-10',
        },
      ],
    });
    await expect(
      openTestLoan(h, {
        schedule: annuitySchedule('2025-03-10', '100000.00', '4.35', {
          dayCount: '30/360',
          interestBasis: 'daily',
        }),
      }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'loans[0].schedule.dayCount' }],
    });
    expect(await count('loans')).toBe(0);
  });

  it('opens no loan without an application, nor for an application without a signed contract', async () => {
    const free = accountingV1.OpenLoanRequest.fromPartial({
      customerId: '0190a0a0-0000-7000-8000-000000000001',
      branchId: 'ZZ999',
      productCode: 'NO_SUCH_PRODUCT',
      approvedAmount: '100000.00',
      schedule: scheduleMessage(annuitySchedule('2025-03-10')),
      rateType: 'fixed',
      payee: { paymentMethod: 'self' },
    });
    await expect(h.client.openLoan(free, h.as('shDisburser'))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'applicationId',
          reason: expect.stringContaining(
            'is required: a loan is opened from an approved application',
          ),
        },
      ],
    });
    // 先签后贷: an application's loan waits for its contract signed by every party.
    await expect(
      h.client.openLoan(
        { ...free, applicationId: '0190a0a0-0000-7000-8000-0000000000aa' },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({
      code: 'failed_precondition',
      violations: [
        {
          field: 'applicationId',
          reason: expect.stringContaining(
            'application 0190a0a0-0000-7000-8000-0000000000aa has no contract signed by every party',
          ),
        },
      ],
    });
    expect(await count('loans')).toBe(0);
  });

  it('imports migrated loans only with a second administrator, recording who and when', async () => {
    const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
    const { loanImport } = await h.client.requestLoanImport(
      {
        commandId: '',
        sourceSystem: 'legacy core',
        reason: 'branch migration',
        loans: [importedLoan(openBusinessDate, { principal: '20000.00' })],
      },
      h.as('admin'),
    );
    expect(loanImport).toMatchObject({
      status: 'pending',
      requestedBy: h.principal('admin').userId,
      decidedBy: '',
      loanIds: [],
    });
    expect(await count('loans')).toBe(0);
    // Not by the maker, not by a disbursement reviewer.
    await expect(
      h.client.decideLoanImport(
        { commandId: '', importId: loanImport!.id, approve: true, comment: '' },
        h.as('admin'),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      h.client.decideLoanImport(
        { commandId: '', importId: loanImport!.id, approve: true, comment: '' },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
    // A rejection needs its reason.
    await expect(
      h.client.decideLoanImport(
        { commandId: '', importId: loanImport!.id, approve: false, comment: '' },
        h.as('admin2'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'comment' }] });
    const { loanImport: approved } = await h.client.decideLoanImport(
      {
        commandId: '',
        importId: loanImport!.id,
        approve: true,
        comment: 'checked against the ledger',
      },
      h.as('admin2'),
    );
    expect(approved).toMatchObject({
      status: 'approved',
      requestedBy: h.principal('admin').userId,
      decidedBy: h.principal('admin2').userId,
      decisionComment: 'checked against the ledger',
    });
    expect(Date.parse(approved!.decidedAt)).toBeGreaterThanOrEqual(
      Date.parse(approved!.requestedAt),
    );
    expect(approved!.loanIds).toHaveLength(1);
    const { loan } = await h.client.getLoan({ id: approved!.loanIds[0]! }, h.as('admin'));
    expect(loan).toMatchObject({ origin: 'import', importId: loanImport!.id, contractId: '' });
    await expect(
      h.client.decideLoanImport(
        { commandId: '', importId: loanImport!.id, approve: false, comment: 'again' },
        h.as('admin2'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    // The auditor reads it back; a rejected batch books nothing.
    const read = await h.client.getLoanImport({ id: loanImport!.id }, h.as('hqAuditor'));
    expect(read.loanImport!.loanIds).toEqual(approved!.loanIds);
    const other = await h.client.requestLoanImport(
      {
        commandId: '',
        sourceSystem: 'legacy core',
        reason: 'second batch',
        loans: [importedLoan(openBusinessDate)],
      },
      h.as('admin2'),
    );
    const rejected = await h.client.decideLoanImport(
      { commandId: '', importId: other.loanImport!.id, approve: false, comment: 'duplicate batch' },
      h.as('admin'),
    );
    expect(rejected.loanImport).toMatchObject({ status: 'rejected', loanIds: [] });
    expect(await count('loans')).toBe(1);
  });

  it('refuses zero, negative and malformed repayments, a statement ending before it starts, and a day out of order', async () => {
    const loan = await openTestLoan(h);
    const linesBefore = await count('journal_lines');
    for (const amount of ['0', '-10.00', '12.345', 'abc']) {
      await expect(
        h.client.postRepayment(
          {
            source: '',
            loanId: loan.id,
            amount,
            kind: 'regular',
            commandId: '',
            prepaymentOption: '',
            reference: '',
          },
          h.as('shDisburser'),
        ),
      ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'amount' }] });
    }
    await expect(
      h.client.postRepayment(
        {
          source: '',
          loanId: loan.id,
          amount: '100000.00',
          kind: 'prepayment',
          commandId: '',
          prepaymentOption: '',
          reference: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'amount',
          reason: 'repays all principal; pay the loan off instead (payoff amount 100000.00)',
        },
      ],
    });
    await expect(
      h.client.postRepayment(
        {
          source: '',
          loanId: loan.id,
          amount: '100000.01',
          kind: 'payoff',
          commandId: '',
          prepaymentOption: '',
          reference: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'amount', reason: 'must be the payoff amount 100000.00' }],
    });
    await expect(
      h.client.getStatement(
        { loanId: loan.id, fromDate: '2025-03-10', toDate: '2025-03-01', format: '' },
        h.as('shPostLoan'),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'toDate', reason: 'must not be before fromDate' }],
    });
    await expect(
      h.client.runEndOfDay({ businessDate: '2025-03-12' }, h.as('admin')),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'businessDate' }],
    });
    await expect(
      h.client.recordRateChange(
        {
          loanId: loan.id,
          annualRatePercent: '3.5',
          effectiveDate: '2025-03-10',
          reference: 'x',
          commandId: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'effectiveDate' }] });
    expect(await count('journal_lines')).toBe(linesBefore);
    expect(await count('repayments')).toBe(0);
    // Another branch cannot touch it.
    await expect(h.client.getLoan({ id: loan.id }, h.as('bjManager'))).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });
});
