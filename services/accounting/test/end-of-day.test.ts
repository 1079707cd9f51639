import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { accountingV1 } from '@loanflow/proto';
import { openTestLoan, startHarness, type Harness } from './harness';

const rows = async (h: Harness, sql: string, params: unknown[] = []) =>
  (await h.db.query(sql, params)).rows;

describe('end of day: resumable after a crash, in order, once per date', () => {
  let h: Harness;
  beforeAll(async () => {
    // One loan per chunk, so a failure in the middle leaves some loans done and some not. One
    // process alone, taking its chunks in order: no worker beside it takes the next ones while
    // the failing one stops the night (eod-distributed.test.ts has the processes together).
    h = await startHarness({
      firstBusinessDate: '2025-01-15',
      env: { EOD_CHUNK_SIZE: '1', EOD_PARALLELISM: '1', EOD_WORKER: 'false' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('picks up after a failure exactly where it stopped: every loan accrued once, the day closed once', async () => {
    const loans = [];
    for (let i = 0; i < 4; i++)
      loans.push(await openTestLoan(h, { principal: `${(i + 1) * 10000}.00` }));
    await h.closeThrough('2025-01-20');
    const ids = loans.map((l) => l.id).sort();
    // The third loan in id order fails to save tonight, as a crash in the middle of the batch would.
    await h.db.query(
      `CREATE FUNCTION fail_once() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql`,
    );
    await h.db.query(
      `CREATE TRIGGER crash BEFORE UPDATE ON loan_accruals FOR EACH ROW WHEN (OLD.loan_id = '${ids[2]}') EXECUTE FUNCTION fail_once()`,
    );
    await expect(
      h.client.runEndOfDay({ businessDate: '2025-01-21' }, h.as('admin')),
    ).rejects.toMatchObject({ code: 'internal' });
    const midway = await rows(
      h,
      `SELECT loan_id, accrued_through FROM loan_accruals ORDER BY loan_id`,
    );
    expect(midway.map((r) => r.accrued_through)).toEqual([
      '2025-01-21',
      '2025-01-21',
      '2025-01-20',
      '2025-01-20',
    ]);
    expect(
      (await rows(h, `SELECT status FROM business_days WHERE business_date = '2025-01-21'`))[0]!
        .status,
    ).toBe('closing');
    // Postings wait for the day to close.
    await expect(
      h.client.postRepayment(
        {
          source: '',
          loanId: ids[0]!,
          amount: '10.00',
          kind: 'regular',
          commandId: '',
          prepaymentOption: '',
          reference: '',
        },
        h.as('shDisburser'),
      ),
    ).rejects.toMatchObject({ code: 'failed_precondition' });

    await h.db.query('DROP TRIGGER crash ON loan_accruals');
    const res = await h.client.runEndOfDay({ businessDate: '2025-01-21' }, h.as('admin'));
    expect(res.alreadyClosed).toBe(false);
    expect(res.nextBusinessDate).toBe('2025-01-22');
    expect(res.day!.loansAccrued).toBe(4);
    // One accrual line per loan for the day, and the day's total equals the income booked.
    const perLoan = await rows(
      h,
      `SELECT l.loan_id, count(*)::int AS n FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.business_date = '2025-01-21' AND l.account_code = '113201' GROUP BY l.loan_id ORDER BY l.loan_id`,
    );
    expect(perLoan).toEqual(ids.map((id) => ({ loan_id: id, n: 1 })));
    const income = await rows(
      h,
      `SELECT sum(credit - debit)::text AS s FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
        WHERE e.business_date = '2025-01-21' AND l.account_code = '601101'`,
    );
    expect(income[0]!.s).toBe(res.day!.normalInterest);
    const rec = await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'));
    expect(rec.mismatches).toEqual([]);
    // A rerun of the closed date does nothing, and the next one is the only one open.
    expect(
      (await h.client.runEndOfDay({ businessDate: '2025-01-21' }, h.as('admin'))).alreadyClosed,
    ).toBe(true);
    expect(
      await rows(h, `SELECT business_date FROM business_days WHERE status <> 'closed'`),
    ).toEqual([{ business_date: '2025-01-22' }]);
    const completed = await rows(
      h,
      `SELECT payload FROM outbox WHERE event_type = 'accounting.accrual.completed' AND subject_id = '2025-01-21'`,
    );
    expect(completed).toHaveLength(1);
    expect(completed[0]!.payload.data).toMatchObject({
      businessDate: '2025-01-21',
      loansAccrued: 4,
      normalInterest: res.day!.normalInterest,
      nextBusinessDate: '2025-01-22',
    });
  });

  it('refuses a second batch while one runs', async () => {
    const [a, b] = await Promise.allSettled([
      h.client.runEndOfDay({ businessDate: '2025-01-22' }, h.as('admin')),
      h.client.runEndOfDay({ businessDate: '2025-01-22' }, h.as('admin')),
    ]);
    const outcomes = [a, b].map((r) =>
      r.status === 'fulfilled'
        ? r.value.alreadyClosed
          ? 'again'
          : 'closed'
        : (r.reason as { code: string }).code,
    );
    expect(outcomes.sort()).toEqual(expect.arrayContaining(['closed']));
    expect(outcomes.filter((o) => o === 'closed')).toHaveLength(1);
    const accrued = await rows(
      h,
      `SELECT count(*)::int AS n FROM journal_entries WHERE business_date = '2025-01-22' AND kind = 'end_of_day'`,
    );
    expect(accrued[0]!.n).toBe(4);
  });
});

describe('floating loans follow the LPR on their repricing date', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2024-12-20' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('reprices on 1 January at the LPR then in force + the spread, re-amortizes and says so', async () => {
    await h.client.publishLpr(
      { term: '1Y', ratePercent: '3.35', effectiveDate: '2024-12-20' },
      h.as('admin'),
    );
    const schedule = {
      principal: '120000.00',
      annualRatePercent: '3.85',
      term: 24,
      termUnit: 'month',
      repaymentMethod: 'equal_installments',
      disbursementDate: '2024-12-20',
      repaymentDay: 20,
    };
    const base = {
      customerId: '0190a0a0-0000-7000-8000-000000000002',
      branchId: 'SH001',
      productCode: 'PERSONAL_CONSUMER',
      approvedAmount: '120000.00',
      rateType: 'floating',
      lprTerm: '1Y',
      spreadBp: 50,
      repricing: 'january_first',
      payee: { paymentMethod: 'self' },
    };
    // The checker's approval books the loan; a rate other than LPR + spread is refused then.
    await expect(
      openTestLoan(h, { ...base, schedule: { ...schedule, annualRatePercent: '4.00' } }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        {
          field: 'loans[0].schedule.annualRatePercent',
          reason: 'must be the 1Y LPR 3.35 + 50 bp = 3.85',
        },
      ],
    });
    const loan = await openTestLoan(h, { ...base, schedule });
    expect(loan!.nextRepricingDate).toBe('2025-01-01');
    const before = (await h.client.getLoan({ id: loan!.id }, h.as('shManager'))).loan!;
    await h.client.publishLpr(
      { term: '1Y', ratePercent: '3.10', effectiveDate: '2024-12-23' },
      h.as('admin'),
    );
    await h.closeThrough('2025-01-05');
    const after = (await h.client.getLoan({ id: loan!.id }, h.as('shManager'))).loan!;
    expect(after.annualRatePercent).toBe('3.6000');
    expect(after.nextRepricingDate).toBe('2026-01-01');
    // Nothing was billed yet (the first installment is due on 20 January): the whole schedule is
    // re-amortized at 3.6 %, with a lower installment.
    const total = (i: accountingV1.LoanInstallment) =>
      Number(i.principal) * 100 + Number(i.scheduledInterest) * 100;
    expect(after.installments[1]!.principal).not.toBe(before.installments[1]!.principal);
    expect(total(after.installments[5]!)).toBeLessThan(total(before.installments[5]!));
    const changes = await rows(
      h,
      `SELECT source, old_rate::text AS old, new_rate::text AS new, effective_date FROM rate_changes`,
    );
    expect(changes).toEqual([
      { source: 'lpr', old: '3.8500000000', new: '3.6000000000', effective_date: '2025-01-01' },
    ]);
    const repriced = await rows(
      h,
      `SELECT payload FROM outbox WHERE event_type = 'accounting.loan.repriced'`,
    );
    expect(repriced.map((r) => r.payload.data)).toEqual([
      {
        loanId: loan!.id,
        loanNumber: loan!.loanNumber,
        branchId: 'SH001',
        fromRatePercent: '3.8500',
        toRatePercent: '3.6000',
        effectiveDate: '2025-01-01',
      },
    ]);
    const st = await h.client.getStatement(
      { loanId: loan!.id, fromDate: '2024-12-20', toDate: '2025-01-05', format: 'json' },
      h.as('shManager'),
    );
    expect(st.lines.map((l) => [l.kind, l.start, l.end, l.annualRatePercent])).toEqual([
      ['normal', '2024-12-20', '2024-12-31', '3.8500'],
      ['normal', '2025-01-01', '2025-01-05', '3.6000'],
    ]);
    expect((await h.client.reconcileLoans({ branchId: '' }, h.as('hqAuditor'))).mismatches).toEqual(
      [],
    );
  });
});
