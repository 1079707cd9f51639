// The read models built from events published onto a real NATS JetStream into the reporting
// service on its own PostgreSQL schema: the figures the reports read, the order events arrive
// in, redelivery, and the events it cannot apply (parked, counted, shown in the status).
import { randomUUID } from 'node:crypto';
import { accountingEventsV1 as acc, workflowEventsV1 as wf, workflowV1 } from '@loanflow/proto';
import { startIngestHarness, type IngestHarness } from './ingest-harness';
import { dayClosed, loanDay, publisher, smallBook } from './ingest-events';

let h: IngestHarness;
let book: Awaited<ReturnType<typeof smallBook>>;

beforeAll(async () => {
  h = await startIngestHarness();
  book = await smallBook(h);
  await h.settled(book.ids);
});
afterAll(async () => h?.close());

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
  (await h.db.query(sql, params)).rows[0] as T;

describe('applications and their approval', () => {
  it('follows an application from draft to a disbursed loan', async () => {
    const a = await one<Record<string, unknown>>(
      `SELECT status, branch_id, product_code, amount::text, customer_type, decision,
              decision_working_days::text, approved_amount::text, approved_rate_percent::text,
              contract_number, loan_id, disbursed_amount::text, disbursed_on::text, send_backs,
              current_step, submitted_at IS NOT NULL AS submitted
         FROM applications WHERE application_id = $1`,
      [book.a.applicationId],
    );
    expect(a).toEqual({
      status: 'disbursed',
      branch_id: 'SH001',
      product_code: 'PERSONAL_CONSUMER',
      amount: '100000.00',
      customer_type: 'individual',
      decision: 'approved',
      decision_working_days: '2.5000',
      approved_amount: '100000.00',
      approved_rate_percent: '4.350000',
      contract_number: `HT-${book.a.applicationId.slice(0, 8)}`,
      loan_id: book.a.loanId,
      disbursed_amount: '100000.00',
      disbursed_on: '2026-11-07',
      send_backs: 1,
      current_step: null,
      submitted: true,
    });
  });

  it('counts decisions in quarter-day buckets per month, branch and product', async () => {
    const { rows } = await h.db.query(
      `SELECT month::text, branch_id, product_code, decision, bucket, applications
         FROM decision_histogram ORDER BY branch_id`,
    );
    expect(rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        decision: 'approved',
        bucket: 16,
        applications: 1,
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        decision: 'approved',
        bucket: 10,
        applications: 1,
      },
    ]);
  });

  it('keeps each step with its cycle time, send-back and urging', async () => {
    const { rows } = await h.db.query(
      `SELECT task_id, step, state, working_days::text, sent_back, sent_back_to, urged, outcome
         FROM tasks WHERE application_id = $1 ORDER BY task_id`,
      [book.a.applicationId],
    );
    const i = book.a.instanceId;
    expect(rows).toEqual([
      {
        task_id: `${i}:t1`,
        step: 'investigation',
        state: 'sent_back',
        working_days: '0.5000',
        sent_back: true,
        sent_back_to: 'apply',
        urged: 0,
        outcome: null,
      },
      {
        task_id: `${i}:t2`,
        step: 'investigation',
        state: 'completed',
        working_days: '1.2500',
        sent_back: false,
        sent_back_to: null,
        urged: 0,
        outcome: 'approve',
      },
      {
        task_id: `${i}:t3`,
        step: 'review',
        state: 'completed',
        working_days: '0.7500',
        sent_back: false,
        sent_back_to: null,
        urged: 1,
        outcome: 'approve',
      },
    ]);
  });

  it('counts ended tasks per month, step and cycle-time bucket, and per officer', async () => {
    const steps = await h.db.query(
      `SELECT month::text, branch_id, product_code, step, bucket, completed, sent_back
         FROM task_step_months WHERE branch_id = 'SH001' ORDER BY step, bucket`,
    );
    // The send-back (0.5 days), the investigation done again (1.25) and the review (0.75).
    expect(steps.rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        step: 'investigation',
        bucket: 2,
        completed: 1,
        sent_back: 1,
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        step: 'investigation',
        bucket: 5,
        completed: 1,
        sent_back: 0,
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        step: 'review',
        bucket: 3,
        completed: 1,
        sent_back: 0,
      },
    ]);
    const officers = await h.db.query(
      `SELECT month::text, branch_id, product_code, officer, done, timed, total_days::text
         FROM officer_months WHERE branch_id = 'SH001' ORDER BY officer`,
    );
    expect(officers.rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        officer: 'officer1',
        done: 2,
        timed: 2,
        total_days: '1.7500',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        officer: 'officer2',
        done: 1,
        timed: 1,
        total_days: '0.7500',
      },
    ]);
  });

  it('counts applications per month for the pipeline: status, funnel stages, declines', async () => {
    const { rows } = await h.db.query(
      // The month of a creation is when the test published it: left out.
      `SELECT CASE WHEN measure <> 'status' THEN month::text END AS month, branch_id,
              product_code, measure, key, applications, amount::text
         FROM application_months ORDER BY branch_id, measure, key`,
    );
    // Both loans went the whole way; the declined application was submitted too (no creation:
    // no status row).
    expect(rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        measure: 'funnel',
        key: 'approved',
        applications: 1,
        amount: '250000.50',
      },
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        measure: 'funnel',
        key: 'contracted',
        applications: 1,
        amount: '250000.50',
      },
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        measure: 'funnel',
        key: 'disbursed',
        applications: 1,
        amount: '250000.50',
      },
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        measure: 'funnel',
        key: 'submitted',
        applications: 1,
        amount: '250000.50',
      },
      {
        month: null,
        branch_id: 'BJ001',
        product_code: 'SME_WORKING',
        measure: 'status',
        key: 'disbursed',
        applications: 1,
        amount: '250000.50',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        measure: 'funnel',
        key: 'approved',
        applications: 1,
        amount: '100000.00',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        measure: 'funnel',
        key: 'contracted',
        applications: 1,
        amount: '100000.00',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        measure: 'funnel',
        key: 'disbursed',
        applications: 1,
        amount: '100000.00',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        measure: 'funnel',
        key: 'submitted',
        applications: 2,
        amount: '150000.00',
      },
      {
        month: null,
        branch_id: 'SH001',
        product_code: 'PERSONAL_CONSUMER',
        measure: 'status',
        key: 'disbursed',
        applications: 1,
        amount: '100000.00',
      },
    ]);
  });

  it('records a pre-assessment decline with its rule codes', async () => {
    expect(
      await one(
        `SELECT status, decline_source, decline_codes, amount::text FROM applications
          WHERE application_id = $1`,
        [book.declined],
      ),
    ).toEqual({
      status: 'declined',
      decline_source: 'pre_assessment',
      decline_codes: ['age', 'blacklist'],
      amount: '50000.00',
    });
  });

  it('takes a step rejected as the approval decline, and the current step from open tasks', async () => {
    const p = publisher(h);
    const applicationId = randomUUID();
    const instanceId = `pi-${randomUUID()}`;
    const task = (id: string, step: string, state: string) =>
      workflowV1.Task.fromPartial({
        id: `${instanceId}:${id}`,
        instanceId,
        businessKey: applicationId,
        step,
        state,
        branchId: 'SH001',
        productCode: 'PERSONAL_CONSUMER',
        amount: '3000.00',
      });
    const send = (verb: string, t: workflowV1.Task, more: Partial<wf.TaskEvent> = {}) =>
      p.send(
        `workflow.task.${verb}`,
        t.id,
        wf.TaskEvent.toJSON(
          wf.TaskEvent.fromPartial({ task: t, at: new Date().toISOString(), ...more }),
        ),
      );
    await send('created', task('a', 'investigation', 'open'));
    await send('created', task('b', 'guarantee_check', 'open'));
    await h.settled(p.ids);
    expect(
      await one(
        `SELECT status, current_step, branch_id FROM applications WHERE application_id = $1`,
        [applicationId],
      ),
    ).toEqual({
      status: 'submitted',
      current_step: 'guarantee_check,investigation',
      branch_id: 'SH001',
    });
    await send('completed', task('a', 'investigation', 'completed'), {
      outcome: 'reject',
      opinion: '收入不足',
      workingDays: '1',
    });
    await send('cancelled', task('b', 'guarantee_check', 'cancelled'));
    await h.settled(p.ids);
    expect(
      await one(
        `SELECT current_step, decline_source, decline_step, decline_reason FROM applications
          WHERE application_id = $1`,
        [applicationId],
      ),
    ).toEqual({
      current_step: null,
      decline_source: 'approval',
      decline_step: 'investigation',
      decline_reason: '收入不足',
    });
  });

  it('counts a decision whose branch arrives after it in the right histogram row', async () => {
    const p = publisher(h);
    const applicationId = randomUUID();
    const instanceId = `pi-${randomUUID()}`;
    // The workflow's decision first (its consumer ran ahead), the application's facts after.
    await p.send(
      'workflow.process.completed',
      instanceId,
      wf.ProcessCompleted.toJSON(
        wf.ProcessCompleted.fromPartial({
          instanceId,
          businessKey: applicationId,
          decision: 'rejected',
          at: '2026-10-31T17:00:00+08:00',
          startedAt: '2026-10-20T09:00:00+08:00',
          workingDays: '9.1',
        }),
      ),
    );
    await h.settled(p.ids);
    const bucketRows = () =>
      h.db.query(
        `SELECT branch_id, product_code, applications FROM decision_histogram
          WHERE month = '2026-10-01' AND decision = 'rejected' AND bucket = 37`,
      );
    expect((await bucketRows()).rows).toEqual([]);
    await p.send('applications.application.submitted', applicationId, {
      applicationId,
      branchId: 'GZ001',
      productCode: 'MORTGAGE',
      amount: '800000.00',
    });
    await h.settled(p.ids);
    expect((await bucketRows()).rows).toEqual([
      { branch_id: 'GZ001', product_code: 'MORTGAGE', applications: 1 },
    ]);
    expect(
      await one(`SELECT status FROM applications WHERE application_id = $1`, [applicationId]),
    ).toEqual({ status: 'rejected' });
  });
});

