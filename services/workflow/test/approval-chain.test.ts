import { randomUUID } from 'node:crypto';
import type { DomainError, Principal } from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

const market = staff('mkt-1', ['market_specialist']);
const groupLeader = staff('gl-1', ['group_leader']);
const creditOfficer = staff('co-1', ['credit_officer']);
const reviewer = staff('rev-1', ['pre_meeting_reviewer'], 'HQ');
const members = ['cm-1', 'cm-2', 'cm-3'].map((id) => staff(id, ['committee_member'], 'HQ'));
const risk = staff('risk-1', ['risk_manager'], 'HQ');
const finalApprover = staff('fa-1', ['final_approver'], 'HQ');

describe('workflow: the credit approval chain over gRPC', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  /** The open task of this application at `step` that `who` sees (assigned or in their queue). */
  const taskAt = (who: Principal, applicationId: string, step: string) =>
    waitFor(`${step} task for ${who.userId}`, async () => {
      for (const scope of ['mine', 'group']) {
        const { tasks } = await h.client.listTasks(
          workflowV1.ListTasksRequest.fromPartial({ scope, step, pageSize: 100 }),
          h.as(who),
        );
        const task = tasks.find((t) => t.businessKey === applicationId);
        if (task) return task;
      }
      return undefined;
    });

  const act = (
    who: Principal,
    task: workflowV1.Task,
    action: string,
    more: Partial<workflowV1.ActOnTaskRequest> = {},
  ) =>
    h.client.actOnTask(
      {
        taskId: task.id,
        action,
        idempotencyKey: randomUUID(),
        outcome: '',
        opinion: '',
        formData: undefined,
        targetElementId: '',
        userId: '',
        position: '',
        reason: '',
        ...more,
      },
      h.as(who),
    );

  const approve = (who: Principal, task: workflowV1.Task, formData: Record<string, unknown> = {}) =>
    act(who, task, 'complete', { outcome: 'approve', opinion: 'agreed', formData });

  async function untilInvestigationDone(applicationId: string) {
    await approve(market, await taskAt(market, applicationId, 'market_routing'));
    await approve(
      groupLeader,
      await taskAt(groupLeader, applicationId, 'credit_officer_assignment'),
      { creditOfficer: 'co-1' },
    );
    const investigation = await taskAt(creditOfficer, applicationId, 'investigation');
    expect(investigation.assignee).toBe('co-1');
    await approve(creditOfficer, investigation, {
      opinion: 'recommend',
      recommendedAmount: '750000.00',
      recommendedRatePercent: '3.8500',
      recommendedTermMonths: 36,
    });
  }

  it('starts one instance per application however often application.submitted arrives', async () => {
    const id = randomUUID();
    const eventId = randomUUID();
    await h.publishSubmitted(id, eventId);
    await h.publishSubmitted(id, eventId);
    await h.publishSubmitted(id, randomUUID());
    const { instance } = await waitFor('instance', () =>
      h.client.getInstance({ id: '', businessKey: id }, h.as(market)).catch(() => undefined),
    );
    expect(instance!.activeElementIds).toEqual(['Task_MarketRouting']);
    await new Promise((r) => setTimeout(r, 500));
    const { rows } = await h.db.query(
      'SELECT count(*)::int AS n FROM process_instances WHERE business_key = $1',
      [id],
    );
    expect(rows[0].n).toBe(1);
    const { rows: tasks } = await h.db.query(
      "SELECT count(*)::int AS n FROM tasks WHERE business_key = $1 AND state = 'open'",
      [id],
    );
    expect(tasks[0].n).toBe(1);
  });

  it('runs to approval with a send-back from the committee and a split vote, and emits process.completed', async () => {
    const id = await h.submit();
    await untilInvestigationDone(id);

    // 审贷分离: the investigating officer may not act on the approval steps, whatever their roles.
    const review = await taskAt(reviewer, id, 'pre_meeting_review');
    const investigatorAsReviewer = staff('co-1', ['pre_meeting_reviewer'], 'HQ');
    await expect(approve(investigatorAsReviewer, review)).rejects.toMatchObject({
      code: 'permission_denied',
    });

    const committee = {
      committeeMembers: members.map((m) => m.userId),
      committeeMeetingAt: '2026-12-01T10:00:00+08:00',
    };
    await approve(reviewer, review, committee);

    // The committee sends it back to the investigation; it returns to the same credit officer.
    const vote1 = await taskAt(members[0]!, id, 'committee_vote');
    await approve(members[0]!, vote1);
    const vote2 = await taskAt(members[1]!, id, 'committee_vote');
    const back = await act(members[1]!, vote2, 'send-back', {
      targetElementId: 'Task_Investigation',
      reason: 'collateral valuation missing',
    });
    expect(back.nextTasks.map((t) => [t.elementId, t.assignee])).toEqual([
      ['Task_Investigation', 'co-1'],
    ]);
    const { instance: afterBack } = await h.client.getInstance(
      { id: '', businessKey: id },
      h.as(reviewer),
    );
    expect(afterBack!.activeElementIds).toEqual(['Task_Investigation']);
    expect(
      afterBack!.history.some((e) => e.action === 'sentBack' && e.opinion.includes('collateral')),
    ).toBe(true);

    await approve(creditOfficer, await taskAt(creditOfficer, id, 'investigation'), {
      opinion: 'recommend',
      recommendedAmount: '700000.00',
      recommendedRatePercent: '3.8500',
      recommendedTermMonths: 36,
    });
    await approve(reviewer, await taskAt(reviewer, id, 'pre_meeting_review'), committee);

    // Split vote: one rejects, two approve: two thirds carry it.
    await act(members[0]!, await taskAt(members[0]!, id, 'committee_vote'), 'complete', {
      outcome: 'reject',
      opinion: 'too concentrated',
    });
    await approve(members[1]!, await taskAt(members[1]!, id, 'committee_vote'));
    await approve(members[2]!, await taskAt(members[2]!, id, 'committee_vote'));

    await approve(risk, await taskAt(risk, id, 'risk_assessment'), { riskOpinion: 'acceptable' });
    await approve(finalApprover, await taskAt(finalApprover, id, 'final_approval'), {
      approvedAmount: '700000.00',
      approvedRatePercent: '3.8500',
      approvedTermMonths: 36,
    });

    const { instance } = await h.client.getInstance(
      { id: '', businessKey: id },
      h.as(finalApprover),
    );
    // The approved end is a terminate end event (it also ends the reminder branch): 'terminated'.
    expect(instance!.status).toBe('terminated');
    expect(instance!.activeElementIds).toEqual([]);
    expect(instance!.endedAt).not.toBe('');
    // Cycle time of every completed step, the investigation twice (it was sent back once).
    const { rows: durations } = await h.db.query<{ step: string; n: number }>(
      'SELECT step, count(*)::int AS n FROM step_durations WHERE instance_id = $1 GROUP BY step',
      [instance!.id],
    );
    expect(Object.fromEntries(durations.map((d) => [d.step, d.n]))).toMatchObject({
      market_routing: 1,
      investigation: 2,
      final_approval: 1,
    });
    const completed = await waitFor('process.completed', async () =>
      h.events.find(
        (e) =>
          e.type === 'workflow.process.completed' &&
          (e.data as { businessKey: string }).businessKey === id,
      ),
    );
    expect(completed.data).toMatchObject({
      decision: 'approved',
      approvedAmount: '700000.00',
      approvedRatePercent: '3.8500',
      approvedTermMonths: 36,
      // From the application's submission, in working days (the efficiency report's figure).
      startedAt: instance!.startedAt,
      workingDays: expect.stringMatching(/^\d+\.\d\d$/),
    });
    const types = new Set(
      h.events
        .filter((e) => e.subjectId === instance!.id || JSON.stringify(e.data).includes(id))
        .map((e) => e.type),
    );
    for (const t of [
      'workflow.process.started',
      'workflow.task.created',
      'workflow.task.completed',
      'workflow.task.sent-back',
    ])
      expect(types).toContain(t);
  });

  it('hands new work of someone away today to their proxy (委托)', async () => {
    const away = staff('co-2', ['credit_officer']);
    // The service's clock on a chosen day: "today" cannot turn into tomorrow halfway through.
    const today = '2026-03-10';
    h.setClock(new Date('2026-03-10T10:00:00+08:00'));
    try {
      const { tasksHandedOver } = await h.client.setProxy(
        { userId: '', proxyUserId: 'co-3', fromDate: today, toDate: today },
        h.as(away),
      );
      expect(tasksHandedOver).toBe(0);
      const id = await h.submit();
      await approve(market, await taskAt(market, id, 'market_routing'));
      await approve(groupLeader, await taskAt(groupLeader, id, 'credit_officer_assignment'), {
        creditOfficer: 'co-2',
      });
      const investigation = await taskAt(staff('co-3', ['credit_officer']), id, 'investigation');
      expect(investigation.assignee).toBe('co-3');
      const { instance } = await h.client.getInstance(
        { id: '', businessKey: id },
        h.as(groupLeader),
      );
      expect(instance!.history.some((e) => e.action === 'transferred' && e.actor === 'co-2')).toBe(
        true,
      );
      await expect(
        h.client.setProxy(
          { userId: '', proxyUserId: 'co-2', fromDate: today, toDate: today },
          h.as(away),
        ),
      ).rejects.toMatchObject({ code: 'invalid_argument' });
    } finally {
      h.setClock(undefined);
    }
  });

  it('lets exactly one of 50 concurrent completions of a task win', async () => {
    const id = await h.submit();
    const task = await taskAt(market, id, 'market_routing');
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        approve(market, task).then(
          () => 'ok',
          (err: DomainError) => err.code,
        ),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'failed_precondition')).toBe(true);
    const { rows } = await h.db.query(
      "SELECT count(*)::int AS n FROM tasks WHERE business_key = $1 AND step = 'credit_officer_assignment'",
      [id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('with two replicas, a command runs on the state the other replica wrote, never over it', async () => {
    const other = await h.replica();
    try {
      const id = await h.submit();
      // This replica completes market routing and keeps the instance as it wrote it ...
      await approve(market, await taskAt(market, id, 'market_routing'));
      const assignment = await taskAt(groupLeader, id, 'credit_officer_assignment');
      // ... the other replica moves it on.
      await other.client.actOnTask(
        workflowV1.ActOnTaskRequest.fromPartial({
          taskId: assignment.id,
          action: 'complete',
          idempotencyKey: randomUUID(),
          outcome: 'approve',
          formData: { creditOfficer: 'co-1' },
        }),
        h.as(groupLeader),
      );
      // Urging the assignment is valid on what this replica remembers, but the write is refused
      // by the revision guard and the command runs again on the real state: the task is done.
      await expect(act(groupLeader, assignment, 'urge')).rejects.toMatchObject({
        code: 'failed_precondition',
      });
      // A step this replica has not seen yet goes through on the real state.
      const investigation = await taskAt(creditOfficer, id, 'investigation');
      const done = await approve(creditOfficer, investigation, {
        opinion: 'recommend',
        recommendedAmount: '750000.00',
        recommendedRatePercent: '3.8500',
        recommendedTermMonths: 36,
      });
      expect(done.nextTasks.map((t) => t.step)).toEqual(['pre_meeting_review']);
      const { instance } = await h.client.getInstance({ id: '', businessKey: id }, h.as(market));
      expect(
        instance!.history.filter((e) => e.action === 'completed').map((e) => e.elementId),
      ).toEqual(['Task_MarketRouting', 'Task_AssignPersonal', 'Task_Investigation']);
      const { rows } = await h.db.query<{ revision: number }>(
        'SELECT revision FROM process_instances WHERE business_key = $1',
        [id],
      );
      expect(rows[0]!.revision).toBe(4);
    } finally {
      await other.stop();
    }
  });

  it('replays a retried command with the same idempotency key and refuses the key for another command', async () => {
    const id = await h.submit();
    const task = await taskAt(market, id, 'market_routing');
    const key = randomUUID();
    const request = {
      taskId: task.id,
      action: 'complete',
      idempotencyKey: key,
      outcome: 'approve',
      opinion: 'ok',
      formData: undefined,
      targetElementId: '',
      userId: '',
      position: '',
      reason: '',
    };
    const first = await h.client.actOnTask(request, h.as(market));
    const again = await h.client.actOnTask(request, h.as(market));
    expect(again).toEqual(first);
    await expect(
      h.client.actOnTask({ ...request, opinion: 'changed my mind' }, h.as(market)),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses the wrong user, an unknown task and a send-back to a step never visited', async () => {
    const id = await h.submit();
    const task = await taskAt(market, id, 'market_routing');
    await expect(approve(groupLeader, task)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(
      approve(market, { ...task, id: `${task.instanceId}:task-999` }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      act(market, task, 'send-back', { targetElementId: 'Task_FinalApproval', reason: 'x' }),
    ).rejects.toMatchObject({ code: 'failed_precondition' });
    await expect(act(market, task, 'complete', { outcome: 'maybe' })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
