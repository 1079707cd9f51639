import { randomUUID } from 'node:crypto';
import type { Principal } from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

// Issue 9: a withdrawn, declined or expired application ends its process at once; the people
// named in commands are real users with a role the step allows; every step serves its form.

const accountManager = staff('am-1', ['account_manager']);
const market = staff('mkt-1', ['market_specialist']);
const groupLeader = staff('gl-1', ['group_leader']);
const creditOfficer = staff('co-1', ['credit_officer']);
const reviewer = staff('rev-1', ['pre_meeting_reviewer'], 'HQ');
const member = staff('cm-1', ['committee_member'], 'HQ');

const INVESTIGATION = {
  opinion: 'recommend',
  recommendedAmount: '800000.00',
  recommendedRatePercent: '3.8500',
  recommendedTermMonths: 36,
};

describe('workflow seams over gRPC', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const tasksOf = async (applicationId: string, state = 'open') =>
    (
      await h.client.listTasks(
        workflowV1.ListTasksRequest.fromPartial({
          scope: 'all',
          state,
          applicationId,
          pageSize: 100,
        }),
        h.as(staff('audit-1', ['auditor'], 'HQ')),
      )
    ).tasks;

  const openTaskAt = (applicationId: string, step: string) =>
    waitFor(`${step} of ${applicationId}`, async () =>
      (await tasksOf(applicationId)).find((t) => t.step === step),
    );

  const act = (
    who: Principal,
    taskId: string,
    action: string,
    more: Partial<workflowV1.ActOnTaskRequest> = {},
  ) =>
    h.client.actOnTask(
      workflowV1.ActOnTaskRequest.fromPartial({
        taskId,
        action,
        idempotencyKey: randomUUID(),
        ...more,
      }),
      h.as(who),
    );
  const approve = (who: Principal, taskId: string, formData: Record<string, unknown> = {}) =>
    act(who, taskId, 'complete', { outcome: 'approve', formData });

  const instanceOf = async (applicationId: string) =>
    (await h.client.getInstance({ id: '', businessKey: applicationId }, h.as(reviewer))).instance!;

  async function untilInvestigation(applicationId: string) {
    await approve(market, (await openTaskAt(applicationId, 'market_routing')).id);
    await approve(groupLeader, (await openTaskAt(applicationId, 'credit_officer_assignment')).id, {
      creditOfficer: 'co-1',
    });
    return openTaskAt(applicationId, 'investigation');
  }

  const revisionOf = async (applicationId: string) =>
    (
      await h.db.query<{ revision: number }>(
        'SELECT revision FROM process_instances WHERE business_key = $1',
        [applicationId],
      )
    ).rows[0]!.revision;

  describe('a withdrawn, declined or expired application ends its process', () => {
    it('withdrawn at the first step (event): no open task for anyone, the instance says so, the old task is refused', async () => {
      const id = await h.submit({ customerName: '陈静' });
      const routing = await openTaskAt(id, 'market_routing');
      expect(routing.customerName).toBe('陈静');

      await h.publishApplicationEvent('withdrawn', id, {
        reason: 'customer changed their mind',
        withdrawnBy: 'am-1',
      });
      const instance = await waitFor('terminated', async () => {
        const i = await instanceOf(id);
        return i.status === 'terminated' ? i : undefined;
      });
      expect(instance.activeElementIds).toEqual([]);
      expect(instance.history.at(-1)).toMatchObject({
        actor: 'am-1',
        action: 'terminated',
        opinion: 'the application was withdrawn: customer changed their mind',
      });
      expect(await tasksOf(id)).toEqual([]);
      const [cancelled] = await tasksOf(id, 'cancelled');
      expect(cancelled).toMatchObject({
        id: routing.id,
        cancelReason: 'the application was withdrawn: customer changed their mind',
      });
      for (const scope of ['mine', 'group']) {
        const { tasks } = await h.client.listTasks(
          workflowV1.ListTasksRequest.fromPartial({ scope, applicationId: id }),
          h.as(market),
        );
        expect(tasks).toEqual([]);
      }
      await expect(approve(market, routing.id)).rejects.toMatchObject({
        code: 'failed_precondition',
        message:
          'the application was withdrawn (customer changed their mind): its approval process has ended',
      });
      const terminated = await waitFor('process.terminated', async () =>
        h.events.find(
          (e) => e.type === 'workflow.process.terminated' && e.subjectId === instance.id,
        ),
      );
      expect(terminated.data).toMatchObject({
        businessKey: id,
        cause: 'withdrawn',
        reason: 'customer changed their mind',
        actor: 'am-1',
        cancelledTaskIds: [routing.id],
      });
    });

    it('withdrawn in the middle while the investigation is claimed (TerminateProcess): nothing moves on, a retry answers the same', async () => {
      const id = await h.submit();
      const investigation = await untilInvestigation(id);
      expect(investigation.assignee).toBe('co-1');
      const request = {
        applicationId: id,
        cause: 'withdrawn',
        reason: 'found a cheaper loan',
        idempotencyKey: randomUUID(),
      };
      const first = await h.client.terminateProcess(request, h.as(accountManager));
      expect(first.terminated).toBe(true);
      expect(first.instance!.status).toBe('terminated');
      expect(await h.client.terminateProcess(request, h.as(accountManager))).toEqual(first);
      // Another request (the event, a second click) finds it ended and changes nothing.
      const again = await h.client.terminateProcess(
        { ...request, idempotencyKey: randomUUID() },
        h.as(accountManager),
      );
      expect(again.terminated).toBe(false);

      for (const [action, more] of [
        ['complete', { outcome: 'approve', formData: INVESTIGATION }],
        ['unclaim', {}],
        ['transfer', { userId: 'co-3' }],
        ['send-back', { targetElementId: 'Task_MarketRouting', reason: 'x' }],
      ] as const)
        await expect(act(creditOfficer, investigation.id, action, more)).rejects.toMatchObject({
          code: 'failed_precondition',
          message: expect.stringContaining('the application was withdrawn'),
        });
      expect(await tasksOf(id)).toEqual([]);
      const steps = (await tasksOf(id, 'cancelled')).map((t) => t.step);
      expect(steps).toEqual(['investigation']);
      const { rows } = await h.db.query(
        "SELECT count(*)::int AS n FROM tasks WHERE business_key = $1 AND step = 'pre_meeting_review'",
        [id],
      );
      expect(rows[0].n).toBe(0);
      // The reminder timer of the investigation went with it.
      const { rows: timers } = await h.db.query(
        'SELECT count(*)::int AS n FROM timers t JOIN process_instances i ON i.id = t.instance_id WHERE i.business_key = $1 AND t.cancelled_at IS NULL AND t.fired_at IS NULL',
        [id],
      );
      expect(timers[0].n).toBe(0);
      // GetTask says why, and offers nothing.
      const view = await h.client.getTask({ id: investigation.id }, h.as(creditOfficer));
      expect(view).toMatchObject({
        processStatus: 'terminated',
        allowedActions: [],
        terminationReason:
          'the application was withdrawn (found a cheaper loan): its approval process has ended',
      });
    });

    it('declined during the committee vote (event, redelivered): every voter task is cancelled once', async () => {
      const id = await h.submit();
      await approve(creditOfficer, (await untilInvestigation(id)).id, INVESTIGATION);
      await approve(reviewer, (await openTaskAt(id, 'pre_meeting_review')).id, {
        committeeMembers: ['cm-1', 'cm-2', 'cm-3'],
        committeeMeetingAt: '2026-12-01T10:00:00+08:00',
      });
      const vote = await waitFor('three voters', async () => {
        const open = await tasksOf(id);
        return open.length === 3 ? open : undefined;
      });
      const eventId = randomUUID();
      await h.publishApplicationEvent('declined', id, { reason: 'credit limit exceeded' }, eventId);
      await h.publishApplicationEvent('declined', id, { reason: 'credit limit exceeded' }, eventId);
      await waitFor('terminated', async () =>
        (await instanceOf(id)).status === 'terminated' ? true : undefined,
      );
      expect(await tasksOf(id)).toEqual([]);
      expect((await tasksOf(id, 'cancelled')).map((t) => t.id).sort()).toEqual(
        vote.map((t) => t.id).sort(),
      );
      await expect(approve(member, vote[0]!.id)).rejects.toMatchObject({
        code: 'failed_precondition',
        message:
          'the application was declined (credit limit exceeded): its approval process has ended',
      });
      const history = (await instanceOf(id)).history.filter((e) => e.action === 'terminated');
      expect(history).toEqual([
        expect.objectContaining({
          actor: 'system',
          opinion: 'the application was declined: credit limit exceeded',
        }),
      ]);
    });

    it('an application that expired before its submission was seen starts no process', async () => {
      const id = randomUUID();
      await h.publishApplicationEvent('expired', id, { reason: 'not submitted in 30 days' });
      await waitFor('remembered', async () => {
        const { rows } = await h.db.query(
          'SELECT cause FROM ended_applications WHERE business_key = $1',
          [id],
        );
        return rows[0]?.cause === 'expired' ? true : undefined;
      });
      await h.publishSubmitted(id, randomUUID());
      // A later application's instance shows the submissions were consumed past this one.
      const later = await h.submit();
      await openTaskAt(later, 'market_routing');
      const { rows } = await h.db.query(
        'SELECT count(*)::int AS n FROM process_instances WHERE business_key = $1',
        [id],
      );
      expect(rows[0].n).toBe(0);
    });
  });

  describe('people named in commands', () => {
    it('takes a username for the credit officer and stores the user id', async () => {
      const id = await h.submit();
      await approve(market, (await openTaskAt(id, 'market_routing')).id);
      const assignment = await openTaskAt(id, 'credit_officer_assignment');
      const done = await approve(groupLeader, assignment.id, { creditOfficer: 'credit.zhou' });
      expect(done.nextTasks.map((t) => [t.step, t.assignee])).toEqual([['investigation', 'co-2']]);
      const { tasks } = await h.client.listTasks(
        workflowV1.ListTasksRequest.fromPartial({ scope: 'mine', applicationId: id }),
        h.as(staff('co-2', ['credit_officer'])),
      );
      expect(tasks.map((t) => t.step)).toEqual(['investigation']);
      expect((await instanceOf(id)).variables).toMatchObject({ creditOfficer: 'co-2' });
    });

    it('refuses an unknown, inactive or unqualified user with the field, and writes nothing', async () => {
      const id = await h.submit();
      await approve(market, (await openTaskAt(id, 'market_routing')).id);
      const assignment = await openTaskAt(id, 'credit_officer_assignment');
      const revision = await revisionOf(id);
      for (const [who, reason] of [
        ['credit.nobody', 'user "credit.nobody" does not exist'],
        ['credit.gone', 'user "credit.gone" is inactive'],
        ['mkt-1', 'user "mkt-1" does not hold credit_officer or corporate_lending'],
      ])
        await expect(
          approve(groupLeader, assignment.id, { creditOfficer: who }),
        ).rejects.toMatchObject({
          code: 'invalid_argument',
          message: `formData.creditOfficer: ${reason}`,
        });
      await expect(
        act(groupLeader, assignment.id, 'transfer', { userId: 'fa-1' }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        message: 'userId: user "fa-1" does not hold group_leader',
      });
      expect(await revisionOf(id)).toBe(revision);
      expect((await tasksOf(id)).map((t) => [t.id, t.assignee])).toEqual([[assignment.id, '']]);
    });

    it('checks every committee member and the proxy', async () => {
      const id = await h.submit();
      await approve(creditOfficer, (await untilInvestigation(id)).id, INVESTIGATION);
      const review = await openTaskAt(id, 'pre_meeting_review');
      await expect(
        approve(reviewer, review.id, {
          committeeMembers: ['cm-1', 'risk-1', 'cm-404'],
          committeeMeetingAt: '2026-12-01T10:00:00+08:00',
        }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        message:
          'formData.committeeMembers[1]: user "risk-1" does not hold committee_member; formData.committeeMembers[2]: user "cm-404" does not exist',
      });
      await expect(
        h.client.setProxy(
          { userId: '', proxyUserId: 'mkt-1', fromDate: '2030-01-01', toDate: '2030-01-02' },
          h.as(creditOfficer),
        ),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        message: 'proxyUserId: user "mkt-1" does not hold credit_officer',
      });
    });
  });

  describe('forms', () => {
    it('serves the step form and the allowed actions, and refuses a completion that does not fill it', async () => {
      const id = await h.submit();
      const investigation = await untilInvestigation(id);
      const view = await h.client.getTask({ id: investigation.id }, h.as(creditOfficer));
      expect(view.task!.id).toBe(investigation.id);
      expect(view.processStatus).toBe('active');
      expect(view.allowedActions).toEqual([
        'unclaim',
        'complete',
        'send-back',
        'transfer',
        'delegate',
        'add-signer',
        'urge',
      ]);
      expect(view.sendBackTargets.sort()).toEqual(['Task_AssignPersonal', 'Task_MarketRouting']);
      expect(view.form).toMatchObject({
        type: 'object',
        required: [
          'opinion',
          'recommendedAmount',
          'recommendedRatePercent',
          'recommendedTermMonths',
        ],
        properties: { recommendedRatePercent: { examples: ['3.8500'] } },
      });
      expect(
        (await h.client.getTask({ id: investigation.id }, h.as(market))).allowedActions,
      ).toEqual(['urge']);

      const revision = await revisionOf(id);
      await expect(
        approve(creditOfficer, investigation.id, {
          opinion: 'recommend',
          recommendedAmount: '800000',
        }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        message: expect.stringContaining('formData.recommendedRatePercent: is required'),
      });
      expect(await revisionOf(id)).toBe(revision);
      const done = await approve(creditOfficer, investigation.id, INVESTIGATION);
      expect(done.nextTasks.map((t) => t.step)).toEqual(['pre_meeting_review']);
    });

    it('shows the route rules and the forms with the definition', async () => {
      const { definition } = await h.client.getDefinition(
        { id: '', key: 'Process_CreditApproval', version: 0 },
        h.as(market),
      );
      expect(definition!.routes).toContainEqual(
        expect.objectContaining({
          gatewayId: 'Gateway_Amount',
          condition: 'amount <= 500000 and opinion != "decline"',
          targetElementId: 'Task_SmallLoanApproval',
        }),
      );
      expect(definition!.forms.map((f) => f.elementId)).toHaveLength(11);
    });
  });
});
