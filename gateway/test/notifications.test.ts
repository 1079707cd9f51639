// 通知与消息 through the gateway against the whole system (the notifications service composed in
// with the others): a submitted application puts a task.created message in each candidate's
// inbox and on their live stream; the inbox round trip; resume with Last-Event-ID; who may call
// what; the delivery log with masked addresses for auditors; field-named 400s.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { HEAD_OFFICE } from '@loanflow/platform';
import { eventually } from '@loanflow/test/support/poll';
import { connectSse, isEvent, type SseConnection, type SseItem } from '@loanflow/test/support/sse';
import { api, startSystem, type TestSystem, type TestUser } from '@loanflow/test/support/system';
import { API, createApplication, createCustomer, expectProblem, unique } from './helpers';

jest.setTimeout(60_000);

/** The market specialists are the candidates of the first task (market routing) of SH001. */
const USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'mkt.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'mkt2.sh', roles: ['market_specialist'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: HEAD_OFFICE },
  { username: 'admin.hq', roles: ['admin'], branchId: HEAD_OFFICE },
];

interface Notification {
  id: string;
  seq: number;
  category: string;
  title: string;
  body: string;
  eventType: string;
  subjectKind: string | null;
  subjectId: string | null;
  createdAt: string;
  readAt: string | null;
  mandatory: boolean;
}
interface Delivery {
  id: string;
  recipientId: string;
  channel: string;
  address: string | null;
  status: string;
}

const data = (item: SseItem) => JSON.parse((item as { data: string }).data) as Notification;
const isTaskCreated = (item: SseItem) =>
  isEvent('notification')(item) && data(item).eventType === 'workflow.task.created';

