import { randomUUID } from 'node:crypto';
import { createLogger, deadLetteredEvents, JetStreamBus, type Principal } from '@loanflow/platform';
import { accountingV1, applicationsV1, vocabularyV1, workflowEventsV1 } from '@loanflow/proto';
import { eventually } from '@loanflow/test/support/poll';
import { accountingClient } from '../src/infra/accounting-client';
import { consumerDraft, countRows, createIndividual, startHarness, type Harness } from './harness';

const { ApplicationStatus } = applicationsV1;
const EXPIRED = 'applications.application.expired';
const DECLINED = 'applications.application.declined';
const SUBMITTED = 'applications.application.submitted';

/**
 * An application after its approval and at its other ends, through the real service, the real
 * JetStream and the real accounting service: contracted and disbursed from the documents' and
 * accounting's events (linked to the contract and the loan, in its history), a decision for a
 * withdrawn application refused, expiry by the sweep, a blacklisted customer declined at
 * submission, and exposure counting approved applications and booked loans.
 */
describe('applications service: after approval, and the other ends', () => {
  let h: Harness;
  let bus: JetStreamBus;

  beforeAll(async () => {
    h = await startHarness();
    bus = await JetStreamBus.connect({
      url: h.config.NATS_URL,
      name: `links-test-${h.runId}`,
      log: createLogger('t', 'silent'),
    });
  });
  afterAll(async () => {
    await bus?.close();
    await h?.close();
  });

  /** Publishes an envelope as its service's relay would; a fresh msg id each call (a redelivery). */
  async function publish(subject: string, eventId: string, subjectId: string, data: unknown) {
    const type = subject.replace(/^loanflow\./, '');
    const envelope = {
      id: eventId,
      type,
      schemaVersion: 1,
      source: type.split('.')[0],
      subjectId,
      occurredAt: '2026-12-01T02:00:00.000Z',
      data,
    };
    await bus.publish(subject, Buffer.from(JSON.stringify(envelope)), { msgId: randomUUID() });
  }

  const approve = (id: string, at: string, amount = '100000.00') =>
    publish(
      'loanflow.workflow.process.completed',
      randomUUID(),
      id,
      workflowEventsV1.ProcessCompleted.toJSON(
        workflowEventsV1.ProcessCompleted.fromPartial({
          instanceId: randomUUID(),
          businessKey: id,
          decision: 'approved',
          approvedAmount: amount,
          approvedRatePercent: '3.6',
          approvedTermMonths: 12,
          at,
        }),
      ),
    );

  const get = async (id: string) =>
    (await h.client.getApplication({ id }, h.as('shManager'))).application!;
  const becomes = (id: string, status: applicationsV1.ApplicationStatus) =>
    eventually(`application ${id} ${status}`, async () => {
      const app = await get(id);
      return app.status === status ? app : undefined;
    });

  async function submittedApplication(
    overrides: Partial<applicationsV1.ApplicationDraft> = {},
    customerId?: string,
  ): Promise<applicationsV1.Application> {
    const owner = customerId ?? (await createIndividual(h)).customer.id;
    const { application } = await h.client.createApplication(
      { draft: consumerDraft(owner, overrides) },
      h.as('shManager'),
    );
    return (await h.client.submitApplication({ id: application!.id }, h.as('shManager')))
      .application!;
  }

  it('links the signed contract and the paid-out loan, once each, and shows them in the history', async () => {
    const app = await submittedApplication();
    await approve(app.id, '2026-11-28T08:00:00.000Z');
    await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_APPROVED);

    const contractId = randomUUID();
    const signedEvent = randomUUID();
    const signed = {
      contractId,
      contractNumber: 'HT-2026-000042',
      applicationId: app.id,
      signedAt: '2026-11-30T03:00:00.000Z',
      terms: { amount: '100000.00' },
    };
    await publish('loanflow.documents.contract.signed', signedEvent, contractId, signed);
    await publish('loanflow.documents.contract.signed', signedEvent, contractId, signed);
    const contracted = await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_CONTRACTED);
    expect(contracted).toMatchObject({ contractId, contractNumber: 'HT-2026-000042', loanId: '' });

    const loanId = randomUUID();
    const disbursed = {
      loanId,
      loanNumber: 'LN-2026-000007',
      applicationId: app.id,
      customerId: app.customerId,
      tranche: 1,
      amount: '100000.00',
      valueDate: '2026-12-01',
    };
    const disbursedEvent = randomUUID();
    await publish('loanflow.accounting.loan.disbursed', disbursedEvent, loanId, disbursed);
    await publish('loanflow.accounting.loan.disbursed', disbursedEvent, loanId, disbursed);
    const done = await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_DISBURSED);
    // A second tranche of the same loan is no new step of the application.
    const trancheEvent = randomUUID();
    await publish('loanflow.accounting.loan.disbursed', trancheEvent, loanId, {
      ...disbursed,
      tranche: 2,
      amount: '5000.00',
    });
    await eventually('the second tranche handled', async () =>
      (await countRows(h, 'inbox', 'event_id = $1', [trancheEvent])) === 1 ? true : undefined,
    );
    expect(await countRows(h, 'inbox', 'event_id IN ($1, $2)', [signedEvent, disbursedEvent])).toBe(
      2,
    );

    const after = await get(app.id);
    expect(after).toMatchObject({
      contractId,
      contractNumber: 'HT-2026-000042',
      loanId,
      loanNumber: 'LN-2026-000007',
      version: done.version,
    });
    expect(after.history.map((e) => [e.action, e.at, e.actor, e.details])).toEqual([
      ['submitted', app.submittedAt, h.principal('shManager').userId, {}],
      [
        'approved',
        '2026-11-28T08:00:00.000Z',
        '',
        expect.objectContaining({ approvedAmount: '100000.00', approvedRatePercent: '3.6000' }),
      ],
      [
        'contracted',
        '2026-11-30T03:00:00.000Z',
        '',
        { contractId, contractNumber: 'HT-2026-000042' },
      ],
      [
        'disbursed',
        '2026-12-01T02:00:00.000Z',
        '',
        { loanId, loanNumber: 'LN-2026-000007', amount: '100000.00', valueDate: '2026-12-01' },
      ],
    ]);
  });

  it('takes the contract link even when the loan event overtakes the signature', async () => {
    const app = await submittedApplication();
    await approve(app.id, '2026-11-28T08:00:00.000Z');
    await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_APPROVED);
    const loanId = randomUUID();
    await publish('loanflow.accounting.loan.disbursed', randomUUID(), loanId, {
      loanId,
      loanNumber: 'LN-2026-000008',
      applicationId: app.id,
      tranche: 1,
      amount: '100000.00',
      valueDate: '2026-12-01',
    });
    await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_DISBURSED);
    const contractId = randomUUID();
    await publish('loanflow.documents.contract.signed', randomUUID(), contractId, {
      contractId,
      contractNumber: 'HT-2026-000043',
      applicationId: app.id,
      signedAt: '2026-11-30T03:00:00.000Z',
    });
    const linked = await eventually('the contract link', async () => {
      const read = await get(app.id);
      return read.contractId ? read : undefined;
    });
    expect(linked).toMatchObject({
      status: ApplicationStatus.APPLICATION_STATUS_DISBURSED,
      contractId,
      contractNumber: 'HT-2026-000043',
      loanId,
      loanNumber: 'LN-2026-000008',
    });
    expect(linked.history.map((e) => e.action)).toEqual([
      'submitted',
      'approved',
      'disbursed',
      'contracted',
    ]);
  });

  it('parks the events it cannot decode as dead letters, with the reason, and goes on with the next', async () => {
    const app = await submittedApplication();
    const badAmount = randomUUID();
    await publish('loanflow.workflow.process.completed', badAmount, app.id, {
      instanceId: randomUUID(),
      businessKey: app.id,
      decision: 'approved',
      approvedAmount: 'a lot',
    });
    const noApplication = randomUUID();
    const contractId = randomUUID();
    await publish('loanflow.documents.contract.signed', noApplication, contractId, {
      contractId,
      contractNumber: 'HT-2026-000099',
    });
    const badLoan = randomUUID();
    await publish('loanflow.accounting.loan.disbursed', badLoan, 'loan-x', {
      loanId: 42,
      applicationId: app.id,
    });
    await approve(app.id, '2026-11-28T08:00:00.000Z');
    await becomes(app.id, ApplicationStatus.APPLICATION_STATUS_APPROVED);

    const letters = await eventually('three dead letters', async () => {
      const { rows } = await h.db.query<{ consumer: string; event_id: string; reason: string }>(
        'SELECT consumer, event_id, reason FROM dead_letters WHERE event_id = ANY($1) ORDER BY id',
        [[badAmount, noApplication, badLoan]],
      );
      return rows.length === 3 ? rows : undefined;
    });
    expect(Object.fromEntries(letters.map((l) => [l.event_id, [l.consumer, l.reason]]))).toEqual({
      [badAmount]: [
        `${h.schema}_decisions`,
        expect.stringMatching(/^workflow\.process\.completed: approvedAmount /),
      ],
      [noApplication]: [
        `${h.schema}_contracts_signed`,
        'documents.contract.signed: missing applicationId',
      ],
      [badLoan]: [
        `${h.schema}_loans_disbursed`,
        'accounting.loan.disbursed: loanId must be a string',
      ],
    });
    // Parked, not handled: nothing of them reached the application.
    expect(
      await countRows(h, 'inbox', 'event_id = ANY($1)', [[badAmount, noApplication, badLoan]]),
    ).toBe(0);
    const after = await get(app.id);
    expect(after).toMatchObject({ approvedAmount: '100000.00', contractId: '', loanId: '' });
    const counted = (await deadLetteredEvents.get()).values.filter((v) =>
      String(v.labels.consumer).startsWith(`${h.schema}_`),
    );
    expect(counted.reduce((n, v) => n + v.value, 0)).toBeGreaterThanOrEqual(3);
  });

  it('does not approve a withdrawn application when its process completes anyway', async () => {
    const app = await submittedApplication();
    await h.client.withdrawApplication(
      { id: app.id, reason: 'Customer took a loan elsewhere' },
      h.as('shManager'),
    );
    const eventId = randomUUID();
    await publish('loanflow.workflow.process.completed', eventId, app.id, {
      instanceId: randomUUID(),
      businessKey: app.id,
      decision: 'approved',
      approvedAmount: '100000.00',
    });
    await eventually('the late decision handled', async () =>
      (await countRows(h, 'inbox', 'event_id = $1', [eventId])) === 1 ? true : undefined,
    );
    const still = await get(app.id);
    expect(still.status).toBe(ApplicationStatus.APPLICATION_STATUS_WITHDRAWN);
    expect(still.approvedAmount).toBe('');
    expect(still.history.map((e) => [e.action, e.reason])).toEqual([
      ['submitted', ''],
      ['withdrawn', 'Customer took a loan elsewhere'],
    ]);
  });

  it('expires a submitted application past its decision validity and an approval past its own, once', async () => {
    const submitted = await submittedApplication();
    const approved = await submittedApplication();
    const decidedAt = new Date().toISOString();
    await approve(approved.id, decidedAt);
    await becomes(approved.id, ApplicationStatus.APPLICATION_STATUS_APPROVED);
    const day = 24 * 3600 * 1000;

    // PERSONAL_CONSUMER: 30 days to decide, an approval good for 90.
    expect(await h.service.expireApplications(new Date(Date.now() + 29 * day))).not.toEqual(
      expect.arrayContaining([submitted.id]),
    );
    const month = new Date(Date.now() + 31 * day);
    const first = await h.service.expireApplications(month);
    expect(first).toContain(submitted.id);
    expect(first).not.toContain(approved.id);
    expect(await h.service.expireApplications(month)).toEqual([]);
    const quarter = new Date(Date.parse(decidedAt) + 91 * day);
    expect(await h.service.expireApplications(quarter)).toContain(approved.id);

    const expired = await get(submitted.id);
    expect(expired.status).toBe(ApplicationStatus.APPLICATION_STATUS_EXPIRED);
    expect(expired.history.at(-1)).toEqual({
      action: 'expired',
      at: month.toISOString(),
      actor: '',
      reason: 'not decided within 30 days of submission',
      details: { from: 'submitted' },
    });
    await h.service.flushOutbox();
    const [event] = await h.events.waitFor(submitted.id, EXPIRED);
    expect(event!.envelope.data).toEqual({
      applicationId: submitted.id,
      customerId: submitted.customerId,
      branchId: 'SH001',
      expiredFrom: 'submitted',
      reason: 'not decided within 30 days of submission',
      expiredAt: month.toISOString(),
    });
    const [fromApproval] = await h.events.waitFor(approved.id, EXPIRED);
    expect(fromApproval!.envelope.data).toMatchObject({
      expiredFrom: 'approved',
      reason: 'not contracted within 90 days of approval',
    });
    await h.events.settle();
    expect(h.events.about(submitted.id, EXPIRED)).toHaveLength(1);
  });

  it('declines a blacklisted customer at submission: no approval process, application.declined', async () => {
    const { customer } = await createIndividual(h);
    await h.db.query(
      `INSERT INTO blacklist (id, identity_idx, reason, added_by)
       SELECT $1, resident_id_idx, 'fraud case 2026-17', 'risk' FROM customers WHERE id = $2`,
      [randomUUID(), customer.id],
    );
    const app = await submittedApplication({}, customer.id);

    expect(app.status).toBe(ApplicationStatus.APPLICATION_STATUS_DECLINED);
    expect(app.history.map((e) => [e.action, e.reason])).toEqual([
      ['declined', 'applicant is on the blacklist'],
    ]);
    expect(
      (await h.client.submitApplication({ id: app.id }, h.as('shManager'))).application!.status,
    ).toBe(ApplicationStatus.APPLICATION_STATUS_DECLINED);
    await h.service.flushOutbox();
    const [event] = await h.events.waitFor(app.id, DECLINED);
    expect(event!.envelope.data).toEqual({
      applicationId: app.id,
      customerId: customer.id,
      branchId: 'SH001',
      reason: 'applicant is on the blacklist',
      declinedAt: app.submittedAt,
      // What the pipeline report's decline reasons count by.
      ruleCodes: ['blacklist'],
      productCode: 'PERSONAL_CONSUMER',
      amount: '120000.00',
    });
    await h.events.settle();
    expect(h.events.about(app.id, SUBMITTED)).toEqual([]);
    expect(h.events.about(app.id, DECLINED)).toHaveLength(1);
  });

  it('counts approved applications and booked loans in the pending check and debt-to-income', async () => {
    // Monthly income 30,000.00; stated debts elsewhere 1,000.00 a month.
    const { customer } = await createIndividual(h, 'shManager', { monthlyIncome: '30000.00' });
    // Approved at 100,000.00, 3.6 %, 12 months, equal principal: first installment
    // 8,333.33 + 300.00 = 8,633.33.
    const first = await submittedApplication({}, customer.id);
    await approve(first.id, new Date().toISOString(), '100000.00');
    await becomes(first.id, ApplicationStatus.APPLICATION_STATUS_APPROVED);
    // A loan in the accounting books: 120,000.00 over 12 months at 3.6 %, equal principal;
    // its next installment is 10,000.00 + 360.00 = 10,360.00.
    // Loans come into the books under a signed contract or, migrated from another system, by a
    // maker-checker import: the shortest honest way to put one on this customer's record.
    const admin = (n: number): Principal => ({
      userId: `admin${n}-${h.runId}`,
      username: `admin${n}`,
      displayName: `Administrator ${n}`,
      roles: ['admin'],
      branchId: 'HQ',
    });
    const accounting = accountingClient(`127.0.0.1:${h.accounting.grpcPort}`);
    try {
      const { openBusinessDate } = await accounting.getBusinessDate({}, h.as(admin(1)));
      const { loanImport } = await accounting.requestLoanImport(
        accountingV1.RequestLoanImportRequest.fromPartial({
          commandId: randomUUID(),
          sourceSystem: 'legacy core banking (test)',
          reason: 'exposure test',
          loans: [
            {
              externalReference: `OLD-${randomUUID()}`,
              borrowerName: customer.name,
              customerId: customer.id,
              branchId: 'SH001',
              productCode: 'PERSONAL_CONSUMER',
              approvedAmount: '120000.00',
              schedule: {
                principal: '120000.00',
                annualRatePercent: '3.6',
                term: 12,
                termUnit: 'month',
                repaymentMethod: 'equal_principal',
                disbursementDate: openBusinessDate,
                repaymentDayOfMonth: Number(openBusinessDate.slice(8, 10)),
              },
              rateType: 'fixed',
              payee: { paymentMethod: 'self' },
            },
          ],
        }),
        h.as(admin(1)),
      );
      await accounting.decideLoanImport(
        { commandId: randomUUID(), importId: loanImport!.id, approve: true, comment: '' },
        h.as(admin(2)),
      );
    } finally {
      accounting.close();
    }

    // The new one: 60,000.00 over 12 months at 3.6 %, equal principal: 5,000.00 + 180.00.
    const second = await submittedApplication(
      {
        amount: '60000.00',
        repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
      },
      customer.id,
    );
    const results = Object.fromEntries(
      second.preAssessment!.results.map((r) => [r.ruleId, [r.outcome, r.reason]]),
    );
    // 5,180.00 + 1,000.00 + (8,633.33 + 10,360.00) = 25,173.33 of 30,000.00 = 83.91 %.
    expect(results.debt_to_income).toEqual([
      'fail',
      'debt-to-income 83.91% exceeds 55% (new installment 5180.00 + existing 1000.00 + ' +
        "this bank's loans and applications 18993.33, monthly income 30000.00)",
    ]);
    expect(results.pending_application).toEqual([
      'warn',
      '1 other application is in progress (100000.00 yuan), more than the 0 allowed',
    ]);
  });
});
