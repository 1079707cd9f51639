import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import { loadavg } from 'node:os';
import {
  createLogger,
  createPool,
  generatePiiKey,
  generateSigningKeys,
  HEAD_OFFICE,
  JetStreamBus,
  signAccessToken,
  type EventBus,
  type Pool,
} from '@loanflow/platform';
import { identityV1, vocabularyV1, workflowEventsV1 } from '@loanflow/proto';
import {
  loadNotificationsConfig,
  smtpEmailChannel,
  start,
  type NotificationsConfig,
  type RunningNotifications,
} from '@loanflow/notifications';
import { startSmtpServer } from '../support/smtp';
import { SseParser } from '../support/sse';
import { startSystem } from '../support/system';
import {
  cpuSnapshot,
  cpuUse,
  f1,
  f2,
  hostLine,
  intList,
  latencies,
  positive,
  progress,
  runBench,
  table,
  type CpuUse,
} from './report';

/**
 * The notifications service (issue 11 §8). Prints figures; asserts nothing.
 *
 * 1. Fan-out: `workflow.task.created` events consumed from NATS by the service alone (its own
 *    schema) into stored in-app messages — each event to its assignee, then each to a candidate
 *    group of BENCH_NF_GROUP users — beside bare one-row autocommit INSERTs of the same rows at
 *    EVENTS_CONCURRENCY connections. The events are published while the service is stopped, so
 *    what is timed is consumption, not publishing.
 * 2. E-mail: BENCH_NF_EMAILS e-mails sent at once through the pooled SMTP channel to a local
 *    SMTP server (STARTTLS and AUTH), at each pool size, with and without the server parsing.
 * 3. SSE: BENCH_NF_SUBSCRIBERS live inbox streams through the gateway (clients in a child
 *    process, so this process holds only the system), one notification to all of them: arrival
 *    latency from the publish, and the system process's extra RSS.
 *
 *   BENCH_NF_EVENTS=10000  BENCH_NF_USERS=1000  BENCH_NF_GROUP=5
 *   BENCH_NF_EMAILS=1000   BENCH_NF_POOLS=5,10  BENCH_NF_SUBSCRIBERS=1000
 *   BENCH_NF_PARTS=fanout,email,sse (the parts to run)
 */

const EVENTS = positive('BENCH_NF_EVENTS', 10_000, 1_000_000);
const USERS = positive('BENCH_NF_USERS', 1_000, 100_000);
const GROUP = positive('BENCH_NF_GROUP', 5, 100);
const EMAILS = positive('BENCH_NF_EMAILS', 1_000, 100_000);
const POOLS = intList('BENCH_NF_POOLS', [5, 10]);
const SUBSCRIBERS = positive('BENCH_NF_SUBSCRIBERS', 1_000, 20_000);
const PARTS = (process.env.BENCH_NF_PARTS ?? 'fanout,email,sse').split(',').map((p) => p.trim());
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
/**
 * The role of every benchmark user and task group. Every notifications service on the bus reads
 * these events — those of tests running beside the benchmark too — and a head-office holder of
 * the group's role would get every message: no test puts a post-loan officer at head office.
 */
const GROUP_ROLE = 'post_loan_officer' as const;
/** Events published at once while the service is stopped (JetStream acks each). */
const PUBLISHING = 64;

const log = createLogger('bench', LOG_LEVEL);
const seconds = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e9;
const mb = (bytes: number) => bytes / 2 ** 20;

