import { randomUUID } from 'node:crypto';
import { UndecodableEvent, type EventEnvelope, type PoolClient } from '@loanflow/platform';
import type { WorkflowDeps } from '../app/instances';
import { onApplicationEnding, onApplicationSubmitted, onJobCompleted } from './event-handlers';

// Events that do not decode are refused before anything is read or written: the dependencies
// given here are not there at all, so any use of them would fail the test with another error.
const deps = undefined as unknown as WorkflowDeps;
const tx = undefined as unknown as PoolClient;

const envelope = (type: string, data: unknown, subjectId = ''): EventEnvelope =>
  ({
    id: randomUUID(),
    type,
    schemaVersion: 1,
    source: 'test',
    subjectId,
    occurredAt: '2025-03-03T09:00:00.000Z',
    data,
  }) as EventEnvelope;

async function refusal(promise: Promise<unknown>): Promise<UndecodableEvent> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(UndecodableEvent);
  return error as UndecodableEvent;
}

describe('events workflow consumes are decoded with their proto messages', () => {
  it('parks an application.submitted without the fields a process needs', async () => {
    const event = envelope('applications.application.submitted', {
      applicationId: randomUUID(),
      amount: '800000.00',
    });
    expect((await refusal(onApplicationSubmitted(deps, tx, event))).reason).toBe(
      'applications.application.submitted: missing customerId, productCode, branchId, submittedBy',
    );
  });

  it('parks an event whose data is not an object', async () => {
    const event = envelope('applications.application.submitted', 'submitted!');
    expect((await refusal(onApplicationSubmitted(deps, tx, event))).reason).toBe(
      'applications.application.submitted: data must be a JSON object',
    );
  });

  it('parks an ending that names no application', async () => {
    const event = envelope('applications.application.withdrawn', { reason: 'changed mind' });
    expect((await refusal(onApplicationEnding(deps, tx, event, 'withdrawn'))).reason).toBe(
      `applications.application.withdrawn ${event.id} names no application`,
    );
  });

  it('parks a job.completed without a job id or with variables that are not an object', async () => {
    const noJob = envelope('notifications.job.completed', { variables: {} });
    expect((await refusal(onJobCompleted(deps, tx, noJob))).reason).toBe(
      'notifications.job.completed: missing jobId',
    );
    const badVariables = envelope('notifications.job.completed', {
      jobId: `${randomUUID()}:job-1`,
      variables: ['not', 'an', 'object'],
    });
    expect((await refusal(onJobCompleted(deps, tx, badVariables))).reason).toBe(
      `notifications.job.completed ${badVariables.id}: variables must be a JSON object`,
    );
  });
});
