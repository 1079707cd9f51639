import { randomUUID } from 'node:crypto';
import type { DomainError } from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

const market = staff('mkt-gate', ['market_specialist']);

/**
 * 资料齐全: the workflow asks the documents service for the step's checklist on every approval
 * (the gate is required configuration, so there is no deployment without it).
 */
describe('workflow: the documents gate', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const complete = (task: workflowV1.Task) =>
    h.client.actOnTask(
      workflowV1.ActOnTaskRequest.fromPartial({
        taskId: task.id,
        action: 'complete',
        idempotencyKey: randomUUID(),
        outcome: 'approve',
        opinion: 'agreed',
      }),
      h.as(market),
    );

  it('refuses to approve a step while its checklist lists missing documents, then lets it through', async () => {
    const applicationId = await h.submit();
    const task = await waitFor('the market routing task', async () => {
      const { tasks } = await h.client.listTasks(
        workflowV1.ListTasksRequest.fromPartial({
          scope: 'group',
          step: 'market_routing',
          pageSize: 100,
        }),
        h.as(market),
      );
      return tasks.find((t) => t.businessKey === applicationId);
    });
    h.documents.missing.set(`${applicationId}/market_routing`, ['bank_statement', 'income_proof']);

    // Someone who may not act on the step learns nothing of its papers: refused as a stranger.
    const stranger = staff('reviewer-gate', ['pre_meeting_reviewer']);
    const asked = h.documents.asked.length;
    const notYours = (await h.client
      .actOnTask(
        workflowV1.ActOnTaskRequest.fromPartial({
          taskId: task.id,
          action: 'complete',
          idempotencyKey: randomUUID(),
          outcome: 'approve',
          opinion: 'agreed',
        }),
        h.as(stranger),
      )
      .catch((e: unknown) => e)) as DomainError;
    expect(notYours.code).toBe('permission_denied');
    expect(notYours.message).not.toMatch(/bank_statement|documents/);
    expect(h.documents.asked.length).toBe(asked);

    const refused = (await complete(task).catch((e: unknown) => e)) as DomainError;
    expect(refused.code).toBe('failed_precondition');
    expect(refused.message).toBe(
      'documents required for market_routing are missing: bank_statement, income_proof',
    );
    expect(h.documents.asked).toContain(`${applicationId}/market_routing`);

    h.documents.missing.delete(`${applicationId}/market_routing`);
    const done = await complete(task);
    expect(done.task!.state).toBe('completed');
  });
});