describe('loans and the book', () => {
  it("keeps each loan's latest state: tier, days past due, outstanding after the repayment", async () => {
    const { rows } = await h.db.query(
      `SELECT loan_id, status, classification, days_past_due, outstanding_principal::text,
              last_business_date::text, month_start_classification, disbursed_amount::text
         FROM loans ORDER BY branch_id`,
    );
    expect(rows).toEqual([
      {
        loan_id: book.b.loanId,
        status: 'active',
        classification: 'normal',
        days_past_due: 0,
        outstanding_principal: '250000.50',
        last_business_date: '2026-12-31',
        month_start_classification: 'normal',
        disbursed_amount: '250000.50',
      },
      {
        // The repayment of 12-07 is inside the 12-31 balance: nothing is subtracted twice.
        loan_id: book.a.loanId,
        status: 'active',
        classification: 'special_mention',
        days_past_due: 35,
        outstanding_principal: '92000.00',
        last_business_date: '2026-12-31',
        month_start_classification: 'special_mention',
        disbursed_amount: '100000.00',
      },
    ]);
  });

  it("adds each closed date's loans into the portfolio by tier and overdue bucket", async () => {
    const { rows } = await h.db.query(
      `SELECT business_date::text, branch_id, classification, dpd_bucket, loans,
              outstanding_principal::text, overdue_principal::text, interest_today::text
         FROM portfolio_days ORDER BY business_date, branch_id`,
    );
    expect(rows).toEqual([
      {
        business_date: '2026-11-30',
        branch_id: 'BJ001',
        classification: 'normal',
        dpd_bucket: 0,
        loans: 1,
        outstanding_principal: '250000.50',
        overdue_principal: '0.00',
        interest_today: '1.19',
      },
      {
        business_date: '2026-11-30',
        branch_id: 'SH001',
        classification: 'normal',
        dpd_bucket: 0,
        loans: 1,
        outstanding_principal: '100000.00',
        overdue_principal: '0.00',
        interest_today: '1.19',
      },
      {
        business_date: '2026-12-31',
        branch_id: 'BJ001',
        classification: 'normal',
        dpd_bucket: 0,
        loans: 1,
        outstanding_principal: '250000.50',
        overdue_principal: '0.00',
        interest_today: '1.19',
      },
      {
        business_date: '2026-12-31',
        branch_id: 'SH001',
        classification: 'special_mention',
        dpd_bucket: 2,
        loans: 1,
        outstanding_principal: '92000.00',
        overdue_principal: '100.00',
        interest_today: '1.24',
      },
    ]);
    expect(await one(`SELECT count(*)::int AS n FROM loan_days`)).toEqual({ n: 4 });
  });

  it('builds the month-over-month tier migration matrix', async () => {
    const { rows } = await h.db.query(
      `SELECT month::text, branch_id, from_classification, to_classification, loans,
              outstanding_principal::text
         FROM tier_migrations ORDER BY month, branch_id`,
    );
    expect(rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        from_classification: 'new',
        to_classification: 'normal',
        loans: 1,
        outstanding_principal: '250000.50',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        from_classification: 'new',
        to_classification: 'normal',
        loans: 1,
        outstanding_principal: '100000.00',
      },
      {
        month: '2026-12-01',
        branch_id: 'BJ001',
        from_classification: 'normal',
        to_classification: 'normal',
        loans: 1,
        outstanding_principal: '250000.50',
      },
      {
        month: '2026-12-01',
        branch_id: 'SH001',
        from_classification: 'normal',
        to_classification: 'special_mention',
        loans: 1,
        outstanding_principal: '92000.00',
      },
    ]);
  });

  it("corrects a month's matrix when the month before is closed after it", async () => {
    const p = publisher(h);
    const loan = {
      loanId: randomUUID(),
      branchId: 'XM001',
      productCode: 'LATE',
      customerId: randomUUID(),
    };
    await dayClosed(p.send, '2025-02-28', [loanDay(loan, 'substandard', 100, '10.00')]);
    await h.settled(p.ids);
    await dayClosed(p.send, '2025-01-31', [loanDay(loan, 'special_mention', 70, '11.00')]);
    await h.settled(p.ids);
    const { rows } = await h.db.query(
      `SELECT month::text, from_classification, to_classification, loans
         FROM tier_migrations WHERE branch_id = 'XM001' ORDER BY month`,
    );
    expect(rows).toEqual([
      {
        month: '2025-01-01',
        from_classification: 'new',
        to_classification: 'special_mention',
        loans: 1,
      },
      {
        month: '2025-02-01',
        from_classification: 'special_mention',
        to_classification: 'substandard',
        loans: 1,
      },
    ]);
  });

  it('records movements once and sums them per month', async () => {
    const { rows } = await h.db.query(
      `SELECT month::text, branch_id, kind, movements, amount::text, principal::text,
              interest::text
         FROM movement_months ORDER BY month, branch_id, kind`,
    );
    expect(rows).toEqual([
      {
        month: '2026-11-01',
        branch_id: 'BJ001',
        kind: 'disbursement',
        movements: 1,
        amount: '250000.50',
        principal: '250000.50',
        interest: '0.00',
      },
      {
        month: '2026-11-01',
        branch_id: 'SH001',
        kind: 'disbursement',
        movements: 1,
        amount: '100000.00',
        principal: '100000.00',
        interest: '0.00',
      },
      {
        month: '2026-12-01',
        branch_id: 'SH001',
        kind: 'repayment',
        movements: 1,
        amount: '8362.50',
        principal: '8000.00',
        interest: '362.50',
      },
    ]);
  });

  it('applies a redelivered event once', async () => {
    const p = publisher(h);
    const id = randomUUID();
    const data = acc.RepaymentPosted.toJSON({
      id: randomUUID(),
      loanId: book.b.loanId,
      valueDate: '2027-01-05',
      amount: '1000.00',
      allocation: {
        compound: '0',
        penalty: '0',
        overdueInterest: '0',
        overduePrincipal: '0',
        dueInterest: '0',
        duePrincipal: '1000.00',
        accruedInterest: '0',
        principal: '0',
        credit: '0',
        fromCredit: '0',
      },
      branchId: 'BJ001',
      loanClosed: false,
    });
    await p.send('accounting.loan.repayment-posted', book.b.loanId, data, { id });
    await p.send('accounting.loan.repayment-posted', book.b.loanId, data, { id });
    await h.settled(p.ids);
    expect(
      await one(
        `SELECT movements, principal::text FROM movement_months
          WHERE month = '2027-01-01' AND branch_id = 'BJ001' AND kind = 'repayment'`,
      ),
    ).toEqual({ movements: 1, principal: '1000.00' });
    expect(
      await one(`SELECT outstanding_principal::text AS o FROM loans WHERE loan_id = $1`, [
        book.b.loanId,
      ]),
    ).toEqual({ o: '249000.50' });
  });

  it('closes business dates and books interest income per month from the income lines', async () => {
    expect(
      (await h.db.query(`SELECT business_date::text, loans_accrued FROM business_days ORDER BY 1`))
        .rows,
    ).toEqual([
      { business_date: '2026-11-30', loans_accrued: 2 },
      { business_date: '2026-12-31', loans_accrued: 2 },
    ]);
    expect(
      (
        await h.db.query(
          `SELECT month::text, branch_id, account_code, amount::text FROM income_months
            ORDER BY month, branch_id`,
        )
      ).rows,
    ).toEqual([
      { month: '2026-11-01', branch_id: 'BJ001', account_code: '601101', amount: '29.90' },
      { month: '2026-11-01', branch_id: 'SH001', account_code: '601101', amount: '11.90' },
      { month: '2026-12-01', branch_id: 'SH001', account_code: '601102', amount: '0.05' },
    ]);
    expect(await one(`SELECT total::text FROM ledger_entries WHERE entry_id = 9000001`)).toEqual({
      total: '12.00',
    });
  });
});

