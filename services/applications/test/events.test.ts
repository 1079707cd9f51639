import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { applicationsV1, vocabularyV1 } from '@loanflow/proto';
import {
  consumerDraft,
  createCorporate,
  createIndividual,
  rpcError,
  startHarness,
  type Harness,
  type ReceivedEvent,
} from './harness';
import { eventually } from '@loanflow/test/support/poll';

const CREATED = 'applications.application.created';
const SUBMITTED = 'applications.application.submitted';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('applications service: events on JetStream', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  /** The envelope as stored in the outbox row of the event. */
  const outboxRow = async (eventId: string) =>
    (
      await h.db.query<{
        subject: string;
        event_type: string;
        subject_id: string;
        payload: unknown;
        published_at: Date | null;
      }>(
        'SELECT subject, event_type, subject_id, payload, published_at FROM outbox WHERE event_id = $1',
        [eventId],
      )
    ).rows[0];

  const expectWellFormed = async (event: ReceivedEvent, type: string, subjectId: string) => {
    expect(event.subject).toBe(`loanflow.${type}`);
    expect(event.msgId).toBe(event.envelope.id);
    expect(event.headers['loanflow-event-type']).toBe(type);
    expect(event.envelope).toEqual({
      id: expect.stringMatching(UUID),
      type,
      schemaVersion: 1,
      source: 'applications',
      subjectId,
      occurredAt: expect.any(String),
      data: expect.any(Object),
    });
    expect(new Date(event.envelope.occurredAt).toISOString()).toBe(event.envelope.occurredAt);
    // What went out is exactly what was committed with the change, and is marked published.
    // The relay marks the row after JetStream acknowledges it, so a subscriber can see the
    // message a moment before the mark commits.
    const row = await eventually('the outbox row marked published', async () => {
      const r = await outboxRow(event.envelope.id);
      return r?.published_at ? r : undefined;
    });
    expect(row).toEqual({
      subject: event.subject,
      event_type: type,
      subject_id: subjectId,
      payload: event.envelope,
      published_at: expect.any(Date),
    });
  };

  it('publishes application.created on its own (no flush), with Nats-Msg-Id = envelope id', async () => {
    const { customer } = await createIndividual(h);
    const app = (
      await h.client.createApplication(
        { draft: consumerDraft(customer.id, { amount: '120000.5' }) },
        h.as('shManager'),
      )
    ).application!;

    // The relay wakes on the commit notification; nobody kicks it here.
    const [event] = await h.events.waitFor(app.id, CREATED);

    await expectWellFormed(event!, CREATED, app.id);
    expect(event!.envelope.data).toEqual({
      applicationId: app.id,
      customerId: customer.id,
      customerType: 'CUSTOMER_TYPE_INDIVIDUAL',
      productCode: 'PERSONAL_CONSUMER',
      branchId: 'SH001',
      amount: '120000.50',
      termMonths: 12,
      createdBy: h.principal('shManager').userId,
    });
  });

  it('publishes application.submitted after created, carrying the opinion, score and amount as a decimal string', async () => {
    const { customer } = await createIndividual(h, 'shManager', { monthlyIncome: '30000' });
    const draft = (
      await h.client.createApplication({ draft: consumerDraft(customer.id) }, h.as('shManager'))
    ).application!;
    const app = (await h.client.submitApplication({ id: draft.id }, h.as('shManager')))
      .application!;
    expect(app.preAssessment!.opinion).toBe(applicationsV1.Opinion.OPINION_RECOMMEND);

    const [submitted] = await h.events.waitFor(app.id, SUBMITTED);
    const [created] = await h.events.waitFor(app.id, CREATED);

    await expectWellFormed(submitted!, SUBMITTED, app.id);
    expect(submitted!.envelope.data).toEqual({
      applicationId: app.id,
      customerId: customer.id,
      customerType: 'CUSTOMER_TYPE_INDIVIDUAL',
      // The workflow shows the borrower's name on the tasks.
      customerName: customer.name,
      productCode: 'PERSONAL_CONSUMER',
      productCategory: 'consumer',
      branchId: 'SH001',
      amount: '120000.00',
      termMonths: 12,
      repaymentMethod: 'REPAYMENT_METHOD_EQUAL_PRINCIPAL',
      initialOpinion: 'OPINION_RECOMMEND',
      score: 100,
      submittedBy: h.principal('shManager').userId,
      submittedAt: app.submittedAt,
    });
    expect(created!.streamSeq).toBeLessThan(submitted!.streamSeq);
    expect(created!.envelope.id).not.toBe(submitted!.envelope.id);
  });

  it('carries a declining opinion in the submitted event', async () => {
    const { customer } = await createIndividual(h);
    const draft = (
      await h.client.createApplication(
        {
          draft: consumerDraft(customer.id, {
            monthlyIncome: '10000',
            existingMonthlyDebtPayments: '640',
          }),
        },
        h.as('shManager'),
      )
    ).application!;
    await h.client.submitApplication({ id: draft.id }, h.as('shManager'));
    await h.service.flushOutbox();

    const [event] = await h.events.waitFor(draft.id, SUBMITTED);

    expect(event!.envelope.data).toMatchObject({
      initialOpinion: 'OPINION_DECLINE',
      score: 60,
      amount: '120000.00',
    });
  });

  it('names a corporate customer type and product in the events of a corporate application', async () => {
    const { customer } = await createCorporate(h, 'shCorporate', {
      annualRevenue: '20000000',
      registeredCapital: '5000000',
    });
    const draft = applicationsV1.ApplicationDraft.fromPartial({
      customerId: customer.id,
      productCode: 'CORP_WORKING_CAPITAL',
      amount: '750000.25',
      termMonths: 12,
      repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_INTEREST_ONLY,
      purpose: 'Raw material purchase',
      businessSituation: 'Stable orders from two automotive customers',
    });
    const created = (await h.client.createApplication({ draft }, h.as('shCorporate'))).application!;
    const app = (await h.client.submitApplication({ id: created.id }, h.as('shCorporate')))
      .application!;
    expect(app.preAssessment!.results.map((r) => [r.ruleId, r.outcome])).toEqual([
      ['blacklist', 'pass'],
      ['amount_to_revenue', 'pass'],
      ['registered_capital_min', 'pass'],
      ['pending_application', 'pass'],
    ]);
    expect(app.preAssessment!.results.find((r) => r.ruleId === 'amount_to_revenue')!.reason).toBe(
      'amount 750000.25 is 3.75% of annual revenue 20000000.00, within 30%',
    );

    const [createdEvent] = await h.events.waitFor(app.id, CREATED);
    const [submittedEvent] = await h.events.waitFor(app.id, SUBMITTED);

    expect(createdEvent!.envelope.data).toMatchObject({
      customerType: 'CUSTOMER_TYPE_CORPORATE',
      amount: '750000.25',
      branchId: 'SH001',
    });
    expect(submittedEvent!.envelope.data).toMatchObject({
      customerType: 'CUSTOMER_TYPE_CORPORATE',
      productCode: 'CORP_WORKING_CAPITAL',
      productCategory: 'working_capital',
      amount: '750000.25',
      repaymentMethod: 'REPAYMENT_METHOD_INTEREST_ONLY',
      initialOpinion: 'OPINION_RECOMMEND',
      score: 100,
      submittedBy: h.principal('shCorporate').userId,
    });
  });

  it('publishes nothing for a refused change', async () => {
    const { customer } = await createIndividual(h);
    const err = await rpcError(
      h.client.createApplication(
        { draft: consumerDraft(customer.id, { amount: '1' }) },
        h.as('shManager'),
      ),
    );
    expect(err.code).toBe('invalid_argument');
    await h.service.flushOutbox();
    await h.events.settle();

    expect(h.events.received.filter((e) => e.envelope.data.customerId === customer.id)).toEqual([]);
  });
});
