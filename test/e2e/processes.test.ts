import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ObjectStore } from '@loanflow/documents';
import { DEMO_PASSWORD } from '@loanflow/identity';
import {
  seedDemoBook,
  START_ORDER,
  startProcesses,
  type ComponentName,
  type RunningProcesses,
} from '@loanflow/launcher';
import { createLogger, generatePiiKey, generateSigningKeys } from '@loanflow/platform';
import { connect } from 'nats';
import pg from 'pg';
import { mobile, residentId } from '../support/identities';
import { lifecycle } from '../support/lifecycle';
import { eventually } from '../support/poll';

/**
 * The system as it is deployed: eight OS processes (seven services and the gateway), started from
 * their entry points with the variables their pods get, finding each other at `<SERVICE>_ADDR`.
 * Each process in turn is sent SIGTERM while bankers use the system, and started again: no
 * request the gateway accepted fails, and the system answers again once the process is back.
 */
jest.setTimeout(180000);

const suffix = randomBytes(4).toString('hex');
const SCHEMAS: Record<ComponentName, string> = {
  identity: `t_pid_${suffix}`,
  notifications: `t_pnf_${suffix}`,
  reporting: `t_prep_${suffix}`,
  accounting: `t_pacct_${suffix}`,
  applications: `t_papps_${suffix}`,
  documents: `t_pdocs_${suffix}`,
  workflow: `t_pwf_${suffix}`,
  gateway: `t_pgw_${suffix}`,
};
const schemaVariable = (name: ComponentName) => `${name.toUpperCase()}_DB_SCHEMA`;

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const natsUrl = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const bucket = `t-pdocs-${suffix}`;
const reportStreamsDir = mkdtempSync(join(tmpdir(), `loanflow-proc-streams-${suffix}-`));
/** The processes' output, kept for the failure message of a test that goes wrong. */
const output: string[] = [];

let processes: RunningProcesses | undefined;
let tokens: Record<string, string> = {};
const baseUrl = () => processes!.baseUrl;

async function login(username: string): Promise<string> {
  if (tokens[username]) return tokens[username];
  const res = await send('POST', '/api/v1/auth/login', undefined, {
    username,
    password: DEMO_PASSWORD,
  });
  if (!('status' in res) || res.status !== 200)
    throw new Error(`login ${username}: ${JSON.stringify(res)}`);
  return (tokens[username] = (JSON.parse(res.body) as { accessToken: string }).accessToken);
}

type Sent = { status: number; body: string } | { error: string };

/**
 * One request on a connection of its own (no keep-alive): a connection refused is then told apart
 * from a request cut off after the gateway accepted it.
 */
function send(method: string, path: string, token?: string, body?: unknown): Promise<Sent> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = request(
      `${baseUrl()}${path}`,
      {
        method,
        agent: false,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: text }));
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ error: err.code ?? err.message }),
        );
      },
    );
    req.setTimeout(30000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end(payload);
  });
}

/** What the bankers do all day, each request named after the service that answers it. */
const TRAFFIC: {
  touches: ComponentName;
  who: string;
  method: string;
  path: () => string;
  body?: () => unknown;
  status: number;
}[] = [
  { touches: 'identity', who: 'admin', method: 'GET', path: () => '/branches', status: 200 },
  {
    touches: 'applications',
    who: 'am.li',
    method: 'GET',
    path: () => '/applications?pageSize=5',
    status: 200,
  },
  {
    touches: 'applications',
    who: 'am.li',
    method: 'POST',
    path: () => '/customers',
    body: () => ({
      type: 'individual',
      name: '顾客',
      individual: { residentId: residentId(), mobile: mobile(), monthlyIncome: '20000.00' },
    }),
    status: 201,
  },
  {
    touches: 'workflow',
    who: 'am.li',
    method: 'GET',
    path: () => '/tasks?scope=mine',
    status: 200,
  },
  {
    touches: 'accounting',
    who: 'admin',
    method: 'GET',
    path: () => '/business-days/current',
    status: 200,
  },
  {
    touches: 'documents',
    who: 'am.li',
    method: 'GET',
    path: () => `/applications/${applicationId}/checklist?stage=market_routing`,
    status: 200,
  },
  {
    touches: 'notifications',
    who: 'am.li',
    method: 'GET',
    path: () => '/notifications/unread-count',
    status: 200,
  },
  { touches: 'reporting', who: 'admin', method: 'GET', path: () => '/reports', status: 200 },
];
let applicationId = '';

interface Outcome {
  touches: ComponentName;
  what: string;
  startedAt: number;
  endedAt: number;
  ok: boolean;
  /** The connection was refused: the gateway never saw the request. */
  refused: boolean;
  detail: string;
}