describe('post-loan, notifications, branches', () => {
  it('keeps cases, promises, litigations and assets', async () => {
    expect(
      await one(
        `SELECT status, closed_on::text, outcome, officer FROM collection_cases WHERE case_id = $1`,
        [book.post.caseId],
      ),
    ).toEqual({
      status: 'closed',
      closed_on: '2026-11-29',
      outcome: 'repaid',
      officer: 'collector1',
    });
    expect(
      (
        await h.db.query(
          `SELECT status, amount::text FROM payment_promises WHERE case_id = $1 ORDER BY status`,
          [book.post.caseId],
        )
      ).rows,
    ).toEqual([
      { status: 'broken', amount: '300.00' },
      { status: 'kept', amount: '500.00' },
    ]);
    expect(
      await one(`SELECT status, judgement_amount::text FROM litigations WHERE litigation_id = $1`, [
        book.post.litigationId,
      ]),
    ).toEqual({ status: 'judged', judgement_amount: '8000.00' });
    expect(
      await one(
        `SELECT status, kind, booked_value::text FROM repossessed_assets WHERE asset_id = $1`,
        [book.post.assetId],
      ),
    ).toEqual({ status: 'held', kind: 'vehicle', booked_value: '60000.00' });
  });

  it('keeps deliveries and branch names', async () => {
    expect(await one(`SELECT channel, status, segments, template_code FROM notifications`)).toEqual(
      { channel: 'sms', status: 'sent', segments: 2, template_code: 'loan_disbursed' },
    );
    expect(
      (await h.db.query(`SELECT code, parent_code, name FROM branches ORDER BY code`)).rows,
    ).toEqual([
      { code: 'BJ001', parent_code: 'HQ', name: '北京分行' },
      { code: 'HQ', parent_code: null, name: '总行' },
      { code: 'SH001', parent_code: 'HQ', name: '上海分行' },
    ]);
  });
});