/** Runs `fn` over `items` with at most `n` at a time. */
async function eachConcurrently<T>(
  items: readonly T[],
  n: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out (${timeoutMs} ms) waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Publishes an event as its owning service's outbox relay would. */
async function publishEvent(
  bus: EventBus,
  type: string,
  subjectId: string,
  data: unknown,
): Promise<string> {
  const id = randomUUID();
  const envelope = {
    id,
    type,
    schemaVersion: 1,
    source: type.split('.')[0],
    subjectId,
    occurredAt: new Date().toISOString(),
    data,
  };
  await bus.publish(`loanflow.${type}`, Buffer.from(JSON.stringify(envelope)), {
    msgId: randomUUID(),
    headers: { 'loanflow-subject-id': subjectId },
  });
  return id;
}

/** A new task of the approval chain, as the workflow announces it. */
function taskCreated(task: { branchId: string; assignee?: string; candidateGroups: string[] }): {
  taskId: string;
  data: unknown;
} {
  const now = new Date();
  const taskId = randomUUID();
  const data = workflowEventsV1.TaskEvent.toJSON(
    workflowEventsV1.TaskEvent.fromPartial({
      task: {
        id: taskId,
        instanceId: randomUUID(),
        businessKey: randomUUID(),
        elementId: 'investigation',
        name: '信贷员调查',
        step: 'investigation',
        state: 'open',
        productCode: 'PERSONAL_CONSUMER',
        amount: '300000.00',
        customerName: '张三',
        createdAt: now.toISOString(),
        dueAt: new Date(now.getTime() + 2 * 86_400_000).toISOString(),
        ...task,
      },
      at: now.toISOString(),
    }),
  );
  return { taskId, data };
}

// ---------------------------------------------------------------------------------------------
// 1. Fan-out

interface FanOut {
  variant: string;
  events: number;
  messages: number;
  startupMs: number;
  seconds: number;
  cpu: CpuUse;
  bareSeconds: number;
}

const MESSAGE_COLUMNS = [
  'id',
  'recipient_id',
  'seq',
  'category',
  'title',
  'body',
  'event_type',
  'event_id',
  'subject_kind',
  'subject_id',
  'mandatory',
  'batch_id',
  'created_at',
] as const;

/**
 * The same rows, one autocommit INSERT each, into a copy of the messages table (same columns,
 * same indexes), from `connections` connections at once.
 */
async function bareInserts(
  db: Pool,
  on: { url: string; schema: string },
  eventIds: string[],
  connections: number,
): Promise<number> {
  await db.query('DROP TABLE IF EXISTS bare_messages');
  await db.query('CREATE TABLE bare_messages (LIKE messages INCLUDING ALL)');
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${MESSAGE_COLUMNS.map((c) => `m.${c}`).join(', ')}
       FROM messages m JOIN recipients r ON r.user_id = m.recipient_id
      WHERE m.event_id = ANY($1::uuid[]) AND r.username LIKE $2`,
    [eventIds, `plo.%.${on.schema}`],
  );
  const pool = createPool({
    connectionString: on.url,
    schema: on.schema,
    max: connections,
    applicationName: 'bench-bare',
  });
  try {
    // Open every connection before the clock starts, as the service's pool has.
    await Promise.all(Array.from({ length: connections }, () => pool.query('SELECT 1')));
    const sql = `INSERT INTO bare_messages (${MESSAGE_COLUMNS.join(', ')})
                 VALUES (${MESSAGE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
    const started = process.hrtime.bigint();
    await eachConcurrently(rows, connections, async (row) => {
      await pool.query(
        sql,
        MESSAGE_COLUMNS.map((c) => row[c]),
      );
    });
    return seconds(started);
  } finally {
    await pool.end();
  }
}

async function fanOut(): Promise<{ results: FanOut[]; config: NotificationsConfig }> {
  const schema = `bench_nf_${randomBytes(4).toString('hex')}`;
  const keys = generateSigningKeys();
  const config = loadNotificationsConfig({
    ...process.env,
    NOTIFICATIONS_GRPC_HOST: '127.0.0.1',
    NOTIFICATIONS_GRPC_PORT: '0',
    NOTIFICATIONS_DB_SCHEMA: schema,
    // Never called: no rule of a task event tells a borrower (the stand-in below refuses).
    APPLICATIONS_ADDR: '127.0.0.1:1',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    SERVICE_TOKEN_PRIVATE_KEY: generateSigningKeys().privateKey,
    PII_ENCRYPTION_KEY: generatePiiKey(),
    PII_INDEX_KEY: generatePiiKey(),
    LOG_LEVEL,
    EVENTS_START_AT: 'new',
  });
  const bus = await JetStreamBus.connect({ url: config.NATS_URL, name: 'bench-nf', log });
  const db = createPool({ connectionString: config.DATABASE_URL, schema, max: 2 });
  const startService = () =>
    start(config, {
      bus,
      log,
      borrowers: {
        contact: () => Promise.reject(new Error('the benchmark has no borrowers')),
      },
    });
  const count = async (table: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  let service: RunningNotifications | undefined = await startService();
  const durables = service.consumers;
  const results: FanOut[] = [];
  try {
    // The directory: user i is a post-loan officer of branch G<i / GROUP>, so each branch's
    // candidate group has GROUP members (none at the head office, which would cover them all).
    progress(`${USERS} users into the directory (identity.user.created)`);
    const users = Array.from({ length: USERS }, (_, i) => ({
      id: randomUUID(),
      username: `plo.${i}.${schema}`,
      branch: `G${Math.floor(i / GROUP)}`,
    }));
    await eachConcurrently(users, PUBLISHING, async (u) => {
      await publishEvent(bus, 'identity.user.created', u.id, {
        user: identityV1.User.toJSON(
          identityV1.User.fromPartial({
            id: u.id,
            username: u.username,
            displayName: u.username,
            roles: [vocabularyV1.roleFromJSON(`ROLE_${GROUP_ROLE.toUpperCase()}`)],
            branchId: u.branch,
            email: `${u.username}@bank.example`,
            language: 'zh-CN',
            active: true,
            version: 1,
          }),
        ),
      });
    });
    // Counted by name: tests running beside the benchmark announce their users on the same bus.
    await until(
      'the directory',
      async () => {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM recipients WHERE username LIKE $1`,
          [`plo.%.${schema}`],
        );
        return rows[0]!.n >= USERS;
      },
      120_000,
    );
    const groups = Math.floor(USERS / GROUP);

    const variants = [
      {
        name: 'assignee (1 message / event)',
        perEvent: 1,
        event: (i: number) => ({
          branchId: users[i % USERS]!.branch,
          assignee: users[i % USERS]!.id,
          candidateGroups: [GROUP_ROLE],
        }),
      },
      {
        name: `candidate group (${GROUP} messages / event)`,
        perEvent: GROUP,
        event: (i: number) => ({ branchId: `G${i % groups}`, candidateGroups: [GROUP_ROLE] }),
      },
    ];
    for (const v of variants) {
      await service.stop();
      service = undefined;
      progress(`${v.name}: publishing ${EVENTS} events with the service stopped`);
      const eventIds: string[] = [];
      const published = process.hrtime.bigint();
      await eachConcurrently(
        Array.from({ length: EVENTS }, (_, i) => i),
        PUBLISHING,
        async (i) => {
          const { taskId, data } = taskCreated(v.event(i));
          eventIds.push(await publishEvent(bus, 'workflow.task.created', taskId, data));
        },
      );
      progress(`published in ${f1(seconds(published))} s; starting the service`);
      const expected = EVENTS * v.perEvent;
      const target = (await count('messages')) + expected;
      // The service reads every workflow and identity event on the bus, those of tests running
      // beside the benchmark too: the total is a cheap first sign, the messages of these events
      // to these users the answer.
      const ours = async () =>
        (
          await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM messages m JOIN recipients r ON r.user_id = m.recipient_id
              WHERE m.event_id = ANY($1::uuid[]) AND r.username LIKE $2`,
            [eventIds, `plo.%.${schema}`],
          )
        ).rows[0]!.n;
      const cpu = cpuSnapshot();
      const started = process.hrtime.bigint();
      service = await startService();
      const startupMs = seconds(started) * 1000;
      let last = Date.now();
      await until(
        `${expected} messages stored`,
        async () => {
          const n = await count('messages');
          if (Date.now() - last > 5000) {
            progress(`${n} of ${target} messages stored`);
            last = Date.now();
          }
          return n >= target && (await ours()) >= expected;
        },
        30 * 60_000,
      );
      const took = seconds(started);
      const use = cpuUse(cpu);
      const stored = await ours();
      if (stored !== expected)
        throw new Error(`${v.name}: ${stored} messages stored, ${expected} expected`);
      progress(`${v.name}: ${f1(took)} s; bare INSERTs of the same rows`);
      const bareSeconds = await bareInserts(
        db,
        { url: config.DATABASE_URL, schema },
        eventIds,
        config.EVENTS_CONCURRENCY,
      );
      results.push({
        variant: v.name,
        events: EVENTS,
        messages: stored,
        startupMs,
        seconds: took,
        cpu: use,
        bareSeconds,
      });
    }
  } finally {
    await service?.stop();
    for (const durable of durables) await bus.deleteConsumer(durable);
    await bus.close();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
  }
  return { results, config };
}

// ---------------------------------------------------------------------------------------------
// 2. E-mail

interface EmailRun {
  poolSize: number;
  parsed: boolean;
  emails: number;
  seconds: number;
  cpu: CpuUse;
}

async function email(): Promise<EmailRun[]> {
  const runs: EmailRun[] = [];
  const body = `王五您好：\n\n张三的个人消费贷款申请（金额 ¥300,000.00）已于 2026年12月7日 提交，正在等待您的调查意见。请在 2026年12月9日 前登录信贷系统处理。\n\n此邮件由系统自动发送，请勿回复。`;
  const html = `<!doctype html><html><body><p>王五您好：</p><p>张三的个人消费贷款申请（金额 <b>¥300,000.00</b>）已于 2026年12月7日 提交，正在等待您的调查意见。</p><p>请在 <b>2026年12月9日</b> 前登录<a href="http://127.0.0.1:8080/tasks">信贷系统</a>处理。</p><p style="color:#888">此邮件由系统自动发送，请勿回复。</p></body></html>`;
  for (const parse of [true, false]) {
    const server = await startSmtpServer({ auth: { user: 'bench', pass: 'bench-secret' }, parse });
    const burst = async (poolSize: number, n: number) => {
      const channel = smtpEmailChannel({
        url: server.url,
        from: 'LoanFlow 贷款系统 <no-reply@loanflow.local>',
        poolSize,
        rejectUnauthorized: false,
        log,
      });
      try {
        return await Promise.all(
          Array.from({ length: n }, (_, i) =>
            channel.send({
              deliveryId: randomUUID(),
              to: `officer${i}@bank.example`,
              toName: '信贷员 王五',
              subject: '【新任务】张三的贷款申请待您调查',
              text: body,
              html,
              unsubscribeUrl: 'http://127.0.0.1:8080/notification-preferences?category=task',
            }),
          ),
        );
      } finally {
        await channel.close();
      }
    };
    try {
      // Warm-up: the first mails pay for loading and compiling nodemailer's and the server's code.
      await burst(POOLS[0]!, 100);
      for (const poolSize of POOLS) {
        progress(`${EMAILS} e-mails, pool of ${poolSize}, server ${parse ? '' : 'not '}parsing`);
        const before = server.received();
        const cpu = cpuSnapshot();
        const started = process.hrtime.bigint();
        const results = await burst(poolSize, EMAILS);
        const took = seconds(started);
        const use = cpuUse(cpu);
        const failed = results.filter((r) => !r.ok);
        if (failed.length > 0)
          throw new Error(`${failed.length} e-mails not sent: ${JSON.stringify(failed[0])}`);
        const received = server.received() - before;
        if (received !== EMAILS)
          throw new Error(`the SMTP server received ${received} of ${EMAILS} e-mails`);
        runs.push({ poolSize, parsed: parse, emails: EMAILS, seconds: took, cpu: use });
      }
    } finally {
      await server.stop();
    }
  }
  return runs;
}

// ---------------------------------------------------------------------------------------------
// 3. SSE: the subscribers live in a child process (this same file, run with SUBSCRIBERS_ARG)

const SUBSCRIBERS_ARG = '--sse-subscribers';

type ToSubscribers =
  | { kind: 'connect'; baseUrl: string; tokens: string[] }
  | { kind: 'expect'; timeoutMs: number }
  | { kind: 'close' };
type FromSubscribers =
  | { kind: 'connected'; open: number }
  | { kind: 'failed'; error: string }
  | { kind: 'arrivals'; at: string[] };

/** The child: opens one stream per token, then reports when each notification event arrived. */
function subscribersProcess(): void {
  const send = (m: FromSubscribers) => process.send!(m);
  const requests: http.ClientRequest[] = [];
  const arrivals: bigint[] = [];
  let expected = 0;
  let report: NodeJS.Timeout | undefined;
  const sendArrivals = () => {
    clearTimeout(report);
    send({ kind: 'arrivals', at: arrivals.map(String) });
  };
  const open = (baseUrl: string, token: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.get(
        new URL('/api/v1/notifications/stream', baseUrl),
        {
          agent: false,
          headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` },
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`the stream answered ${res.statusCode}`));
          }
          const parser = new SseParser();
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            for (const item of parser.push(chunk)) {
              if (item.kind !== 'event' || item.event !== 'notification') continue;
              arrivals.push(process.hrtime.bigint());
              if (expected > 0 && arrivals.length >= expected) sendArrivals();
            }
          });
          res.on('error', () => undefined);
          resolve();
        },
      );
      req.on('error', reject);
      requests.push(req);
    });
  process.on('message', (m: ToSubscribers) => {
    if (m.kind === 'connect') {
      eachConcurrently(m.tokens, 100, (token) => open(m.baseUrl, token)).then(
        () => send({ kind: 'connected', open: requests.length }),
        (err: unknown) => send({ kind: 'failed', error: String(err) }),
      );
    } else if (m.kind === 'expect') {
      expected = requests.length;
      report = setTimeout(sendArrivals, m.timeoutMs);
    } else {
      for (const req of requests) req.destroy();
      process.disconnect();
    }
  });
}

/** A full collection before reading RSS, when node runs with --expose-gc (as `npm run bench` does). */
const gc = () => (globalThis as { gc?: () => void }).gc?.();

/**
 * With BENCH_NF_PROFILE=<file>, a CPU profile of this process (gateway and services) from the
 * publish to the last arrival, for Chrome DevTools.
 */
async function startProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  const file = process.env.BENCH_NF_PROFILE;
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string) =>
    new Promise<unknown>((resolve, reject) =>
      session.post(method, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      progress(`CPU profile written to ${file}`);
    },
  };
}

interface SseRun {
  subscribers: number;
  arrived: number;
  /** From the publish to the fan-out's commit seen by a poll (every 20 ms). */
  storedMs: number;
  latency: ReturnType<typeof latencies>;
  rssBefore: number;
  rssOpen: number;
  rssAfter: number;
  connectSeconds: number;
}

async function sse(): Promise<SseRun> {
  const run = randomBytes(3).toString('hex');
  const usernames = Array.from({ length: SUBSCRIBERS }, (_, i) => `sse.${i}.${run}`);
  progress(`the system with ${SUBSCRIBERS} head-office post-loan officers`);
  const seeded = process.hrtime.bigint();
  const system = await startSystem({
    users: usernames.map((username) => ({
      username,
      roles: [GROUP_ROLE],
      branchId: HEAD_OFFICE,
    })),
  });
  const bus = await JetStreamBus.connect({
    url: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    name: 'bench-nf-sse',
    log,
    // The system keeps its events in a namespace of the shared stream.
    namespace: system.eventsNamespace,
  });
  const child = fork(__filename, [SUBSCRIBERS_ARG], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies: FromSubscribers[] = [];
  let wake: (() => void) | undefined;
  child.on('message', (m: FromSubscribers) => {
    replies.push(m);
    wake?.();
  });
  const reply = async (timeoutMs: number): Promise<FromSubscribers> => {
    const deadline = Date.now() + timeoutMs;
    while (replies.length === 0) {
      if (Date.now() > deadline) throw new Error('the subscribers process did not answer');
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
    return replies.shift()!;
  };
  try {
    const { rows } = await system.db.query<{ id: string; username: string }>(
      `SELECT id, username FROM ${system.schemas.identity}.users`,
    );
    // The identity service's notices reach the notifications directory through NATS.
    // Counted by name: tests running beside the benchmark announce their users on the same bus.
    await until(
      'the notifications directory',
      async () => {
        const { rows: known } = await system.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${system.schemas.notifications}.recipients WHERE username LIKE $1`,
          [`sse.%.${run}`],
        );
        return known[0]!.n >= SUBSCRIBERS;
      },
      120_000,
    );
    progress(`system and directory ready in ${f1(seconds(seeded))} s`);
    // Logging in 1,000 users costs 1,000 scrypt checks; these are the tokens the gateway would sign.
    const tokens = rows.map((u) =>
      signAccessToken(
        {
          userId: u.id,
          username: u.username,
          displayName: u.username,
          roles: [GROUP_ROLE],
          branchId: HEAD_OFFICE,
          branchScope: 'all',
        },
        system.jwtPrivateKey,
      ),
    );
    await new Promise((r) => setTimeout(r, 1000));
    gc();
    const rssBefore = process.memoryUsage().rss;

    progress(`${SUBSCRIBERS} streams through the gateway`);
    const connecting = process.hrtime.bigint();
    child.send({ kind: 'connect', baseUrl: system.baseUrl, tokens } satisfies ToSubscribers);
    const connected = await reply(120_000);
    if (connected.kind !== 'connected') throw new Error(JSON.stringify(connected));
    await until(
      'every stream watched by the service',
      async () => system.notifications.openStreams() >= SUBSCRIBERS,
      60_000,
    );
    const connectSeconds = seconds(connecting);
    await new Promise((r) => setTimeout(r, 1000));
    gc();
    const rssOpen = process.memoryUsage().rss;

    progress('one task for the whole group');
    child.send({ kind: 'expect', timeoutMs: 30_000 } satisfies ToSubscribers);
    const task = taskCreated({ branchId: HEAD_OFFICE, candidateGroups: [GROUP_ROLE] });
    const profile = await startProfile();
    const published = process.hrtime.bigint();
    const eventId = await publishEvent(bus, 'workflow.task.created', task.taskId, task.data);
    // When the fan-out committed: the split between storing and relaying to the streams.
    let storedMs = NaN;
    const watchStored = until(
      'the messages stored',
      async () => {
        const { rows } = await system.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${system.schemas.notifications}.messages WHERE event_id = $1`,
          [eventId],
        );
        if (rows[0]!.n < SUBSCRIBERS) return false;
        storedMs = Number(process.hrtime.bigint() - published) / 1e6;
        return true;
      },
      30_000,
    );
    const arrivals = await reply(60_000);
    if (arrivals.kind !== 'arrivals') throw new Error(JSON.stringify(arrivals));
    await watchStored;
    await profile?.stop();
    gc();
    const rssAfter = process.memoryUsage().rss;
    return {
      subscribers: SUBSCRIBERS,
      arrived: arrivals.at.length,
      storedMs,
      latency: latencies(arrivals.at.map((t) => Number(BigInt(t) - published) / 1e6)),
      rssBefore,
      rssOpen,
      rssAfter,
      connectSeconds,
    };
  } finally {
    if (child.connected) child.send({ kind: 'close' } satisfies ToSubscribers);
    await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r(undefined)));
    await bus.close();
    await system.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const load = loadavg();
  // The infrastructure the infra script started (as startSystem reads it).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resolveEndpoints } = require('@loanflow/test/infra/endpoints.js') as {
    resolveEndpoints(): Record<string, string>;
  };
  for (const [k, v] of Object.entries(resolveEndpoints())) process.env[k] ??= v;

  for (const part of PARTS)
    if (!['fanout', 'email', 'sse'].includes(part))
      throw new Error(`BENCH_NF_PARTS: unknown part "${part}" (fanout, email, sse)`);
  // The streams first: their RSS is measured before the fan-out and the e-mail burst have grown
  // this process's heap (a full GC gives the heap back to V8, not all of it to the system).
  const live = PARTS.includes('sse') ? await sse() : undefined;
  const fan = PARTS.includes('fanout') ? await fanOut() : undefined;
  const mails = PARTS.includes('email') ? await email() : undefined;

  console.log('LoanFlow notifications benchmark (issue 11 §8)');
  console.log(hostLine(load));
  if (fan) printFanOut(fan.results, fan.config);
  if (mails) printEmail(mails);
  if (live) printSse(live);
}

function printFanOut(fan: FanOut[], config: NotificationsConfig): void {
  console.log(
    `\n1. Fan-out: ${EVENTS} workflow.task.created events consumed by the service alone (EVENTS_CONCURRENCY ${config.EVENTS_CONCURRENCY}, DATABASE_POOL_MAX ${config.DATABASE_POOL_MAX}), ${USERS} recipients; timed from start() to the last message stored (target ≥ 2,000 messages/s)`,
  );
  console.log(
    table(
      ['recipients', 'events', 'messages', 's', 'events/s', 'messages/s', 'bare INSERT/s', 'ratio'],
      fan.map((r) => [
        r.variant,
        r.events,
        r.messages,
        f1(r.seconds),
        f1(r.events / r.seconds),
        f1(r.messages / r.seconds),
        f1(r.messages / r.bareSeconds),
        f2(r.bareSeconds / r.seconds),
      ]),
    ),
  );
  console.log(
    `Bare: the same message rows, one autocommit INSERT each (same columns and indexes), ${config.EVENTS_CONCURRENCY} connections; ratio = messages/s ÷ bare INSERT/s. The service also writes per message a delivery-log row and an outbox event (notifications.message.sent), and per event an inbox row and the counters.`,
  );
  console.log(
    table(
      ['recipients', 'start-up ms', 'process CPU ms/msg', 'postgres CPU ms/msg', 'host busy'],
      fan.map((r) => [
        r.variant,
        f1(r.startupMs),
        f2(r.cpu.processMs / r.messages),
        f2(r.cpu.postgresMs / r.messages),
        `${Math.round(r.cpu.hostBusy * 100)}%`,
      ]),
    ),
  );
}

function printEmail(mails: EmailRun[]): void {
  console.log(
    `\n2. E-mail: ${EMAILS} e-mails sent at once through the pooled SMTP channel (STARTTLS, AUTH) to a local SMTP server in this process (target ≥ 200/s)`,
  );
  console.log(
    table(
      ['SMTP_POOL_SIZE', 'server parses', 'e-mails', 's', 'e-mails/s', 'process CPU ms/mail'],
      mails.map((r) => [
        r.poolSize,
        r.parsed ? 'yes (mailparser)' : 'no',
        r.emails,
        f2(r.seconds),
        f1(r.emails / r.seconds),
        f2(r.cpu.processMs / r.emails),
      ]),
    ),
  );
}

function printSse(live: SseRun): void {
  console.log(
    `\n3. SSE: ${live.subscribers} streams through the gateway (clients in a child process), one workflow.task.created for a head-office group all of them hold; latency from the publish to the event parsed by the client (targets p99 ≤ 1 s, extra RSS ≤ 100 MB)`,
  );
  console.log(
    table(
      ['streams', 'arrived', 'connect s', 'stored ms', 'p50 ms', 'p99 ms', 'max ms'],
      [
        [
          live.subscribers,
          live.arrived,
          f1(live.connectSeconds),
          f1(live.storedMs),
          f1(live.latency.p50),
          f1(live.latency.p99),
          f1(live.latency.max),
        ],
      ],
    ),
  );
  console.log(
    table(
      [
        `RSS of the system process${(globalThis as { gc?: unknown }).gc ? ' (after a full GC)' : ''}`,
        'MB',
        'extra MB',
      ],
      [
        ['before connecting', f1(mb(live.rssBefore)), '-'],
        [
          `${live.subscribers} streams open`,
          f1(mb(live.rssOpen)),
          f1(mb(live.rssOpen - live.rssBefore)),
        ],
        ['after the notification', f1(mb(live.rssAfter)), f1(mb(live.rssAfter - live.rssBefore))],
      ],
    ),
  );
}

if (process.argv[2] === SUBSCRIBERS_ARG) subscribersProcess();
else runBench(main);
