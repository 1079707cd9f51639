import { randomUUID } from 'node:crypto';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { notificationsV1, workflowEventsV1 } from '@loanflow/proto';
import { eventually, staff, startHarness, type Harness, type StaffUser } from './harness';

let h: Harness;
let officerSh: StaffUser; // credit officer of branch SH001
let officerSub: StaffUser; // credit officer of sub-branch SH001-01 (below SH001)
let officerHq: StaffUser; // credit officer of the head office
let officerBj: StaffUser; // credit officer of another branch
let leader: StaffUser;
let admin: StaffUser;

beforeAll(async () => {
  h = await startHarness();
  await h.addBranch('SH001', 'HQ');
  await h.addBranch('SH001-01', 'SH001');
  await h.addBranch('BJ001', 'HQ');
  officerSh = staff(h.runId, 'co.sh', ['credit_officer'], 'SH001');
  officerSub = staff(h.runId, 'co.sub', ['credit_officer'], 'SH001-01');
  officerHq = staff(h.runId, 'co.hq', ['credit_officer'], 'HQ', { language: 'en' });
  officerBj = staff(h.runId, 'co.bj', ['credit_officer'], 'BJ001');
  leader = staff(h.runId, 'gl.sh', ['group_leader'], 'SH001');
  admin = staff(h.runId, 'admin', ['admin'], 'HQ');
  for (const u of [officerSh, officerSub, officerHq, officerBj, leader, admin]) await h.addUser(u);
}, 60_000);

afterAll(() => h?.close());

/** A task event of the approval chain, as the workflow publishes it. */
function taskEvent(task: Partial<workflowEventsV1.TaskEvent['task']> & { branchId: string }) {
  return workflowEventsV1.TaskEvent.toJSON(
    workflowEventsV1.TaskEvent.fromPartial({
      task: {
        id: randomUUID(),
        instanceId: randomUUID(),
        businessKey: randomUUID(),
        elementId: 'investigation',
        name: '信贷员调查',
        step: 'investigation',
        state: 'open',
        candidateGroups: ['credit_officer'],
        productCode: 'PERSONAL_CONSUMER',
        amount: '300000.00',
        customerName: '张三',
        createdAt: h.clock.now().toISOString(),
        dueAt: '2026-12-09T10:00:00+08:00',
        ...task,
      },
      at: h.clock.now().toISOString(),
    }),
  );
}

const inbox = async (u: StaffUser) =>
  (await h.client.listNotifications({ beforeSeq: '0', limit: 200, unreadOnly: false }, h.as(u)))
    .notifications;

