import { randomBytes } from 'node:crypto';
import {
  createLogger,
  decodeEnvelope,
  JetStreamBus,
  type BusMessage,
  type Subscription,
} from '@loanflow/platform';
import { api, startSystem, type TestSystem } from '../support/system';
import { mobile, residentId } from '../support/identities';

/**
 * A banker's first day, through the gateway only: log in, enter a customer, enter an
 * application, submit it; the workflow side sees application.submitted on JetStream, in the
 * same trace as the banker's request.
 */
describe('end to end: log in → customer → application → submit → event', () => {
  let system: TestSystem;
  let bus: JetStreamBus;
  let subscription: Subscription;
  const durable = `e2e_${randomBytes(4).toString('hex')}`;
  const received: BusMessage[] = [];

  beforeAll(async () => {
    system = await startSystem();
    // The system's own events: it keeps them in a namespace of the shared stream.
    bus = await JetStreamBus.connect({
      url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      name: 'e2e',
      log: createLogger('e2e', 'silent'),
      namespace: system.eventsNamespace,
    });
    subscription = await bus.consume({
      durable,
      filterSubject: 'loanflow.applications.application.submitted',
      startAt: 'new',
      handler: async (msg) => {
        received.push(msg);
      },
    });
  });

  afterAll(async () => {
    await system?.stop();
    await subscription?.drain();
    await bus?.deleteConsumer(durable);
    await bus?.close();
  });

  it('carries the request through every service and onto the bus with its trace id', async () => {
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

    const token = await system.login('am.sh');
    const customer = await api(system.baseUrl, 'POST', '/api/v1/customers', {
      token,
      body: {
        type: 'individual',
        name: '陈静',
        individual: {
          residentId: residentId('1990-04-01', 'female'),
          mobile: mobile(),
          occupation: 'Accountant',
          employer: '上海银行',
          monthlyIncome: '30000.00',
        },
      },
    });
    expect(customer.status).toBe(201);
    expect(customer.body.branchId).toBe('SH001');

    const created = await api(system.baseUrl, 'POST', '/api/v1/applications', {
      token,
      body: {
        customerId: customer.body.id,
        productCode: 'PERSONAL_CONSUMER',
        amount: '120000.00',
        termMonths: 36,
        repaymentMethod: 'equal_installments',
        purpose: 'Wedding expenses',
        existingMonthlyDebtPayments: '1500.00',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.status).toBe('draft');

    const submitted = await api(
      system.baseUrl,
      'POST',
      `/api/v1/applications/${created.body.id as string}/submit`,
      {
        token,
        headers: { traceparent },
      },
    );
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('submitted');
    expect(submitted.headers.get('x-trace-id')).toBe(traceId);
    const assessment = submitted.body.preAssessment as {
      opinion: string;
      score: number;
      results: unknown[];
    };
    expect(assessment.opinion).toBe('recommend');
    expect(assessment.results.length).toBeGreaterThan(0);

    const deadline = Date.now() + 15000;
    let event: BusMessage | undefined;
    while (!event && Date.now() < deadline) {
      event = received.find((m) => decodeEnvelope(m.data).subjectId === created.body.id);
      if (!event) await new Promise((r) => setTimeout(r, 50));
    }
    expect(event).toBeDefined();
    const envelope = decodeEnvelope(event!.data);
    expect(envelope.type).toBe('applications.application.submitted');
    expect(event!.headers['Nats-Msg-Id']).toBe(envelope.id);
    expect(event!.headers.traceparent?.split('-')[1]).toBe(traceId);
    expect(envelope.data).toMatchObject({
      applicationId: created.body.id,
      customerId: customer.body.id,
      customerType: 'CUSTOMER_TYPE_INDIVIDUAL',
      productCode: 'PERSONAL_CONSUMER',
      branchId: 'SH001',
      amount: '120000.00',
      initialOpinion: 'OPINION_RECOMMEND',
    });
  });
});
