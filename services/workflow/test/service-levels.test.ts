import { randomUUID } from 'node:crypto';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

const market = staff('mkt-1', ['market_specialist']);
const groupLeader = staff('gl-1', ['group_leader']);

describe('workflow: due dates, reminders, overdue notices and timers', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const openTask = (applicationId: string, step: string) =>
    waitFor(`${step} task`, async () => {
      const { rows } = await h.db.query<{ id: string; due_at: Date | null }>(
        "SELECT id, due_at FROM tasks WHERE business_key = $1 AND step = $2 AND state = 'open'",
        [applicationId, step],
      );
      return rows[0];
    });
  const eventsOf = (type: string, taskId: string) =>
    h.events.filter((e) => e.type === type && e.subjectId === taskId);

  it('gives steps a working-day due date, reminds before it and reports overdue once', async () => {
    const id = await h.submit();
    const task = await openTask(id, 'market_routing');
    expect(task.due_at).toBeInstanceOf(Date);
    expect(task.due_at!.getTime()).toBeGreaterThan(Date.now());

    await h.db.query("UPDATE tasks SET due_at = now() + interval '1 minute' WHERE id = $1", [
      task.id,
    ]);
    await h.service.fireDueTimers();
    await h.service.flushOutbox();
    await waitFor('reminder', async () => eventsOf('workflow.task.reminder', task.id)[0]);

    await h.db.query("UPDATE tasks SET due_at = now() - interval '1 minute' WHERE id = $1", [
      task.id,
    ]);
    await h.service.fireDueTimers();
    await h.service.fireDueTimers();
    await h.service.flushOutbox();
    const overdue = await waitFor(
      'overdue',
      async () => eventsOf('workflow.task.overdue', task.id)[0],
    );
    expect((overdue.data as { task: { overdue: boolean } }).task.overdue).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(eventsOf('workflow.task.overdue', task.id)).toHaveLength(1);
    expect(eventsOf('workflow.task.reminder', task.id)).toHaveLength(1);

    const { tasks } = await h.client.listTasks(
      workflowV1.ListTasksRequest.fromPartial({ scope: 'group', overdueOnly: true, pageSize: 100 }),
      h.as(market),
    );
    expect(tasks.find((t) => t.id === task.id)?.overdue).toBe(true);
  });

  it('records how long each step took in working days, on the China calendar', async () => {
    try {
      // Friday 26 September 2025, 17:00 in Shanghai; done on Sunday the 28th, a working day
      // (调休), at 10:00: one working hour each day.
      h.setClock(new Date('2025-09-26T17:00:00+08:00'));
      const id = await h.submit();
      const task = await openTask(id, 'market_routing');
      h.setClock(new Date('2025-09-28T10:00:00+08:00'));
      await h.client.actOnTask(
        workflowV1.ActOnTaskRequest.fromPartial({
          taskId: task.id,
          action: 'complete',
          idempotencyKey: randomUUID(),
          outcome: 'approve',
        }),
        h.as(market),
      );
      const { rows } = await h.db.query<{ working_days: string; outcome: string }>(
        'SELECT working_days, outcome FROM step_durations WHERE task_id = $1',
        [task.id],
      );
      expect(rows).toEqual([{ working_days: '0.22', outcome: 'approve' }]);
    } finally {
      h.setClock(undefined);
    }
  });

  it('fires a due boundary timer once, with a reminder for the investigation', async () => {
    const id = await h.submit();
    const act = async (
      who: typeof market,
      step: string,
      formData: Record<string, unknown> = {},
    ) => {
      const t = await openTask(id, step);
      await h.client.actOnTask(
        workflowV1.ActOnTaskRequest.fromPartial({
          taskId: t.id,
          action: 'complete',
          idempotencyKey: randomUUID(),
          outcome: 'approve',
          formData,
        }),
        h.as(who),
      );
    };
    await act(market, 'market_routing');
    await act(groupLeader, 'credit_officer_assignment', { creditOfficer: 'co-9' });
    const investigation = await openTask(id, 'investigation');
    const { rows } = await h.db.query<{ id: string }>(
      'SELECT id FROM timers WHERE instance_id = (SELECT id FROM process_instances WHERE business_key = $1) AND fired_at IS NULL',
      [id],
    );
    expect(rows).toHaveLength(1);
    await h.db.query("UPDATE timers SET due_at = now() - interval '1 second' WHERE id = $1", [
      rows[0]!.id,
    ]);
    // Two days and a bit later: the engine fires the timer only once it is really due.
    h.setClock(new Date(Date.now() + 2 * 24 * 3600 * 1000 + 60000));
    await Promise.all([h.service.fireDueTimers(), h.service.fireDueTimers()]);
    await h.service.fireDueTimers();
    h.setClock(undefined);
    await h.service.flushOutbox();
    await waitFor('timer reminder', async () =>
      eventsOf('workflow.task.reminder', investigation.id).find((e) =>
        JSON.stringify(e.data).includes('Timer_InvestigationReminder'),
      ),
    );
    const fired = await h.db.query(
      'SELECT count(*)::int AS n FROM timers WHERE id = $1 AND fired_at IS NOT NULL',
      [rows[0]!.id],
    );
    expect(fired.rows[0].n).toBe(1);
    // Non-interrupting: the investigation is still open, and the reminder job was handed out.
    expect((await openTask(id, 'investigation')).id).toBe(investigation.id);
    const job = await waitFor('job', async () =>
      h.events.find(
        (e) => e.type === 'workflow.job.created' && JSON.stringify(e.data).includes(id),
      ),
    );
    const jobId = (job.data as { jobId: string }).jobId;

    // A worker reports the job done on NATS, twice (at-least-once): the branch ends once.
    for (let i = 0; i < 2; i++) {
      const envelope = {
        id: 'ab5f0b0e-0000-4000-8000-00000000000' + i,
        type: 'notifications.job.completed',
        schemaVersion: 1,
        source: 'notifications',
        subjectId: jobId,
        occurredAt: new Date().toISOString(),
        data: { jobId, variables: { reminderSentAt: 'now' } },
      };
      await h.bus.publish(
        'loanflow.notifications.job.completed',
        Buffer.from(JSON.stringify(envelope)),
        { msgId: randomUUID() },
      );
    }
    const done = await waitFor('job completed', async () => {
      const { rows: jobs } = await h.db.query<{ completed_at: Date | null }>(
        'SELECT completed_at FROM jobs WHERE id = $1',
        [jobId],
      );
      return jobs[0]?.completed_at ?? undefined;
    });
    expect(done).toBeInstanceOf(Date);
    const { instance } = await h.client.getInstance({ id: '', businessKey: id }, h.as(market));
    expect(instance!.activeElementIds).toEqual(['Task_Investigation']);
    expect(instance!.variables).toMatchObject({ reminderSentAt: 'now' });
    await new Promise((r) => setTimeout(r, 300));
    const again = await h.client.getInstance({ id: '', businessKey: id }, h.as(market));
    expect(again.instance!.history.filter((e) => e.action === 'jobCompleted')).toHaveLength(1);
  });
});
