import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { accountingV1 } from '@loanflow/proto';
import { eventually } from '@loanflow/test/support/poll';
import { openTestLoan, startHarness, type Harness } from './harness';

const rows = async (h: Harness, sql: string, params: unknown[] = []) =>
  (await h.db.query(sql, params)).rows;

// A 12-month annuity of 100,000.00 at 4.35 % opened on 15 January: the first installment,
// 8,168.49 principal + 362.50 interest, falls due on 15 February.
const FIRST_INSTALLMENT = '8530.99';

describe('end of day: installments falling due in DUE_SOON_NOTICE_DAYS days are announced once', () => {
  let h: Harness;
  let unpaid: accountingV1.Loan;
  let partlyCovered: accountingV1.Loan;
  let covered: accountingV1.Loan;
  let another: accountingV1.Loan;
  const applicationId = randomUUID();
  const dueSoonRows = () =>
    rows(
      h,
      `SELECT subject_id, payload FROM outbox WHERE event_type = 'accounting.installment.due-soon' ORDER BY subject_id`,
    );

  beforeAll(async () => {
    // One loan per chunk, so a failure in the middle leaves some loans done and some not.
    h = await startHarness({
      firstBusinessDate: '2025-01-15',
      env: { EOD_CHUNK_SIZE: '1', EOD_PARALLELISM: '1', DUE_SOON_NOTICE_DAYS: '3' },
    });
    unpaid = await openTestLoan(h, { borrowerName: '李明' });
    partlyCovered = await openTestLoan(h);
    covered = await openTestLoan(h);
    another = await openTestLoan(h);
    // Everyday loans are opened under an application (through signed contracts); these came in
    // through the import, which has none, so one is given the application it would have had.
    await h.db.query('UPDATE loans SET application_id = $1 WHERE id = $2', [
      applicationId,
      unpaid.id,
    ]);
    // Money paid before anything is due is held as credit and settles the installment when billed.
    const payInAdvance = (loanId: string, amount: string) =>
      h.client.postRepayment(
        {
          source: '',
          loanId,
          amount,
          kind: 'regular',
          commandId: '',
          prepaymentOption: '',
          reference: '',
        },
        h.as('shDisburser'),
      );
    await payInAdvance(partlyCovered.id, '1000.00');
    await payInAdvance(covered.id, '9000.00');
  });
  afterAll(async () => {
    await h?.close();
  });

  it('says nothing while the installment is further away than the notice', async () => {
    await h.closeThrough('2025-02-11');
    expect(await dueSoonRows()).toEqual([]);
  });

  it('closing the date three days before announces each installment still owed, once, even when a chunk fails and the batch runs again', async () => {
    const ids = [unpaid.id, partlyCovered.id, covered.id, another.id].sort();
    const owed = new Set([unpaid.id, partlyCovered.id, another.id]);
    // The last loan in id order fails to save tonight, as a crash in the middle of the batch would.
    await h.db.query(
      `CREATE FUNCTION fail_once() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'simulated crash'; END $$ LANGUAGE plpgsql`,
    );
    await h.db.query(
      `CREATE TRIGGER crash BEFORE UPDATE ON loan_accruals FOR EACH ROW WHEN (OLD.loan_id = '${ids[3]}') EXECUTE FUNCTION fail_once()`,
    );
    await expect(
      h.client.runEndOfDay({ businessDate: '2025-02-12' }, h.as('admin')),
    ).rejects.toMatchObject({ code: 'internal' });
    const announcedBeforeCrash = ids.slice(0, 3).filter((id) => owed.has(id));
    expect((await dueSoonRows()).map((r) => r.subject_id)).toEqual(announcedBeforeCrash);

    await h.db.query('DROP TRIGGER crash ON loan_accruals');
    expect(
      (await h.client.runEndOfDay({ businessDate: '2025-02-12' }, h.as('admin'))).alreadyClosed,
    ).toBe(false);
    // And a second run of the closed date does nothing.
    expect(
      (await h.client.runEndOfDay({ businessDate: '2025-02-12' }, h.as('admin'))).alreadyClosed,
    ).toBe(true);

    const announced = await dueSoonRows();
    expect(announced.map((r) => r.subject_id)).toEqual(ids.filter((id) => owed.has(id)));
    const data = new Map(announced.map((r) => [r.subject_id as string, r.payload.data]));
    expect(data.get(unpaid.id)).toEqual({
      loanId: unpaid.id,
      loanNumber: unpaid.loanNumber,
      customerId: unpaid.customerId,
      branchId: 'SH001',
      applicationId,
      installment: 1,
      dueDate: '2025-02-15',
      amountDue: FIRST_INSTALLMENT,
      daysBefore: 3,
      businessDate: '2025-02-12',
    });
    // What is held in advance is taken off what the borrower is reminded to pay.
    expect(data.get(partlyCovered.id)).toMatchObject({ amountDue: '7530.99', installment: 1 });
    expect(data.get(another.id)).not.toHaveProperty('applicationId');
    const notices = await rows(
      h,
      `SELECT loan_id, period, days_before, business_date FROM installment_notices ORDER BY loan_id`,
    );
    expect(notices).toEqual(
      ids
        .filter((id) => owed.has(id))
        .map((id) => ({ loan_id: id, period: 1, days_before: 3, business_date: '2025-02-12' })),
    );
  });

  it('reaches the bus once per installment, and the following nights add no more', async () => {
    await h.closeThrough('2025-02-16');
    expect(await dueSoonRows()).toHaveLength(3);
    const published = await eventually('the three due-soon events on the bus', async () => {
      const seen = h.events.filter((e) => e.type === 'accounting.installment.due-soon');
      return seen.length >= 3 ? seen : undefined;
    });
    expect(published.map((e) => e.subjectId).sort()).toEqual(
      [unpaid.id, partlyCovered.id, another.id].sort(),
    );
    expect(published.find((e) => e.subjectId === unpaid.id)!.data).toMatchObject({
      amountDue: FIRST_INSTALLMENT,
      dueDate: '2025-02-15',
    });
  });
});