describe('rules turn events into in-app messages', () => {
  it('tells each candidate whose branch covers the task, and no one else', async () => {
    const data = taskEvent({ branchId: 'SH001-01' });
    const taskId = (data as { task: { id: string } }).task.id;
    await h.handled(await h.publish('workflow.task.created', taskId, data));
    for (const u of [officerSh, officerSub, officerHq]) {
      const [m] = (await inbox(u)).filter((n) => n.subjectId === taskId);
      expect(m).toMatchObject({
        category: 'task',
        eventType: 'workflow.task.created',
        subjectKind: 'task',
        readAt: '',
      });
      expect(m!.title.length).toBeGreaterThan(0);
      expect(m!.body).toContain('张三');
    }
    expect((await inbox(officerBj)).filter((n) => n.subjectId === taskId)).toEqual([]);
    expect((await inbox(leader)).filter((n) => n.subjectId === taskId)).toEqual([]);
  });

  it('writes each user’s message in their language', async () => {
    const data = taskEvent({ branchId: 'SH001' });
    const taskId = (data as { task: { id: string } }).task.id;
    await h.handled(await h.publish('workflow.task.created', taskId, data));
    const [zh] = (await inbox(officerSh)).filter((n) => n.subjectId === taskId);
    const [en] = (await inbox(officerHq)).filter((n) => n.subjectId === taskId);
    expect(zh!.title).toMatch(/[\u4e00-\u9fff]/);
    expect(en!.title).not.toEqual(zh!.title);
    expect(en!.title).toMatch(/[A-Za-z]/);
  });

  it('tells the assignee only once a task is assigned', async () => {
    const data = taskEvent({ branchId: 'SH001', assignee: officerSh.id });
    const taskId = (data as { task: { id: string } }).task.id;
    await h.handled(await h.publish('workflow.task.assigned', taskId, data));
    expect((await inbox(officerSh)).filter((n) => n.subjectId === taskId)).toHaveLength(1);
    expect((await inbox(officerSub)).filter((n) => n.subjectId === taskId)).toHaveLength(0);
  });

  it('stores one message however often the event is delivered', async () => {
    const data = taskEvent({ branchId: 'SH001' });
    const taskId = (data as { task: { id: string } }).task.id;
    const id = randomUUID();
    await h.handled(await h.publish('workflow.task.created', taskId, data, id));
    await h.publish('workflow.task.created', taskId, data, id);
    // A second copy of the same event behind a marker event: once the marker is handled, the copy was too.
    const marker = taskEvent({ branchId: 'BJ001' });
    await h.handled(
      await h.publish(
        'workflow.task.created',
        (marker as { task: { id: string } }).task.id,
        marker,
      ),
    );
    expect((await inbox(officerSh)).filter((n) => n.subjectId === taskId)).toHaveLength(1);
    const { rows } = await h.db.query(
      'SELECT count(*)::int AS n FROM deliveries WHERE event_id = $1 AND recipient_id = $2',
      [id, officerSh.id],
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('the inbox', () => {
  it('counts unread messages, marks one and all read, and pages back by seq', async () => {
    const reader = staff(h.runId, 'co.reader', ['credit_officer'], 'BJ001');
    await h.addUser(reader);
    for (let i = 0; i < 5; i++) {
      const data = taskEvent({ branchId: 'BJ001', assignee: reader.id });
      await h.handled(await h.publish('workflow.task.assigned', randomUUID(), data));
    }
    const all = await inbox(reader);
    expect(all.map((n) => n.seq)).toEqual(['5', '4', '3', '2', '1']);
    expect((await h.client.getUnreadCount({}, h.as(reader))).unreadCount).toBe(5);

    const page = await h.client.listNotifications(
      { beforeSeq: '0', limit: 2, unreadOnly: false },
      h.as(reader),
    );
    expect(page.notifications.map((n) => n.seq)).toEqual(['5', '4']);
    expect(page.nextBeforeSeq).toBe('4');
    const next = await h.client.listNotifications(
      { beforeSeq: page.nextBeforeSeq, limit: 2, unreadOnly: false },
      h.as(reader),
    );
    expect(next.notifications.map((n) => n.seq)).toEqual(['3', '2']);

    const read = await h.client.markRead({ id: all[0]!.id }, h.as(reader));
    expect(read.notification!.readAt).not.toBe('');
    expect(read.unreadCount).toBe(4);
    // Reading again changes nothing.
    expect((await h.client.markRead({ id: all[0]!.id }, h.as(reader))).notification!.readAt).toBe(
      read.notification!.readAt,
    );
    const unread = await h.client.listNotifications(
      { beforeSeq: '0', limit: 50, unreadOnly: true },
      h.as(reader),
    );
    expect(unread.notifications.map((n) => n.seq)).toEqual(['4', '3', '2', '1']);

    expect((await h.client.markAllRead({ upToSeq: '2' }, h.as(reader))).marked).toBe(2);
    expect((await h.client.markAllRead({ upToSeq: '0' }, h.as(reader))).unreadCount).toBe(0);
  });

  it('does not let a user read or mark another user’s message', async () => {
    const [theirs] = await inbox(officerSh);
    await expect(h.client.markRead({ id: theirs!.id }, h.as(officerBj))).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(h.client.markRead({ id: 'nope' }, h.as(officerBj))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(
      h.client.listNotifications(
        { beforeSeq: '-1', limit: 10, unreadOnly: false },
        h.as(officerBj),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('streams new messages live and resumes after a seq without loss or repetition', async () => {
    const watcher = staff(h.runId, 'co.watch', ['credit_officer'], 'BJ001');
    await h.addUser(watcher);
    const received: notificationsV1.Notification[] = [];
    const watch = (afterSeq: string) => {
      const call: ClientReadableStream<notificationsV1.WatchInboxResponse> = h.raw.watchInbox(
        { afterSeq },
        h.metadataOf(watcher),
      );
      call.on('data', (m: notificationsV1.WatchInboxResponse) => received.push(m.notification!));
      call.on('error', () => undefined);
      return call;
    };
    const assign = async () => {
      const data = taskEvent({ branchId: 'BJ001', assignee: watcher.id });
      await h.handled(await h.publish('workflow.task.assigned', randomUUID(), data));
    };
    const first = watch('0');
    await eventually('the stream to be open', async () =>
      h.service.openStreams() > 0 ? true : undefined,
    );
    await assign();
    await assign();
    await eventually('two live messages', async () => (received.length === 2 ? true : undefined));
    first.cancel();
    await eventually('the stream to close', async () =>
      h.service.openStreams() === 0 ? true : undefined,
    );
    // Missed while away.
    await assign();
    await assign();
    await assign();
    watch(received[1]!.seq);
    await eventually('the missed messages', async () => (received.length === 5 ? true : undefined));
    expect(received.map((n) => n.seq)).toEqual(['1', '2', '3', '4', '5']);
  });
});

describe('preferences', () => {
  it('skips a category the user switched off, and refuses to switch off a mandatory one', async () => {
    const quiet = staff(h.runId, 'co.quiet', ['credit_officer'], 'BJ001');
    await h.addUser(quiet);
    const prefs = await h.client.getPreferences({}, h.as(quiet));
    expect(prefs.preferences).toContainEqual({
      category: 'task',
      channel: 'in_app',
      enabled: true,
      mandatory: false,
    });
    expect(prefs.preferences).toContainEqual({
      category: 'task_escalation',
      channel: 'in_app',
      enabled: true,
      mandatory: true,
    });
    expect(prefs.emailDigest).toBe('auto');

    await expect(
      h.client.updatePreferences(
        {
          preferences: [
            { category: 'task_escalation', channel: 'sms', enabled: false, mandatory: false },
          ],
          emailDigest: 'auto',
        },
        h.as(quiet),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'preferences[0].enabled', reason: expect.stringMatching(/mandatory/) }],
    });

    const updated = await h.client.updatePreferences(
      {
        preferences: [{ category: 'task', channel: 'in_app', enabled: false, mandatory: false }],
        emailDigest: 'never',
      },
      h.as(quiet),
    );
    expect(updated.preferences).toContainEqual({
      category: 'task',
      channel: 'in_app',
      enabled: false,
      mandatory: false,
    });
    expect(updated.emailDigest).toBe('never');

    const data = taskEvent({ branchId: 'BJ001', assignee: quiet.id });
    const eventId = await h.publish('workflow.task.assigned', randomUUID(), data);
    await h.handled(eventId);
    expect(await inbox(quiet)).toEqual([]);
    const { rows } = await h.db.query('SELECT status FROM deliveries WHERE event_id = $1', [
      eventId,
    ]);
    expect(rows).toEqual([{ status: 'skipped' }]);
  });
});

describe('templates and rules as data', () => {
  it('refuses a template naming a variable its event does not carry, and previews one', async () => {
    await expect(
      h.client.createTemplateVersion(
        {
          code: 'task.assigned',
          channel: 'in_app',
          locale: 'zh-CN',
          eventType: 'workflow.task.assigned',
          subject: '新任务',
          body: '{customerName} {loanNumber}',
          html: '',
          providerTemplateCode: '',
        },
        h.as(admin),
      ),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        expect.objectContaining({ field: 'body', reason: expect.stringMatching(/loanNumber/) }),
      ],
    });
    await expect(
      h.client.listTemplates({ code: '', allVersions: false }, h.as(officerSh)),
    ).rejects.toMatchObject({ code: 'permission_denied' });

    const created = await h.client.createTemplateVersion(
      {
        code: 'task.assigned',
        channel: 'in_app',
        locale: 'zh-CN',
        eventType: 'workflow.task.assigned',
        subject: '新任务：{customerName}',
        body: '请处理{customerName}的申请',
        html: '',
        providerTemplateCode: '',
      },
      h.as(admin),
    );
    expect(created.template).toMatchObject({
      version: 2,
      current: true,
      variables: ['customerName'],
    });
    const preview = await h.client.previewTemplate(
      {
        code: 'task.assigned',
        channel: 'in_app',
        locale: 'zh-CN',
        version: 0,
        data: { customerName: '李四' },
      },
      h.as(admin),
    );
    expect(preview.subject).toBe('新任务：李四');
    expect(preview.body).toBe('请处理李四的申请');

    // The new version is the one used from now on.
    const data = taskEvent({ branchId: 'BJ001', assignee: officerBj.id, customerName: '王五' });
    const taskId = (data as { task: { id: string } }).task.id;
    await h.handled(await h.publish('workflow.task.assigned', taskId, data));
    const [m] = (await inbox(officerBj)).filter((n) => n.subjectId === taskId);
    expect(m).toMatchObject({ title: '新任务：王五', body: '请处理王五的申请' });
  });

  it('follows a new version of a rule: switched off, it sends nothing', async () => {
    const { rules } = await h.client.listRules({ allVersions: false }, h.as(admin));
    const created = rules.find((r) => r.id === 'task-created')!;
    await expect(
      h.client.createRuleVersion({ rule: { ...created, channels: ['fax'] } }, h.as(admin)),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field: 'rule.channels[0]' })],
    });
    const off = await h.client.createRuleVersion(
      { rule: { ...created, active: false } },
      h.as(admin),
    );
    expect(off.rule).toMatchObject({
      id: 'task-created',
      version: created.version + 1,
      active: false,
    });

    const data = taskEvent({ branchId: 'SH001' });
    const taskId = (data as { task: { id: string } }).task.id;
    await h.handled(await h.publish('workflow.task.created', taskId, data));
    expect((await inbox(officerSh)).filter((n) => n.subjectId === taskId)).toEqual([]);
    await h.client.createRuleVersion({ rule: { ...created, active: true } }, h.as(admin));
  });
});

describe('what a message says about who acted', () => {
  /** An urge of an investigation officerSh holds, by `actor` as the workflow names them. */
  const urgedBy = async (actor: string) => {
    const event = taskEvent({ branchId: 'SH001', assignee: officerSh.id, customerName: '钱七' });
    const taskId = (event as { task: { id: string } }).task.id;
    const data = { ...(event as object), actor };
    await h.handled(await h.publish('workflow.task.urged', taskId, data));
    const [m] = (await inbox(officerSh)).filter(
      (n) => n.subjectId === taskId && n.eventType === 'workflow.task.urged',
    );
    return m!;
  };

  it('names the colleague who urged by their name, not by the user id the workflow sends', async () => {
    const m = await urgedBy(leader.id);
    expect(m.body).toBe(`${leader.username}催办：钱七¥300,000.00的信贷员调查，请尽快处理。`);
    expect(m.body).not.toContain(leader.id);
  });

  it('leaves an actor the directory does not know as it came', async () => {
    const stranger = randomUUID();
    expect((await urgedBy(stranger)).body).toBe(
      `${stranger}催办：钱七¥300,000.00的信贷员调查，请尽快处理。`,
    );
  });
});
