import { randomUUID } from 'node:crypto';
import type { Principal } from '@loanflow/platform';
import { workflowV1 } from '@loanflow/proto';
import { staff, startWorkflowHarness, waitFor, type WorkflowHarness } from './harness';

// Issue 10 §6: the auditor reads and never writes; people named in commands are existing, active
// users; a definition that is not BPMN XML is refused at once; NUL characters are bad input.

const auditor = staff('audit-1', ['auditor'], 'HQ');
const admin = staff('admin-1', ['admin'], 'HQ');
const market = staff('mkt-1', ['market_specialist']);
const groupLeader = staff('gl-1', ['group_leader']);
const creditOfficer = staff('co-1', ['credit_officer']);
const accountManager = staff('am-1', ['account_manager']);

describe('workflow security over gRPC', () => {
  let h: WorkflowHarness;
  beforeAll(async () => {
    h = await startWorkflowHarness();
  });
  afterAll(async () => {
    await h?.close();
  });

  const openTaskAt = (applicationId: string, step: string) =>
    waitFor(`${step} of ${applicationId}`, async () =>
      (
        await h.client.listTasks(
          workflowV1.ListTasksRequest.fromPartial({ scope: 'all', applicationId, pageSize: 100 }),
          h.as(auditor),
        )
      ).tasks.find((t) => t.step === step),
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

  const revisionOf = async (applicationId: string) =>
    (
      await h.db.query<{ revision: number }>(
        'SELECT revision FROM process_instances WHERE business_key = $1',
        [applicationId],
      )
    ).rows[0]!.revision;

  const proxiesOf = async (userId: string) =>
    (await h.db.query('SELECT * FROM proxies WHERE user_id = $1', [userId])).rows;

  describe('the auditor is read-only', () => {
    it('may not urge, claim, transfer or complete a task, and is offered no action', async () => {
      const id = await h.submit();
      const task = await openTaskAt(id, 'market_routing');
      const revision = await revisionOf(id);
      for (const [action, more] of [
        ['urge', {}],
        ['claim', {}],
        ['transfer', { userId: 'mkt-1' }],
        ['complete', { outcome: 'approve' }],
      ] as const) {
        await expect(act(auditor, task.id, action, more)).rejects.toMatchObject({
          code: 'permission_denied',
          message: 'acting on a task: the auditor role is read-only',
        });
      }
      expect(await revisionOf(id)).toBe(revision);
      const view = await h.client.getTask({ id: task.id }, h.as(auditor));
      expect(view.task!.id).toBe(task.id);
      expect(view.allowedActions).toEqual([]);
      expect((await h.client.getTask({ id: task.id }, h.as(market))).allowedActions).toContain(
        'urge',
      );
    });

    it('is refused before the request is looked at (authorization before validation)', async () => {
      await expect(act(auditor, 'not-a-task', 'urge')).rejects.toMatchObject({
        code: 'permission_denied',
      });
      await expect(
        act(auditor, 'not-a-task', 'complete', { opinion: 'a\u0000b' }),
      ).rejects.toMatchObject({ code: 'permission_denied' });
    });

    it('may not set a proxy, for themselves or anyone else', async () => {
      await expect(
        h.client.setProxy(
          { userId: '', proxyUserId: 'audit-2', fromDate: '2030-01-01', toDate: '2030-01-02' },
          h.as(auditor),
        ),
      ).rejects.toMatchObject({
        code: 'permission_denied',
        message: 'setting a proxy: the auditor role is read-only',
      });
      await expect(
        h.client.setProxy(
          { userId: 'co-1', proxyUserId: 'co-3', fromDate: '2030-01-01', toDate: '2030-01-02' },
          h.as(auditor),
        ),
      ).rejects.toMatchObject({ code: 'permission_denied' });
      expect(await proxiesOf('audit-1')).toEqual([]);
      expect(await proxiesOf('co-1')).toEqual([]);
    });

    it('gets no other write either', async () => {
      const refused = { code: 'permission_denied' };
      const id = await h.submit();
      await openTaskAt(id, 'market_routing');
      await expect(
        h.client.terminateProcess(
          { applicationId: id, cause: 'withdrawn', reason: 'x', idempotencyKey: randomUUID() },
          h.as(auditor),
        ),
      ).rejects.toMatchObject(refused);
      await expect(h.client.deployDefinition({ xml: '<x/>' }, h.as(auditor))).rejects.toMatchObject(
        refused,
      );
      await expect(
        h.client.publishHolidayYear(
          workflowV1.PublishHolidayYearRequest.fromPartial({ year: 2031, notice: 'n' }),
          h.as(auditor),
        ),
      ).rejects.toMatchObject(refused);
      await expect(
        h.client.completeJob({ jobId: `${randomUUID()}:job-1`, variables: {} }, h.as(auditor)),
      ).rejects.toMatchObject(refused);
      await expect(
        h.client.correlateMessage(
          workflowV1.CorrelateMessageRequest.fromPartial({ messageName: 'm', businessKey: id }),
          h.as(auditor),
        ),
      ).rejects.toMatchObject(refused);
      await expect(
        h.client.migrateInstances(
          workflowV1.MigrateInstancesRequest.fromPartial({
            definitionKey: 'Process_CreditApproval',
            fromVersion: 1,
            toVersion: 1,
          }),
          h.as(auditor),
        ),
      ).rejects.toMatchObject(refused);
      const { instance } = await h.client.getInstance({ id: '', businessKey: id }, h.as(auditor));
      expect(instance!.status).toBe('active');
    });
  });

  describe('people named in commands are existing, active users', () => {
    it('refuses a proxy that names nobody, or an inactive user', async () => {
      for (const proxyUserId of ['../../etc/passwd', 'co-404', 'credit.gone']) {
        await expect(
          h.client.setProxy(
            { userId: '', proxyUserId, fromDate: '2030-01-01', toDate: '2030-01-02' },
            h.as(creditOfficer),
          ),
        ).rejects.toMatchObject({
          code: 'invalid_argument',
          message:
            proxyUserId === 'credit.gone'
              ? `proxyUserId: user "${proxyUserId}" is inactive`
              : `proxyUserId: user "${proxyUserId}" does not exist`,
        });
      }
      expect(await proxiesOf('co-1')).toEqual([]);
    });

    it('refuses an absent user who is nobody or inactive (an administrator setting the proxy)', async () => {
      for (const [userId, reason] of [
        ['../../etc/passwd', 'does not exist'],
        ['co-gone', 'is inactive'],
      ] as const) {
        await expect(
          h.client.setProxy(
            { userId, proxyUserId: 'co-3', fromDate: '2030-01-01', toDate: '2030-01-02' },
            h.as(admin),
          ),
        ).rejects.toMatchObject({
          code: 'invalid_argument',
          message: `userId: user "${userId}" ${reason}`,
        });
        expect(await proxiesOf(userId)).toEqual([]);
      }
    });

    it('refuses a transfer, delegation or added signer to nobody', async () => {
      const id = await h.submit();
      const task = await openTaskAt(id, 'market_routing');
      await act(market, task.id, 'claim');
      const revision = await revisionOf(id);
      for (const action of ['transfer', 'delegate', 'add-signer']) {
        await expect(
          act(market, task.id, action, { userId: '../../etc/passwd', position: 'after' }),
        ).rejects.toMatchObject({
          code: 'invalid_argument',
          message: 'userId: user "../../etc/passwd" does not exist',
        });
      }
      expect(await revisionOf(id)).toBe(revision);
    });
  });

  describe('process definitions that are not BPMN', () => {
    it.each([
      ['plain text', 'hello, this is not XML'],
      ['JSON', '{"process": "credit"}'],
      ['broken XML', '<bpmn:definitions><bpmn:process></bpmn:definitions>'],
      ['XML of another kind', '<?xml version="1.0"?><html><body/></html>'],
    ])('refuses %s at once with the reason', async (_kind, xml) => {
      // Answered well within the deadline (the defect: 503 after a 5 s hang).
      const error = await h.client
        .deployDefinition({ xml }, { ...h.as(admin), timeoutMs: 3000 })
        .then(
          () => undefined,
          (err: unknown) => err as { code: string; message: string; violations: unknown[] },
        );
      expect(error).toMatchObject({
        code: 'invalid_argument',
        message: expect.stringMatching(/^the process definition is not valid: malformed BPMN XML/),
      });
      expect(error!.violations).toEqual([
        { field: 'xml', reason: expect.stringMatching(/^malformed BPMN XML/) },
      ]);
    });

    it('refuses a definition nested too deeply, before parsing it', async () => {
      const xml = `<bpmn:definitions>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</bpmn:definitions>`;
      await expect(h.client.deployDefinition({ xml }, h.as(admin))).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'xml', reason: 'must not nest elements more than 100 deep' }],
      });
    });
  });

  describe('NUL characters are refused with their field, before anything is written', () => {
    it('in the opinion, the reason and the form values of a task action', async () => {
      const id = await h.submit();
      const task = await openTaskAt(id, 'market_routing');
      const revision = await revisionOf(id);
      await expect(
        act(market, task.id, 'complete', { outcome: 'approve', opinion: 'fine\u0000' }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'opinion', reason: 'must not contain NUL characters' }],
      });
      await expect(
        act(market, task.id, 'complete', {
          outcome: 'approve',
          formData: { comment: 'a\u0000b', nested: { list: ['ok', 'x\u0000'] } },
        }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [
          { field: 'formData.comment', reason: 'must not contain NUL characters' },
          { field: 'formData.nested.list[1]', reason: 'must not contain NUL characters' },
        ],
      });
      await expect(
        act(market, task.id, 'send-back', { targetElementId: 'Task_X', reason: '\u0000' }),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'reason', reason: 'must not contain NUL characters' }],
      });
      expect(await revisionOf(id)).toBe(revision);
    });

    it('in a proxy, a termination reason and a task query', async () => {
      await expect(
        h.client.setProxy(
          { userId: '', proxyUserId: 'co-\u00003', fromDate: '2030-01-01', toDate: '2030-01-02' },
          h.as(creditOfficer),
        ),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'proxyUserId', reason: 'must not contain NUL characters' }],
      });
      const id = await h.submit();
      await openTaskAt(id, 'market_routing');
      await expect(
        h.client.terminateProcess(
          {
            applicationId: id,
            cause: 'withdrawn',
            reason: 'gone\u0000',
            idempotencyKey: randomUUID(),
          },
          h.as(accountManager),
        ),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'reason', reason: 'must not contain NUL characters' }],
      });
      expect(
        (await h.client.getInstance({ id: '', businessKey: id }, h.as(auditor))).instance!,
      ).toMatchObject({ status: 'active' });
      await expect(
        h.client.listTasks(
          workflowV1.ListTasksRequest.fromPartial({ scope: 'mine', step: 'x\u0000' }),
          h.as(groupLeader),
        ),
      ).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'step', reason: 'must not contain NUL characters' }],
      });
    });
  });
});