describe('end of day: DUE_SOON_NOTICE_DAYS=0 announces nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      firstBusinessDate: '2025-01-15',
      env: { DUE_SOON_NOTICE_DAYS: '0' },
    });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('closes the nights before a due date without a reminder', async () => {
    await openTestLoan(h);
    await h.closeThrough('2025-02-14');
    expect(
      await rows(
        h,
        `SELECT count(*)::int AS n FROM outbox WHERE event_type = 'accounting.installment.due-soon'`,
      ),
    ).toEqual([{ n: 0 }]);
  });
});

describe('accounting.loan.disbursed: the last four digits of the account paid into', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ firstBusinessDate: '2025-01-15' });
  });
  afterAll(async () => {
    await h?.close();
  });
  const disbursed = async (loanId: string) =>
    (
      await rows(
        h,
        `SELECT payload FROM outbox WHERE event_type = 'accounting.loan.disbursed' AND subject_id = $1 ORDER BY seq`,
        [loanId],
      )
    ).map((r) => r.payload.data as Record<string, unknown>);

  it('on opening and on each tranche; absent when no account was given', async () => {
    const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
    const entrusted = await openTestLoan(h, {
      productCode: 'CORPORATE_WORKING_CAPITAL',
      approvedAmount: '300000.00',
      principal: '200000.00',
      payee: {
        paymentMethod: 'entrusted',
        counterpartyName: '上海某建材有限公司',
        counterpartyAccount: '6222 0210 0112 3456 789',
        counterpartyBank: '工商银行上海分行',
      },
    });
    const toBorrower = await openTestLoan(h, { payee: { paymentMethod: 'self' } });
    await h.closeThrough(openBusinessDate);
    const tranche = (amount: string, counterpartyAccount: string, commandId: string) =>
      h.client.disburseTranche(
        {
          loanId: entrusted.id,
          amount,
          payee: {
            paymentMethod: 'self',
            counterpartyName: counterpartyAccount ? '李明' : '',
            counterpartyAccount,
            counterpartyBank: '',
          },
          commandId,
        },
        h.as('shDisburser'),
      );
    await tranche('50000.00', '6217-0000-1111-2468', 't2');
    await tranche('50000.00', '', 't3');

    expect(
      (await disbursed(entrusted.id)).map((e) => [e.tranche, e.amount, e.accountTail]),
    ).toEqual([
      [1, '200000.00', '6789'],
      [2, '50000.00', '2468'],
      [3, '50000.00', undefined],
    ]);
    const [opened] = await disbursed(toBorrower.id);
    expect(opened).toMatchObject({ tranche: 1, paymentMethod: 'self' });
    expect(opened).not.toHaveProperty('accountTail');
  });
});
