import { randomUUID } from 'node:crypto';
import { createLogger, JetStreamBus } from '@loanflow/platform';
import { applicationsV1, workflowEventsV1 } from '@loanflow/proto';
import {
  consumerDraft,
  countRows,
  createIndividual,
  sleep,
  startHarness,
  type Harness,
} from './harness';

/** The workflow's decision reaches the application through JetStream (process.completed). */
describe('applications service: approval decisions', () => {
  let h: Harness;
  let bus: JetStreamBus;

  beforeAll(async () => {
    h = await startHarness();
    bus = await JetStreamBus.connect({
      url: h.config.NATS_URL,
      name: 'decisions-test',
      log: createLogger('t', 'silent'),
    });
  });
  afterAll(async () => {
    await bus?.close();
    await h?.close();
  });

  async function submitted(): Promise<string> {
    const { customer } = await createIndividual(h);
    const { application } = await h.client.createApplication(
      { draft: consumerDraft(customer!.id) },
      h.as('shManager'),
    );
    await h.client.submitApplication({ id: application!.id }, h.as('shManager'));
    return application!.id;
  }

  /** Publishes a process.completed envelope; `msgId` differs per call to mimic a redelivery. */
  async function completed(
    eventId: string,
    data: Partial<workflowEventsV1.ProcessCompleted>,
  ): Promise<void> {
    const envelope = {
      id: eventId,
      type: 'workflow.process.completed',
      schemaVersion: 1,
      source: 'workflow',
      subjectId: data.instanceId ?? 'i-1',
      occurredAt: new Date().toISOString(),
      data: workflowEventsV1.ProcessCompleted.toJSON(
        workflowEventsV1.ProcessCompleted.fromPartial(data),
      ),
    };
    await bus.publish(
      'loanflow.workflow.process.completed',
      Buffer.from(JSON.stringify(envelope)),
      { msgId: randomUUID() },
    );
  }

  async function statusOf(id: string, wanted: applicationsV1.ApplicationStatus) {
    for (let i = 0; i < 100; i++) {
      const { application } = await h.client.getApplication({ id }, h.as('shManager'));
      if (application!.status === wanted) return application!;
      await sleep(50);
    }
    throw new Error(`application ${id} never became ${wanted}`);
  }

  it('records an approval with the approved terms, once even when the event comes twice', async () => {
    const id = await submitted();
    const eventId = randomUUID();
    const decision = {
      instanceId: randomUUID(),
      businessKey: id,
      decision: 'approved',
      approvedAmount: '90000.00',
      approvedRatePercent: '3.85',
      approvedTermMonths: 24,
      at: '2026-11-28T08:00:00.000Z',
    };
    await completed(eventId, decision);
    await completed(eventId, decision);
    const app = await statusOf(id, applicationsV1.ApplicationStatus.APPLICATION_STATUS_APPROVED);
    expect(app.approvedAmount).toBe('90000.00');
    expect(app.approvedRatePercent).toBe('3.8500');
    expect(app.approvedTermMonths).toBe(24);
    expect(app.decidedAt).toBe('2026-11-28T08:00:00.000Z');
    await sleep(300);
    expect(await countRows(h, 'inbox', 'event_id = $1', [eventId])).toBe(1);
    const again = await h.client.getApplication({ id }, h.as('shManager'));
    expect(again.application!.version).toBe(app.version);
  });

  it('records a rejection, and leaves drafts and withdrawn applications alone', async () => {
    const id = await submitted();
    await completed(randomUUID(), {
      instanceId: randomUUID(),
      businessKey: id,
      decision: 'rejected',
    });
    const app = await statusOf(id, applicationsV1.ApplicationStatus.APPLICATION_STATUS_REJECTED);
    expect(app.approvedAmount).toBe('');

    const { customer } = await createIndividual(h);
    const { application: draft } = await h.client.createApplication(
      { draft: consumerDraft(customer!.id) },
      h.as('shManager'),
    );
    const eventId = randomUUID();
    await completed(eventId, {
      instanceId: randomUUID(),
      businessKey: draft!.id,
      decision: 'approved',
      approvedAmount: '1.00',
    });
    for (let i = 0; i < 100 && (await countRows(h, 'inbox', 'event_id = $1', [eventId])) === 0; i++)
      await sleep(50);
    expect(await countRows(h, 'inbox', 'event_id = $1', [eventId])).toBe(1);
    const still = await h.client.getApplication({ id: draft!.id }, h.as('shManager'));
    expect(still.application!.status).toBe(
      applicationsV1.ApplicationStatus.APPLICATION_STATUS_DRAFT,
    );
  });
});