describe('events the read models cannot apply', () => {
  it('parks an unknown schema version, undecodable data and a non-envelope, with reasons, and shows them', async () => {
    const p = publisher(h);
    const v9 = await p.send(
      'accounting.loan.repriced',
      book.a.loanId,
      { loanId: book.a.loanId, toRatePercent: '3.1' },
      { schemaVersion: 9 },
    );
    const bad = await p.send('accounting.loan.repriced', book.a.loanId, {
      loanId: book.a.loanId,
      toRatePercent: 'three',
    });
    const noLoan = await p.send('accounting.loan.written-off', 'x', { businessDate: '2026-12-01' });
    await h.publishRaw('loanflow.accounting.loan.repriced', Buffer.from('not json'));
    await h.settled(p.ids);
    const parked = await h.db.query<{ event_id: string | null; reason: string }>(
      `SELECT event_id, reason FROM dead_letters ORDER BY id`,
    );
    const reasonOf = (id: string) => parked.rows.find((r) => r.event_id === id)?.reason;
    expect(reasonOf(v9)).toBe(
      'accounting.loan.repriced: schema version 9 is not the version 1 the read model knows',
    );
    expect(reasonOf(bad)).toBe('accounting.loan.repriced: toRatePercent is not a decimal');
    expect(reasonOf(noLoan)).toBe('accounting.loan.written-off: missing loanId');
    // Nothing of them was applied: the rate is still the disbursement's.
    expect(
      await one(`SELECT annual_rate_percent::text AS r FROM loans WHERE loan_id = $1`, [
        book.a.loanId,
      ]),
    ).toEqual({ r: '4.350000' });

    // The non-envelope has no event id: wait for its letter too.
    const status = await (async () => {
      for (let i = 0; i < 200; i++) {
        const s = await h.client.getIngestionStatus({}, h.as(['auditor']));
        const accounting = s.consumers.find((c) => c.consumer === `${h.schema}_accounting`);
        if (accounting && Number(accounting.parked) === 4) return s;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('the non-envelope was not parked');
    })();
    const accounting = status.consumers.find((c) => c.consumer === `${h.schema}_accounting`)!;
    expect(Number(accounting.applied)).toBeGreaterThan(20);
    expect(status.recentParked.map((r) => r.eventId)).toEqual(
      expect.arrayContaining([v9, bad, noLoan, '']),
    );
    expect(status.recentParked.find((r) => r.eventId === v9)).toMatchObject({
      eventType: 'accounting.loan.repriced',
      consumer: `${h.schema}_accounting`,
    });
    expect(status.recentParked.find((r) => r.eventId === '')?.reason).toMatch(/not JSON/);
    expect(status.lastBusinessDate).toBe('2026-12-31');
    expect(status.lastEventAt).not.toBe('');
    expect(status.streamBacklog).toMatch(/^\d+$/);
  });

  it('applies the good events of a burst and parks the bad one among them', async () => {
    const p = publisher(h);
    const sent: Promise<string>[] = [];
    for (let i = 0; i < 60; i++) {
      const code = `BURST${i}`;
      sent.push(
        i === 30
          ? p.send('identity.branch.created', code, { branch: 'not a branch' })
          : p.send('identity.branch.created', code, {
              branch: { code, name: `网点${i}`, parentCode: 'SH001', level: 'sub_branch' },
            }),
      );
    }
    const ids = await Promise.all(sent);
    await h.settled(ids);
    expect(await one(`SELECT count(*)::int AS n FROM branches WHERE code LIKE 'BURST%'`)).toEqual({
      n: 59,
    });
    expect(
      await one(`SELECT consumer, reason FROM dead_letters WHERE event_id = $1`, [ids[30]]),
    ).toEqual({
      consumer: `${h.schema}_identity`,
      reason: 'identity.branch.created: branch must be an object',
    });
  });

  it('shows the ingestion status to administrators and auditors only', async () => {
    await expect(h.client.getIngestionStatus({}, h.as(['credit_officer']))).rejects.toMatchObject({
      code: 'permission_denied',
    });
    const s = await h.client.getIngestionStatus({}, h.as(['admin']));
    expect(s.consumers.map((c) => c.consumer)).toEqual(
      expect.arrayContaining(
        ['identity', 'applications', 'workflow', 'documents', 'accounting', 'notifications'].map(
          (x) => `${h.schema}_${x}`,
        ),
      ),
    );
  });
});
