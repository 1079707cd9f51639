// The gateway's relay of the live inbox (GET /notifications/stream), against a real gRPC peer
// that serves WatchInbox as the notifications service does (backlog after after_seq, then each
// new message) and records what the gateway asked and when it went away. The whole system with
// the real service is in notifications.test.ts; here the relay itself is under test: framing,
// resume, heartbeats, every way a stream ends, back-pressure and shutdown.
import { randomBytes, randomUUID } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import {
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServerWritableStream,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { generateSigningKeys, signAccessToken, type Principal } from '@loanflow/platform';
import { notificationsV1 } from '@loanflow/proto';
import { loadGatewayConfig, start, type RunningGateway } from '@loanflow/gateway';
import { startIdentityServer } from '@loanflow/test/support/identity-server';
import { eventually } from '@loanflow/test/support/poll';
import { connectSse, isEvent, SseParser, type SseItem } from '@loanflow/test/support/sse';
import pg from 'pg';

jest.setTimeout(30_000);

type Watch = ServerWritableStream<
  notificationsV1.WatchInboxRequest,
  notificationsV1.WatchInboxResponse
>;

/** The inbox side of the notifications service: each user's messages, and the open watches. */
function inboxPeer() {
  const inboxes = new Map<string, notificationsV1.Notification[]>();
  const watches = new Set<{ user: string; call: Watch }>();
  const asked: { afterSeq: string; authorization: string }[] = [];
  let cancelled = 0;
  const userOf = (call: Watch) =>
    JSON.parse(
      Buffer.from(
        String(call.metadata.get('authorization')[0]).split('.')[1]!,
        'base64url',
      ).toString(),
    ).sub as string;
  const message = (seq: number, body = `消息 ${seq}`) =>
    notificationsV1.Notification.fromPartial({
      id: randomUUID(),
      seq: String(seq),
      category: 'task',
      title: '新任务：市场部归口分配',
      body,
      eventType: 'workflow.task.created',
      subjectKind: 'task',
      subjectId: randomUUID(),
      createdAt: '2025-12-31T04:00:00.000Z',
      mandatory: false,
    });
  return {
    asked,
    cancelled: () => cancelled,
    open: (user?: string) => [...watches].filter((w) => !user || w.user === user).length,
    /** Stores the next message of a user's inbox and sends it to their open watches. */
    deliver(user: string, body?: string): notificationsV1.Notification {
      const inbox = inboxes.get(user) ?? [];
      inboxes.set(user, inbox);
      const n = message(inbox.length + 1, body);
      inbox.push(n);
      for (const w of watches) if (w.user === user) w.call.write({ notification: n });
      return n;
    },
    /** Ends (or fails) the user's open watches, as a restarting service would. */
    endWatches(user: string, failure?: { code: status; details: string }) {
      for (const w of [...watches])
        if (w.user === user) {
          watches.delete(w);
          if (failure) w.call.emit('error', failure);
          else w.call.end();
        }
    },
    /** The underlying calls, for the back-pressure test. */
    watchesOf: (user: string) => [...watches].filter((w) => w.user === user).map((w) => w.call),
    service: {
      watchInbox(call: Watch) {
        const user = userOf(call);
        asked.push({
          afterSeq: call.request.afterSeq,
          authorization: String(call.metadata.get('authorization')[0]),
        });
        const entry = { user, call };
        watches.add(entry);
        call.on('cancelled', () => {
          cancelled++;
          watches.delete(entry);
        });
        const after = Number(call.request.afterSeq);
        for (const n of inboxes.get(user) ?? [])
          if (Number(n.seq) > after) call.write({ notification: n });
      },
    },
  };
}

describe('gateway: the live inbox stream (SSE) relayed from WatchInbox', () => {
  const keys = generateSigningKeys();
  const schema = `t_gwsse_${randomBytes(4).toString('hex')}`;
  const user = (username: string): Principal => ({
    userId: randomUUID(),
    username,
    displayName: username,
    roles: ['market_specialist'],
    branchId: 'SH001',
    branchScope: ['SH001'],
  });
  const staff: Principal[] = [];
  const peer = inboxPeer();
  let server: Server;
  let identity: Awaited<ReturnType<typeof startIdentityServer>>;
  let gateway: RunningGateway;
  let baseUrl: string;
  let db: pg.Pool;
  const STREAM = '/api/v1/notifications/stream';
  const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

  const tokenOf = (p: Principal, ttlSeconds = 600) =>
    signAccessToken(p, keys.privateKey, ttlSeconds);
  const newUser = (name: string) => {
    const p = user(`${name}.${randomBytes(3).toString('hex')}`);
    staff.push(p);
    return p;
  };
  const notificationData = (item: SseItem) =>
    JSON.parse((item as { data: string }).data) as Record<string, unknown>;

  beforeAll(async () => {
    identity = await startIdentityServer(() =>
      staff.map((p) => ({ id: p.userId, username: p.username, roles: p.roles })),
    );
    server = new Server();
    const unimplemented: UntypedServiceImplementation = {};
    for (const name of Object.keys(notificationsV1.NotificationsServiceService))
      unimplemented[name] = (_call: unknown, callback: sendUnaryData<unknown>) =>
        callback({ code: status.UNIMPLEMENTED, details: `${name} is not part of this peer` });
    server.addService(notificationsV1.NotificationsServiceService, {
      ...unimplemented,
      ...peer.service,
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) =>
        err ? reject(err) : resolve(p),
      ),
    );
    gateway = await start(
      loadGatewayConfig({
        DATABASE_URL: databaseUrl,
        GATEWAY_DB_SCHEMA: schema,
        GATEWAY_HTTP_HOST: '127.0.0.1',
        GATEWAY_HTTP_PORT: '0',
        IDENTITY_ADDR: identity.address,
        NOTIFICATIONS_ADDR: `127.0.0.1:${port}`,
        AUTH_JWT_PRIVATE_KEY: keys.privateKey,
        AUTH_JWT_PUBLIC_KEY: keys.publicKey,
        GATEWAY_SSE_HEARTBEAT_SECONDS: '1',
        // Long, so that a stop() held up by open streams could not pass for a prompt one.
        SHUTDOWN_TIMEOUT_MS: '20000',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      }),
    );
    baseUrl = `http://127.0.0.1:${gateway.httpPort}`;
    db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  });

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((resolve) =>
      server ? server.tryShutdown(() => resolve()) : resolve(),
    );
    await identity?.stop();
    await db?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db?.end();
  });

  it('sends what was missed after Last-Event-ID, then each new message, as id/event/data', async () => {
    const mkt = newUser('mkt');
    const stored = [peer.deliver(mkt.userId), peer.deliver(mkt.userId), peer.deliver(mkt.userId)];
    const token = tokenOf(mkt);
    const sse = await connectSse(baseUrl, STREAM, { token, lastEventId: '1' });
    try {
      expect(sse.status).toBe(200);
      expect(sse.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(sse.headers.get('cache-control')).toBe('no-cache, no-transform');
      expect(sse.headers.get('x-accel-buffering')).toBe('no');
      expect(sse.headers.get('content-encoding')).toBeNull();
      expect(sse.items[0] ?? (await sse.next(() => true))).toEqual({ kind: 'retry', ms: 3000 });

      const second = await sse.next(isEvent('notification'));
      const third = await sse.next(isEvent('notification'));
      expect([second, third].map((e) => (e as { id: string }).id)).toEqual(['2', '3']);
      expect(notificationData(second)).toEqual({
        id: stored[1]!.id,
        seq: 2,
        category: 'task',
        title: '新任务：市场部归口分配',
        body: '消息 2',
        eventType: 'workflow.task.created',
        subjectKind: 'task',
        subjectId: stored[1]!.subjectId,
        createdAt: '2025-12-31T04:00:00.000Z',
        readAt: null,
        mandatory: false,
      });
      // The service was asked with the caller's own token, from the seq the client had.
      expect(peer.asked.at(-1)).toEqual({ afterSeq: '1', authorization: `Bearer ${token}` });

      const fourth = peer.deliver(mkt.userId, '第四条\n两行');
      const live = await sse.next(isEvent('notification'));
      expect(live).toMatchObject({ id: '4', lastEventId: '4' });
      expect(notificationData(live)).toMatchObject({ id: fourth.id, seq: 4, body: '第四条\n两行' });
      expect(sse.items.filter(isEvent('notification'))).toHaveLength(3);
    } finally {
      sse.close();
    }
  });

  it('takes lastEventId from the query when no header is sent; the header wins over it', async () => {
    const mkt = newUser('mkt');
    for (let i = 0; i < 3; i++) peer.deliver(mkt.userId);
    const token = tokenOf(mkt);
    const byQuery = await connectSse(baseUrl, `${STREAM}?lastEventId=2`, { token });
    const bothGiven = await connectSse(baseUrl, `${STREAM}?lastEventId=0`, {
      token,
      lastEventId: '1',
    });
    try {
      expect(await byQuery.next(isEvent('notification'))).toMatchObject({ id: '3' });
      expect(await bothGiven.next(isEvent('notification'))).toMatchObject({ id: '2' });
    } finally {
      byQuery.close();
      bothGiven.close();
    }
  });

  it('sends a heartbeat comment every GATEWAY_SSE_HEARTBEAT_SECONDS', async () => {
    const sse = await connectSse(baseUrl, STREAM, { token: tokenOf(newUser('mkt')) });
    try {
      const heartbeat = (i: SseItem) => i.kind === 'comment' && i.text === 'heartbeat';
      await sse.next(heartbeat, 5000);
      await sse.next(heartbeat, 5000);
    } finally {
      sse.close();
    }
  });

  it('refuses a bad resume point (400 naming it) and a missing token (401), before any call', async () => {
    const before = peer.asked.length;
    const token = tokenOf(newUser('mkt'));
    for (const [path, lastEventId, field] of [
      [STREAM, 'abc', 'Last-Event-Id'],
      [STREAM, '-1', 'Last-Event-Id'],
      [STREAM, '9007199254740992', 'Last-Event-Id'],
      [`${STREAM}?lastEventId=1.5`, undefined, 'lastEventId'],
      [`${STREAM}?since=1`, undefined, 'since'],
    ] as const) {
      const sse = await connectSse(baseUrl, path, { token, lastEventId });
      expect(sse.status).toBe(400);
      expect(sse.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const errors = sse.problem!.errors as { field: string; reason: string }[];
      expect(errors.map((e) => e.field)).toEqual([field]);
    }
    const anonymous = await connectSse(baseUrl, STREAM);
    expect(anonymous.status).toBe(401);
    expect(peer.asked.length).toBe(before);
  });

  it('cancels the upstream call when the client goes away (no stream is left behind)', async () => {
    const mkt = newUser('mkt');
    const clients = await Promise.all(
      [1, 2, 3].map(() => connectSse(baseUrl, STREAM, { token: tokenOf(mkt) })),
    );
    await eventually('three watches open', async () =>
      peer.open(mkt.userId) === 3 ? true : undefined,
    );
    expect(gateway.liveStreams()).toBeGreaterThanOrEqual(3);
    const cancelledBefore = peer.cancelled();
    for (const c of clients) c.close();
    await eventually('the watches cancelled', async () =>
      peer.open(mkt.userId) === 0 ? true : undefined,
    );
    expect(peer.cancelled() - cancelledBefore).toBe(3);
    await eventually('the gauge back to zero', async () =>
      gateway.liveStreams() === 0 ? true : undefined,
    );
  });

  it('ends the stream when the token expires, saying so, and cancels the upstream call', async () => {
    const mkt = newUser('mkt');
    const sse = await connectSse(baseUrl, STREAM, { token: tokenOf(mkt, 2) });
    expect(sse.status).toBe(200);
    const end = await sse.next(isEvent('end'), 10_000);
    expect(JSON.parse((end as { data: string }).data)).toEqual({ reason: 'token_expired' });
    await sse.ended;
    await eventually('the watch cancelled', async () =>
      peer.open(mkt.userId) === 0 ? true : undefined,
    );
  });

  it('ends the stream when the upstream ends or fails; the client resumes where it was', async () => {
    const mkt = newUser('mkt');
    const token = tokenOf(mkt);
    peer.deliver(mkt.userId);
    const first = await connectSse(baseUrl, STREAM, { token, lastEventId: '0' });
    await first.next(isEvent('notification'));
    await eventually('watch open', async () => (peer.open(mkt.userId) === 1 ? true : undefined));
    peer.endWatches(mkt.userId);
    expect(JSON.parse(((await first.next(isEvent('end'))) as { data: string }).data)).toEqual({
      reason: 'upstream_ended',
    });
    await first.ended;

    // Missed while away: seq 2; the reconnect asks from the last id it had.
    peer.deliver(mkt.userId);
    const second = await connectSse(baseUrl, STREAM, { token, lastEventId: first.lastEventId() });
    expect(await second.next(isEvent('notification'))).toMatchObject({ id: '2' });
    await eventually('watch open', async () => (peer.open(mkt.userId) === 1 ? true : undefined));
    peer.endWatches(mkt.userId, { code: status.UNAVAILABLE, details: 'restarting' });
    expect(JSON.parse(((await second.next(isEvent('end'))) as { data: string }).data)).toEqual({
      reason: 'upstream_failed',
      code: 'unavailable',
    });
    await second.ended;
    expect(second.items.filter(isEvent('notification'))).toHaveLength(1);
  });

  it('stops reading the upstream while the client does not read (back-pressure)', async () => {
    const mkt = newUser('mkt');
    const token = tokenOf(mkt);
    // A client that reads nothing until told: the response stays paused, the socket fills.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(`${baseUrl}${STREAM}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      req.on('response', resolve).on('error', reject).end();
    });
    expect(res.statusCode).toBe(200);
    await eventually('watch open', async () => (peer.open(mkt.userId) === 1 ? true : undefined));
    const call = peer.watchesOf(mkt.userId)[0]!;
    const total = 400;
    const big = 'x'.repeat(64 * 1024);
    const bigMessage = (seq: number) =>
      notificationsV1.Notification.fromPartial({
        id: randomUUID(),
        seq: String(seq),
        category: 'task',
        title: 't',
        body: big,
        eventType: 'workflow.task.created',
        createdAt: '2025-12-31T04:00:00.000Z',
      });
    let written = 0;
    let blocked = false;
    // Writes as a well-behaved gRPC server does: stops when write() says the peer is full.
    const pump = () => {
      while (written < total) {
        written++;
        if (!call.write({ notification: bigMessage(written) })) {
          blocked = true;
          call.once('drain', () => {
            blocked = false;
            pump();
          });
          return;
        }
      }
    };
    pump();
    // 25 MB offered; with the client not reading, the gateway must stop taking them.
    await eventually('the service held back', async () => (blocked ? true : undefined));
    await new Promise((r) => setTimeout(r, 500));
    expect(blocked).toBe(true);
    expect(written).toBeLessThan(total);

    // Reading again lets everything through, in order.
    const parser = new SseParser();
    const ids: string[] = [];
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      for (const item of parser.push(chunk))
        if (item.kind === 'event' && item.event === 'notification') ids.push(item.id!);
    });
    await eventually(
      'all delivered',
      async () => (ids.length === total ? true : undefined),
      20_000,
    );
    expect(ids).toEqual(Array.from({ length: total }, (_, i) => String(i + 1)));
    res.destroy();
    await eventually('watch cancelled', async () =>
      peer.open(mkt.userId) === 0 ? true : undefined,
    );
  });

  // Last: it stops the gateway.
  it('ends open streams at the start of shutdown, so that stop() does not wait for them', async () => {
    const clients = await Promise.all(
      [1, 2].map(() => connectSse(baseUrl, STREAM, { token: tokenOf(newUser('mkt')) })),
    );
    await eventually('two streams open', async () =>
      gateway.liveStreams() === 2 ? true : undefined,
    );
    const started = Date.now();
    await gateway.stop();
    // Well under SHUTDOWN_TIMEOUT_MS (20 s): the drain did not wait for the streams.
    expect(Date.now() - started).toBeLessThan(10_000);
    for (const c of clients) {
      const end = await c.next(isEvent('end'));
      expect(JSON.parse((end as { data: string }).data)).toEqual({ reason: 'shutdown' });
      await c.ended;
    }
    expect(gateway.liveStreams()).toBe(0);
    gateway.stop = () => Promise.resolve();
  });
});