/**
 * Whether the gateway is in the load balancer's endpoints. Kubernetes takes a pod out of its
 * Service's endpoints when it starts terminating it, at the time it sends SIGTERM; the test does
 * the same around the gateway's restart, and the gateway serves what was already on its way
 * (SHUTDOWN_NOT_SERVING_MS) before it closes its listener.
 */
const endpoint = { ready: true };
const untilEndpointReady = async () => {
  while (!endpoint.ready) await new Promise((r) => setTimeout(r, 10));
};

/** Loops of bankers' requests until stopped; every outcome is kept. */
function traffic(loops: number) {
  const outcomes: Outcome[] = [];
  let running = true;
  const loop = async (start: number) => {
    for (let i = start; running; i++) {
      await untilEndpointReady();
      const t = TRAFFIC[i % TRAFFIC.length]!;
      const startedAt = Date.now();
      const res = await send(t.method, `/api/v1${t.path()}`, tokens[t.who], t.body?.());
      const refused = 'error' in res && res.error === 'ECONNREFUSED';
      outcomes.push({
        touches: t.touches,
        what: `${t.method} ${t.path()}`,
        startedAt,
        endedAt: Date.now(),
        ok: 'status' in res && res.status === t.status,
        refused,
        detail: 'status' in res ? `${res.status} ${res.body.slice(0, 300)}` : res.error,
      });
      // The gateway is down: the client tries again shortly, as a load balancer's client would.
      if (refused) await new Promise((r) => setTimeout(r, 20));
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, i) => loop(i * 2)));
  return {
    outcomes,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

const { complete } = lifecycle(() => ({ baseUrl: baseUrl(), login }));

describe('the system as separate OS processes', () => {
  beforeAll(async () => {
    const keys = generateSigningKeys();
    const serviceKeys = generateSigningKeys();
    const serviceEnv: Partial<Record<ComponentName, NodeJS.ProcessEnv>> = {};
    for (const name of START_ORDER) serviceEnv[name] = { [schemaVariable(name)]: SCHEMAS[name] };
    Object.assign(serviceEnv.identity!, { IDENTITY_DEMO_SEED: 'true' });
    // As the gateway's pods are given it: served for a second after SIGTERM before it closes.
    Object.assign(serviceEnv.gateway!, { SHUTDOWN_NOT_SERVING_MS: '1000' });
    Object.assign(serviceEnv.applications!, { SERVICE_TOKEN_PUBLIC_KEY: serviceKeys.publicKey });
    Object.assign(serviceEnv.notifications!, { SERVICE_TOKEN_PRIVATE_KEY: serviceKeys.privateKey });
    Object.assign(serviceEnv.reporting!, { REPORT_STREAMS_DIR: reportStreamsDir });
    Object.assign(serviceEnv.documents!, {
      S3_ENDPOINT: process.env.S3_ENDPOINT,
      S3_ACCESS_KEY: process.env.S3_ACCESS_KEY,
      S3_SECRET_KEY: process.env.S3_SECRET_KEY,
      S3_REGION: process.env.S3_REGION,
      DOCUMENTS_BUCKET: bucket,
    });
    processes = await startProcesses({
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        NATS_URL: natsUrl,
        AUTH_JWT_PRIVATE_KEY: keys.privateKey,
        AUTH_JWT_PUBLIC_KEY: keys.publicKey,
        PII_ENCRYPTION_KEY: generatePiiKey(),
        PII_INDEX_KEY: generatePiiKey(),
        LOG_LEVEL: 'warn',
        SHUTDOWN_TIMEOUT_MS: '5000',
        // A process restarted in place on this machine (shared with other test runs) can take
        // longer than the default 5 s to serve again; the gateway's calls wait for it that long.
        GATEWAY_RPC_TIMEOUT_MS: '30000',
        // This deployment's events only; it is new, so "all" of its events are those from now.
        EVENTS_NAMESPACE: `p${suffix}`,
        EVENTS_START_AT: 'all',
        KAFKA_BROKERS: '',
      },
      serviceEnv,
      output: new Writable({
        write(chunk: Buffer, _encoding, callback) {
          output.push(chunk.toString());
          if (output.length > 400) output.shift();
          callback();
        },
      }),
    });
  });

  afterAll(async () => {
    await processes?.stop();
    const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    for (const schema of Object.values(SCHEMAS))
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
    // The durable consumers are named after their service's schema.
    const nc = await connect({ servers: natsUrl });
    const jsm = await nc.jetstreamManager();
    for (const c of await jsm.consumers.list('LOANFLOW').next())
      if (Object.values(SCHEMAS).some((s) => c.name.startsWith(s)))
        await jsm.consumers.delete('LOANFLOW', c.name);
    await nc.close();
    const store = new ObjectStore(
      {
        endpoint: process.env.S3_ENDPOINT!,
        accessKey: process.env.S3_ACCESS_KEY!,
        secretKey: process.env.S3_SECRET_KEY!,
        region: process.env.S3_REGION ?? 'us-east-1',
        bucket,
        partSizeMb: 5,
      },
      createLogger('test', 'silent'),
    );
    for (const key of await store.list('').catch(() => []))
      await store.discard(key).catch(() => undefined);
    await store.client.removeBucket(bucket).catch(() => undefined);
    rmSync(reportStreamsDir, { recursive: true, force: true });
  });

  it('runs the approval flow, and drains and comes back when each process is sent SIGTERM', async () => {
    const running = processes!;
    expect(Object.keys(running.pids()).sort()).toEqual([...START_ORDER].sort());
    expect(new Set(Object.values(running.pids())).size).toBe(8);

    // The demo data of `npm start`, entered through the gateway as the account managers would.
    await seedDemoBook(running.baseUrl, DEMO_PASSWORD, createLogger('test', 'silent'));
    tokens = {};
    for (const who of ['admin', 'am.li']) await login(who);
    const listed = await send('GET', '/api/v1/applications?pageSize=50', tokens['am.li']);
    // 王秀英's home renovation loan, submitted by the demo book: it waits at market routing.
    const submitted = (
      JSON.parse((listed as { body: string }).body) as {
        items: { id: string; status: string; purpose: string }[];
      }
    ).items.find((a) => a.purpose === 'Home renovation');
    expect(submitted?.status).toBe('submitted');
    applicationId = submitted!.id;
    await complete('market.wang', applicationId, 'market_routing');
    await complete('group.chen', applicationId, 'credit_officer_assignment', {
      creditOfficer: 'credit.zhou',
    });

    const restarts: string[] = [];
    for (const name of START_ORDER) {
      const load = traffic(4);
      const touchesIt = (o: Outcome) => name === 'gateway' || o.touches === name;
      // The bankers are at work before the process is stopped.
      await eventually(`traffic before ${name} stops`, async () =>
        load.outcomes.filter((o) => o.ok).length >= TRAFFIC.length ? true : undefined,
      );
      const pid = running.pids()[name];
      const stoppingAt = Date.now();
      if (name === 'gateway') endpoint.ready = false;
      expect(await running.terminate(name)).toBe(0);
      await running.start(name);
      const backAt = Date.now();
      endpoint.ready = true;
      restarts.push(`${name} ${backAt - stoppingAt} ms`);
      expect(running.pids()[name]).not.toBe(pid);
      // Answered again by the new process.
      await eventually(
        `${name} answers again`,
        async () =>
          load.outcomes.some((o) => touchesIt(o) && o.ok && o.startedAt >= backAt) || undefined,
        30000,
      );
      await load.stop();

      const failed = load.outcomes.filter((o) => !o.ok && !o.refused);
      if (failed.length > 0)
        throw new Error(
          `${name} (SIGTERM at ${stoppingAt}, back at ${backAt}): ${failed.length} requests failed: ${JSON.stringify(failed.slice(0, 5))}\n${output.slice(-40).join('')}`,
        );
      // No connection is turned away: what was routed to the gateway before it left the
      // endpoints reached it while it still listened.
      const refused = load.outcomes.filter((o) => o.refused);
      expect(refused).toEqual([]);
      if (name !== 'gateway') {
        // Requests for it were made while it was away, and waited for it rather than failing.
        const meanwhile = load.outcomes.filter(
          (o) => touchesIt(o) && o.startedAt < backAt && o.endedAt > stoppingAt,
        );
        expect(meanwhile.length).toBeGreaterThan(0);
        expect(meanwhile.every((o) => o.ok)).toBe(true);
      }
    }

    console.log(`restarted in place: ${restarts.join(', ')}`);

    // Still one system end to end: the application goes on to its approval.
    await complete('credit.zhou', applicationId, 'investigation', {
      opinion: 'recommend',
      recommendedAmount: '150000.00',
      recommendedRatePercent: '3.6000',
      recommendedTermMonths: 24,
    });
    await complete('review.wu', applicationId, 'pre_meeting_review');
    await complete('final.guo', applicationId, 'small_loan_approval', {
      approvedAmount: '150000.00',
      approvedRatePercent: '3.6000',
      approvedTermMonths: 24,
    });
    const res = await send('GET', `/api/v1/applications/${applicationId}/process`, tokens['am.li']);
    const process = JSON.parse((res as { body: string }).body) as {
      activeElementIds: string[];
      history: { action: string; elementId: string }[];
    };
    expect(process.activeElementIds).toEqual([]);
    expect(
      process.history
        .filter((e) => e.action === 'completed')
        .map((e) => e.elementId)
        .at(-1),
    ).toBe('Task_SmallLoanApproval');
    // Every step above went through the processes that had been restarted: one each.
    expect(Object.keys(running.pids()).sort()).toEqual([...START_ORDER].sort());
  });
});