describe('gateway: notifications (inbox, live stream, administration)', () => {
  let system: TestSystem;
  const tokens: Record<string, string> = {};
  const open: SseConnection[] = [];
  const call = <T = Record<string, unknown>>(
    who: string,
    method: string,
    path: string,
    body?: unknown,
  ) => api<T>(system.baseUrl, method, `${API}${path}`, { token: tokens[who], body });

  /** A submitted application of am.sh (SH001): its first task goes to the market specialists. */
  async function submitApplication(): Promise<string> {
    const customer = await createCustomer(system, tokens['am.sh']!);
    const application = await createApplication(system, tokens['am.sh']!, customer.id as string);
    const res = await call('am.sh', 'POST', `/applications/${application.id as string}/submit`);
    expect(res.status).toBe(200);
    return application.id as string;
  }
  const lastSeq = async (who: string) =>
    (
      await call<{ unreadCount: number; lastSeq: number }>(
        who,
        'GET',
        '/notifications/unread-count',
      )
    ).body.lastSeq;
  const stream = async (who: string, lastEventId?: string) => {
    const sse = await connectSse(system.baseUrl, `${API}/notifications/stream`, {
      token: tokens[who],
      lastEventId,
    });
    open.push(sse);
    expect(sse.status).toBe(200);
    return sse;
  };

  beforeAll(async () => {
    system = await startSystem({
      users: USERS,
      gatewayEnv: { GATEWAY_SSE_HEARTBEAT_SECONDS: '1' },
    });
    for (const u of USERS) tokens[u.username] = await system.login(u.username);
  });

  afterAll(async () => {
    for (const sse of open) sse.close();
    await system?.stop();
  });

  it('refuses every inbox call without a token (401)', async () => {
    for (const path of ['/notifications', '/notifications/unread-count'])
      expectProblem(await api(system.baseUrl, 'GET', `${API}${path}`), 401);
    const sse = await connectSse(system.baseUrl, `${API}/notifications/stream`);
    expect(sse.status).toBe(401);
  });

  it('a submitted application reaches each candidate’s live stream as task.created', async () => {
    const streams = await Promise.all([stream('mkt.sh'), stream('mkt2.sh')]);
    // Opened after the streams: only new messages are sent to a stream opened without an id.
    await eventually('the streams open upstream', async () =>
      system.gateway.liveStreams() >= 2 ? true : undefined,
    );
    await submitApplication();
    for (const sse of streams) {
      const item = await sse.next(isTaskCreated, 10_000);
      const n = data(item);
      expect((item as { id: string }).id).toBe(String(n.seq));
      expect(n).toMatchObject({ eventType: 'workflow.task.created', readAt: null });
      expect(n.title.length).toBeGreaterThan(0);
      expect(n.subjectId).not.toBeNull();
      // The message says which application it is about (its list form carries the same).
      const listed = await call<{ items: Notification[] }>(
        sse === streams[0] ? 'mkt.sh' : 'mkt2.sh',
        'GET',
        '/notifications?limit=5',
      );
      expect(listed.body.items.find((x) => x.id === n.id)).toEqual(n);
    }
    // Nobody outside the candidate group was told.
    const am = await call<{ items: Notification[] }>('am.sh', 'GET', '/notifications');
    expect(am.body.items.filter((x) => x.eventType === 'workflow.task.created')).toEqual([]);
  });

  it('lists, counts, marks one and then all read', async () => {
    await submitApplication();
    const list = await eventually('two task messages for mkt2.sh', async () => {
      const res = await call<{
        items: Notification[];
        unreadCount: number;
        nextBeforeSeq: number | null;
      }>('mkt2.sh', 'GET', '/notifications?unreadOnly=true');
      return res.body.items.length >= 2 ? res.body : undefined;
    });
    expect(list.items.every((n) => n.readAt === null)).toBe(true);
    // Newest first, seq without gaps.
    const seqs = list.items.map((n) => n.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const count = await call<{ unreadCount: number; lastSeq: number }>(
      'mkt2.sh',
      'GET',
      '/notifications/unread-count',
    );
    expect(count.body).toEqual({ unreadCount: list.unreadCount, lastSeq: seqs[0] });

    // Paging back with nextBeforeSeq.
    const page1 = await call<{ items: Notification[]; nextBeforeSeq: number | null }>(
      'mkt2.sh',
      'GET',
      '/notifications?limit=1',
    );
    expect(page1.body.items.map((n) => n.seq)).toEqual([seqs[0]]);
    expect(page1.body.nextBeforeSeq).toBe(seqs[0]);
    const page2 = await call<{ items: Notification[] }>(
      'mkt2.sh',
      'GET',
      `/notifications?limit=1&beforeSeq=${page1.body.nextBeforeSeq}`,
    );
    expect(page2.body.items.map((n) => n.seq)).toEqual([seqs[0]! - 1]);

    const newest = list.items[0]!;
    const read = await call<{ notification: Notification; unreadCount: number }>(
      'mkt2.sh',
      'POST',
      `/notifications/${newest.id}:read`,
    );
    expect(read.status).toBe(200);
    expect(read.body.notification.id).toBe(newest.id);
    expect(read.body.notification.readAt).not.toBeNull();
    expect(read.body.unreadCount).toBe(list.unreadCount - 1);
    // Again: no change.
    const again = await call<{ unreadCount: number }>(
      'mkt2.sh',
      'POST',
      `/notifications/${newest.id}:read`,
    );
    expect(again.body.unreadCount).toBe(list.unreadCount - 1);
    // Another's message is not found for mkt.sh.
    expectProblem(await call('mkt.sh', 'POST', `/notifications/${newest.id}:read`), 404);

    const all = await call<{ marked: number; unreadCount: number }>(
      'mkt2.sh',
      'POST',
      '/notifications:read-all',
      {},
    );
    expect(all.body).toEqual({ marked: list.unreadCount - 1, unreadCount: 0 });
    const after = await call<{ unreadCount: number }>(
      'mkt2.sh',
      'GET',
      '/notifications/unread-count',
    );
    expect(after.body.unreadCount).toBe(0);
  });

  it('resumes with Last-Event-ID and gets exactly the messages missed', async () => {
    const since = await lastSeq('mkt.sh');
    // Away: two applications submitted meanwhile.
    await submitApplication();
    await submitApplication();
    const missed = await eventually('two messages missed', async () => {
      const res = await call<{ items: Notification[] }>('mkt.sh', 'GET', '/notifications?limit=50');
      const newer = res.body.items.filter((n) => n.seq > since);
      return newer.length >= 2 ? newer.reverse() : undefined;
    });
    const sse = await stream('mkt.sh', String(since));
    const got: Notification[] = [];
    for (let i = 0; i < missed.length; i++) got.push(data(await sse.next(isEvent('notification'))));
    expect(got).toEqual(missed);
    expect(sse.lastEventId()).toBe(String(missed.at(-1)!.seq));
    // And nothing more until something new happens: the next item is a heartbeat.
    const next = await sse.next(() => true, 5000);
    expect(next).toEqual({ kind: 'comment', text: 'heartbeat' });
    sse.close();
  });

  it('sends heartbeats on a quiet stream', async () => {
    const sse = await stream('am.sh');
    const beat = (i: SseItem) => i.kind === 'comment' && i.text === 'heartbeat';
    await sse.next(beat, 5000);
    await sse.next(beat, 5000);
    sse.close();
  });

  it('keeps templates, rules and resend for administrators (403 for others)', async () => {
    for (const who of ['mkt.sh', 'audit.hq', 'am.sh']) {
      expectProblem(await call(who, 'GET', '/notification-templates'), 403);
      expectProblem(await call(who, 'GET', '/notification-rules'), 403);
      expectProblem(
        await call(
          who,
          'POST',
          `/notification-deliveries/00000000-0000-4000-8000-000000000000:resend`,
        ),
        403,
      );
      expectProblem(
        await call(who, 'POST', '/notification-templates', { code: 'x', channel: 'sms' }),
        403,
      );
    }
    expectProblem(await call('mkt.sh', 'GET', '/notification-deliveries'), 403);
    expect((await call('admin.hq', 'GET', '/notification-templates')).status).toBe(200);
    expect((await call('admin.hq', 'GET', '/notification-rules')).status).toBe(200);
    expectProblem(
      await call(
        'admin.hq',
        'POST',
        `/notification-deliveries/00000000-0000-4000-8000-000000000000:resend`,
      ),
      404,
    );
  });

  it('shows the delivery log to auditors with e-mail addresses masked', async () => {
    // mkt.sh gets an e-mail address, and task.created goes out by e-mail too under a new rule
    // whose e-mail template is a new version made from the in-app one.
    const users = await call<{ items: { id: string; username: string }[] }>(
      'admin.hq',
      'GET',
      '/users?q=mkt.sh',
    );
    const mkt = users.body.items.find((u) => u.username === 'mkt.sh')!;
    const current = await call('admin.hq', 'GET', `/users/${mkt.id}`);
    const email = `mkt.${unique()}@bank.example`;
    const patched = await api(system.baseUrl, 'PATCH', `${API}/users/${mkt.id}`, {
      token: tokens['admin.hq'],
      headers: { 'if-match': current.headers.get('etag')! },
      body: { email },
    });
    expect(patched.status).toBe(200);

    const rules = await call<{
      items: { eventType: string; templateCode: string; category: string }[];
    }>('admin.hq', 'GET', '/notification-rules');
    const taskRule = rules.body.items.find((r) => r.eventType === 'workflow.task.created')!;
    const templates = await call<{
      items: {
        channel: string;
        locale: string;
        subject: string;
        body: string;
        eventType: string;
      }[];
    }>(
      'admin.hq',
      'GET',
      `/notification-templates?code=${encodeURIComponent(taskRule.templateCode)}`,
    );
    const inApp = templates.body.items.find((t) => t.channel === 'in_app' && t.locale === 'zh-CN')!;
    const template = await call('admin.hq', 'POST', '/notification-templates', {
      code: taskRule.templateCode,
      channel: 'email',
      locale: 'zh-CN',
      eventType: inApp.eventType,
      subject: inApp.subject,
      body: inApp.body,
    });
    expect(template.status).toBe(201);
    const rule = await call('admin.hq', 'POST', '/notification-rules', {
      id: `task-created-email-${unique()}`,
      eventType: 'workflow.task.created',
      recipients: [{ kind: 'candidates' }],
      channels: ['email'],
      templateCode: taskRule.templateCode,
      category: taskRule.category,
    });
    expect(rule.status).toBe(201);

    // The directory learns the address from identity's event; submit until a delivery has it.
    const full = await eventually(
      'an e-mail delivery to mkt.sh with its address',
      async () => {
        await submitApplication();
        const res = await call<{ items: Delivery[] }>(
          'admin.hq',
          'GET',
          `/notification-deliveries?channel=email&recipientId=${mkt.id}&limit=50`,
        );
        return res.body.items.find((d) => d.address === email);
      },
      30_000,
    );
    const audited = await call<{ items: Delivery[] }>(
      'audit.hq',
      'GET',
      `/notification-deliveries?channel=email&recipientId=${mkt.id}&limit=50`,
    );
    expect(audited.status).toBe(200);
    const seen = audited.body.items.find((d) => d.id === full.id)!;
    expect(seen.address).not.toBeNull();
    expect(seen.address).not.toBe(email);
    expect(seen.address).toContain('*');
    expect(JSON.stringify(audited.body)).not.toContain(email);
  });

  it('refuses bad query and body values with the field named (400)', async () => {
    expectProblem(await call('mkt.sh', 'GET', '/notifications?limit=0'), 400, 'limit');
    expectProblem(await call('mkt.sh', 'GET', '/notifications?limit=201'), 400, 'limit');
    expectProblem(await call('mkt.sh', 'GET', '/notifications?beforeSeq=-3'), 400, 'beforeSeq');
    expectProblem(await call('mkt.sh', 'GET', '/notifications?unreadOnly=yes'), 400, 'unreadOnly');
    expectProblem(await call('mkt.sh', 'GET', '/notifications?page=2'), 400, 'page');
    expectProblem(await call('mkt.sh', 'POST', '/notifications/not-a-uuid:read'), 400, 'id');
    expectProblem(
      await call('mkt.sh', 'POST', '/notifications:read-all', { upToSeq: '12' }),
      400,
      'upToSeq',
    );
    expectProblem(
      await call('mkt.sh', 'PUT', '/me/notification-preferences', {
        preferences: [{ category: 'task', channel: 'fax', enabled: true }],
      }),
      400,
      'preferences[0].channel',
    );
    expectProblem(
      await call('audit.hq', 'GET', '/notification-deliveries?status=lost'),
      400,
      'status',
    );
    expectProblem(
      await call(
        'audit.hq',
        'GET',
        '/notification-deliveries?createdFrom=2025-12-31T00:00:00Z&createdTo=2025-12-01T00:00:00Z',
      ),
      400,
      'createdTo',
    );
    expectProblem(
      await call('admin.hq', 'POST', '/notification-rules', {
        id: 'r',
        eventType: 'workflow.task.created',
        recipients: [],
        channels: ['email', 'email'],
        templateCode: 't',
        category: 'task',
      }),
      400,
      'recipients',
    );
    const sse = await connectSse(system.baseUrl, `${API}/notifications/stream?lastEventId=x`, {
      token: tokens['mkt.sh'],
    });
    expect(sse.status).toBe(400);
    expect((sse.problem!.errors as { field: string }[]).map((e) => e.field)).toEqual([
      'lastEventId',
    ]);
  });

  it('reads and replaces the caller’s preferences', async () => {
    const prefs = await call<{
      preferences: { category: string; channel: string; enabled: boolean; mandatory: boolean }[];
      emailDigest: string;
    }>('mkt.sh', 'GET', '/me/notification-preferences');
    expect(prefs.status).toBe(200);
    const optional = prefs.body.preferences.find((p) => !p.mandatory && p.channel === 'email');
    if (optional === undefined) throw new Error('the rules name no optional e-mail category');
    const put = await call<typeof prefs.body>('mkt.sh', 'PUT', '/me/notification-preferences', {
      preferences: [{ category: optional.category, channel: 'email', enabled: false }],
      emailDigest: 'never',
    });
    expect(put.status).toBe(200);
    expect(put.body.emailDigest).toBe('never');
    expect(
      put.body.preferences.find((p) => p.category === optional.category && p.channel === 'email')!
        .enabled,
    ).toBe(false);
    const reread = await call<typeof prefs.body>('mkt.sh', 'GET', '/me/notification-preferences');
    expect(reread.body).toEqual(put.body);
  });
});
