import { randomUUID } from 'node:crypto';
import type { Principal } from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

// The approval-efficiency report reads cycle times in working days from the workflow's events:
// each completed or sent-back step, and the whole process from its start. Office hours are
// 09:00–18:00 (nine hours make a working day) on the bank's working days.

const market = staff('mkt-1', ['market_specialist']);
const groupLeader = staff('gl-1', ['group_leader']);
const accountManager = staff('am-1', ['account_manager']);

describe('workflow events carry cycle times in working days', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    h?.setClock(undefined);
    await h?.close();
  });

  const openTaskAt = (applicationId: string, step: string) =>
    waitFor(`${step} of ${applicationId}`, async () => {
      const { tasks } = await h.client.listTasks(
        workflowV1.ListTasksRequest.fromPartial({
          scope: 'all',
          state: 'open',
          applicationId,
          pageSize: 100,
        }),
        h.as(staff('audit-1', ['auditor'], 'HQ')),
      );
      return tasks.find((t) => t.step === step);
    });
  const act = (who: Principal, taskId: string, action: string, more = {}) =>
    h.client.actOnTask(
      workflowV1.ActOnTaskRequest.fromPartial({
        taskId,
        action,
        idempotencyKey: randomUUID(),
        ...more,
      }),
      h.as(who),
    );
  const eventOf = (type: string, subjectId: string) =>
    waitFor(`${type} of ${subjectId}`, async () =>
      h.events.find((e) => e.type === type && e.subjectId === subjectId),
    );

  it('a step completed, a step sent back and a withdrawn process, each timed from its start', async () => {
    // Monday 9 March 2026, 10:00 in Shanghai: the application arrives.
    h.setClock(new Date('2026-03-09T10:00:00+08:00'));
    const id = await h.submit();
    const routing = await openTaskAt(id, 'market_routing');

    // Tuesday 14:30: routed. Monday 10:00–18:00 and Tuesday 09:00–14:30 are 13.5 hours: 1.50 days.
    h.setClock(new Date('2026-03-10T14:30:00+08:00'));
    await act(market, routing.id, 'complete', { outcome: 'approve' });
    expect((await eventOf('workflow.task.completed', routing.id)).data).toMatchObject({
      actor: 'mkt-1',
      outcome: 'approve',
      workingDays: '1.50',
    });
    const { rows } = await h.db.query<{ working_days: string }>(
      'SELECT working_days::text AS working_days FROM step_durations WHERE task_id = $1',
      [routing.id],
    );
    expect(rows).toEqual([{ working_days: '1.50' }]);

    // Tuesday 16:00: the group leader sends it back after 1.5 hours: 0.17 days.
    const assignment = await openTaskAt(id, 'credit_officer_assignment');
    h.setClock(new Date('2026-03-10T16:00:00+08:00'));
    await act(groupLeader, assignment.id, 'send-back', {
      targetElementId: 'Task_MarketRouting',
      reason: 'wrong product line',
    });
    expect((await eventOf('workflow.task.sent-back', assignment.id)).data).toMatchObject({
      actor: 'gl-1',
      targetElementId: 'Task_MarketRouting',
      workingDays: '0.17',
    });

    // Wednesday 12:00: withdrawn. Monday 8 hours, Tuesday 9, Wednesday 3: 20 hours, 2.22 days.
    h.setClock(new Date('2026-03-11T12:00:00+08:00'));
    const { instance } = await h.client.getInstance({ id: '', businessKey: id }, h.as(market));
    await h.client.terminateProcess(
      {
        applicationId: id,
        cause: 'withdrawn',
        reason: 'customer changed their mind',
        idempotencyKey: randomUUID(),
      },
      h.as(accountManager),
    );
    const terminated = await eventOf('workflow.process.terminated', instance!.id);
    expect(terminated.data).toMatchObject({
      businessKey: id,
      cause: 'withdrawn',
      startedAt: '2026-03-09T02:00:00.000Z',
      at: '2026-03-11T04:00:00.000Z',
      workingDays: '2.22',
    });
    // Told once.
    expect(
      h.events.filter(
        (e) => e.type === 'workflow.process.terminated' && e.subjectId === instance!.id,
      ),
    ).toHaveLength(1);
  });

  it('a task event other than completed or sent back carries no working days', async () => {
    h.setClock(new Date('2026-03-12T10:00:00+08:00'));
    const id = await h.submit();
    const routing = await openTaskAt(id, 'market_routing');
    const created = await eventOf('workflow.task.created', routing.id);
    expect(created.data).not.toHaveProperty('workingDays');
  });
});
