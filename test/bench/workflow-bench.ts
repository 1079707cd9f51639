import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import {
  commonEnv,
  createLogger,
  createPool,
  generateSigningKeys,
  JetStreamBus,
  signAccessToken,
  type Pool,
} from '@loanflow/platform';
import {
  DEFAULT_PROCESS_FILE,
  engine,
  loadWorkflowConfig,
  parseDefinition,
  start as startWorkflow,
  type RunningWorkflow,
} from '@loanflow/workflow';
import {
  formFor,
  pathOfAmount,
  PRINCIPALS,
  startVariables,
  SUBMITTED_SUBJECT,
  submittedEnvelope,
  userFor,
  type CreditPath,
} from './credit-chain';
import { startDocumentsPeer, type DocumentsPeer } from '../support/documents-peer';
import type { ChainJob, ChainMessage, FirstTask } from './grpc-clients';
import { startIdentityServer } from '../support/identity-server';
import {
  cpuSnapshot,
  cpuUse,
  f1,
  f2,
  hostLine,
  intList,
  latencies,
  pct,
  positive,
  progress,
  table,
  type CpuUse,
  type Latencies,
  runBench,
} from './report';

/**
 * Throughput of the workflow service on the default credit approval process with full history:
 * the pure engine in memory, whole instances through the service (application.submitted on NATS,
 * then every task completed over gRPC), and task completions per second over gRPC at several
 * concurrencies, beside the bare single-row UPDATEs per second of the same PostgreSQL at the same
 * concurrency. Prints figures; asserts nothing.
 *
 *   BENCH_CLIENTS="1,8,32"      concurrency levels of the task completions and the bare UPDATEs
 *   BENCH_SECONDS=10            measured seconds per level and per side
 *   BENCH_WARMUP_SECONDS=2      unmeasured seconds before each
 *   BENCH_INSTANCE_CLIENTS=32   clients of the whole-instance run (default: the largest level)
 *   BENCH_ENGINE_SECONDS=2      seconds of the in-memory engine per path
 *   BENCH_MAX_INSTANCES=30000   cap on the instances started ahead for the task completions
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const REQUEST_TIMEOUT_MS = 15_000;

const LEVELS = intList('BENCH_CLIENTS', [1, 8, 32]);
const SECONDS = positive('BENCH_SECONDS', 10, 300) || 10;
const WARMUP_SECONDS = positive('BENCH_WARMUP_SECONDS', 2, 60);
const INSTANCE_CLIENTS = positive('BENCH_INSTANCE_CLIENTS', Math.max(...LEVELS), 256) || 1;
const ENGINE_SECONDS = positive('BENCH_ENGINE_SECONDS', 2, 60) || 2;
const MAX_INSTANCES = positive('BENCH_MAX_INSTANCES', 30_000, 1_000_000);
const BARE_ROWS = 1000;

/** The aim (#3 §8) and its points of comparison. */
const TARGET_COMPLETIONS_PER_SECOND = 1000;
const REFERENCES = [
  'Camunda 7: 698 process instances/s with full history, 4-core laptop, PostgreSQL (published benchmark)',
  "Camunda 8 self-managed baseline: 100 tasks/s on three 3-vCPU brokers (Zeebe's sizing baseline)",
];

// ---------------------------------------------------------------------------------------------
// 1a. The pure engine, in memory

interface EngineResult {
  path: CreditPath;
  instances: number;
  tasks: number;
  ms: number;
  historyEntries: number;
  stateBytes: number;
}

type Model = Extract<Awaited<ReturnType<typeof parseDefinition>>, { ok: true }>['model'];

/** Start + every task completion to the end; returns the final state. */
async function runEngineInstance(
  model: Model,
  path: CreditPath,
  now: string,
): Promise<{ state: engine.InstanceState; tasks: number }> {
  const who = (userId: string) => ({
    userId,
    groups: [...PRINCIPALS.find((p) => p.userId === userId)!.roles],
  });
  let { state } = await engine.start(
    model,
    startVariables(path) as engine.InstanceState['variables'],
    now,
    who('am-1'),
  );
  let tasks = 0;
  for (;;) {
    const task = state.tasks.find((t) => t.status === 'open');
    if (!task) break;
    const formData = formFor(task.stepCode) as engine.InstanceState['variables'];
    ({ state } = await engine.completeTask(
      model,
      state,
      task.id,
      who(userFor(task.stepCode, task.assignee)),
      // As the service passes it: the form fields become variables, with the outcome.
      {
        outcome: 'approve',
        opinion: 'agreed',
        formData,
        variables: { ...formData, outcome: 'approve' },
      },
      now,
    ));
    tasks++;
  }
  if (state.status === 'active') throw new Error(`the ${path} instance did not end`);
  return { state, tasks };
}

async function engineRun(model: Model, path: CreditPath): Promise<EngineResult> {
  const now = new Date().toISOString();
  for (let i = 0; i < 200; i++) await runEngineInstance(model, path, now); // warm-up (JIT, FEEL)
  const t0 = performance.now();
  let instances = 0;
  let tasks = 0;
  let last: engine.InstanceState | undefined;
  while (performance.now() - t0 < ENGINE_SECONDS * 1000) {
    const r = await runEngineInstance(model, path, now);
    instances++;
    tasks += r.tasks;
    last = r.state;
  }
  return {
    path,
    instances,
    tasks,
    ms: performance.now() - t0,
    historyEntries: last?.history.length ?? 0,
    stateBytes: last ? Buffer.byteLength(JSON.stringify(last)) : 0,
  };
}

// ---------------------------------------------------------------------------------------------
// 1b and 2. Through the service

interface Service {
  schema: string;
  workflow: RunningWorkflow;
  bus: JetStreamBus;
  db: Pool;
  address: string;
  tokens: Record<string, string>;
  identity: { stop(): Promise<void> };
  documents: DocumentsPeer;
}

async function startService(): Promise<Service> {
  const schema = `bench_wf_${randomBytes(4).toString('hex')}`;
  const keys = generateSigningKeys();
  // The directory the workflow checks named people against: the users of the walk.
  const identity = await startIdentityServer(() =>
    PRINCIPALS.map((p) => ({ id: p.userId, username: p.username, roles: p.roles })),
  );
  // The gate is always on: each completion asks a documents service (here one with nothing missing).
  const documents = await startDocumentsPeer();
  const config = loadWorkflowConfig({
    IDENTITY_ADDR: identity.address,
    DOCUMENTS_ADDR: documents.addr,
    DATABASE_URL,
    NATS_URL,
    WORKFLOW_DB_SCHEMA: schema,
    WORKFLOW_GRPC_HOST: '127.0.0.1',
    WORKFLOW_GRPC_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    // A fresh durable consumer must not replay every application.submitted the stream holds.
    EVENTS_START_AT: 'new',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const log = createLogger('workflow-bench', config.LOG_LEVEL);
  const bus = await JetStreamBus.connect({ url: NATS_URL, name: `bench-${schema}`, log });
  let workflow: RunningWorkflow;
  try {
    workflow = await startWorkflow(config, { bus, log });
  } catch (err) {
    await bus.close();
    throw err;
  }
  const db = createPool({ connectionString: DATABASE_URL, schema, max: 2 });
  const tokens: Record<string, string> = {};
  for (const p of PRINCIPALS) tokens[p.userId] = signAccessToken(p, keys.privateKey, 3600);
  return {
    schema,
    workflow,
    bus,
    db,
    address: `127.0.0.1:${workflow.grpcPort}`,
    tokens,
    identity,
    documents,
  };
}

async function stopService(s: Service): Promise<void> {
  const step = async (what: string, f: () => Promise<unknown>) => {
    try {
      await f();
    } catch (err) {
      progress(`${what}: ${String(err)}`);
    }
  };
  await step('stopping the workflow service', () => s.workflow.stop());
  await step('stopping the documents peer', () => s.documents.stop());
  for (const d of s.workflow.consumers)
    await step(`deleting consumer ${d}`, () => s.bus.deleteConsumer(d));
  await step('closing NATS', () => s.bus.close());
  await step(`dropping ${s.schema}`, () => s.db.query(`DROP SCHEMA IF EXISTS ${s.schema} CASCADE`));
  await step('closing the pool', () => s.db.end());
  await step('stopping the user directory', () => s.identity.stop());
}

interface ChainResult {
  clients: number;
  completions: number;
  completionsPerSecond: number;
  completion: Latencies;
  instances: number;
  instancesPerSecond: number;
  instance: Latencies;
  start: Latencies;
  errors: number;
  warmupErrors: number;
  errorSamples: string[];
  exhausted: number;
  cpu: CpuUse;
  clientsCpuMs: number;
}

function chainLevel(job: ChainJob): Promise<ChainResult> {
  const worker = new Worker(join(__dirname, 'grpc-clients.js'), { workerData: job });
  let cpu0 = cpuSnapshot();
  let settled = false;
  const result = new Promise<ChainResult>((resolve, reject) => {
    worker.on('message', (m: ChainMessage) => {
      if (m.kind === 'measuring') {
        cpu0 = cpuSnapshot();
        return;
      }
      settled = true;
      const perSecond = (n: number) => (m.elapsedMs > 0 ? (n * 1000) / m.elapsedMs : 0);
      resolve({
        clients: job.clients,
        completions: m.completionMs.length,
        completionsPerSecond: perSecond(m.completionMs.length),
        completion: latencies(m.completionMs),
        instances: m.instanceMs.length,
        instancesPerSecond: perSecond(m.instanceMs.length),
        instance: latencies(m.instanceMs),
        start: latencies(m.startMs),
        errors: m.errors,
        warmupErrors: m.warmupErrors,
        errorSamples: m.errorSamples,
        exhausted: m.exhausted,
        cpu: cpuUse(cpu0),
        clientsCpuMs: m.cpuMs,
      });
    });
    worker.on('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`load worker exited with ${code} before reporting`));
    });
  });
  return result.finally(() => worker.terminate());
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Instances waiting at their first task, which no level has touched yet. */
async function openFirstTasks(s: Service): Promise<FirstTask[]> {
  const { rows } = await s.db.query<{ id: string; amount: string }>(
    "SELECT id, amount::text AS amount FROM tasks WHERE state = 'open' AND step = 'market_routing' ORDER BY created_at, id",
  );
  return rows.map((r) => ({ taskId: r.id, path: pathOfAmount(r.amount) }));
}

interface StartRun {
  instances: number;
  ms: number;
}

/**
 * Starts `count` instances the way production does (application.submitted on NATS, half of them
 * small loans) and waits until each waits at its first task. The service's consumer handles the
 * events one at a time, so this also measures how fast instances can be started.
 */
async function startInstances(s: Service, count: number, have: number): Promise<StartRun> {
  const t0 = performance.now();
  for (let i = 0; i < count; i += 250) {
    await Promise.all(
      Array.from({ length: Math.min(250, count - i) }, (_, j) =>
        s.bus.publish(
          SUBMITTED_SUBJECT,
          submittedEnvelope(randomUUID(), (i + j) % 2 ? 'committee' : 'small-loan'),
          { msgId: randomUUID() },
        ),
      ),
    );
  }
  const until = Date.now() + 120_000 + count * 20;
  for (;;) {
    const { rows } = await s.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tasks WHERE state = 'open' AND step = 'market_routing'",
    );
    if (rows[0]!.n >= have + count) break;
    if (Date.now() > until)
      throw new Error(`only ${rows[0]!.n - have} of ${count} instances started in time`);
    await sleep(20);
  }
  return { instances: count, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------
// 3. Bare PostgreSQL: a pgbench-style single-row UPDATE, autocommit

interface BareResult {
  clients: number;
  tx: number;
  perSecond: number;
  tx1: Latencies;
  errors: number;
  errorSamples: string[];
  cpu: CpuUse;
}

async function bareLevel(pool: Pool, clients: number): Promise<BareResult> {
  const t0 = process.hrtime.bigint();
  const ms = (t: bigint) => Number(t - t0) / 1e6;
  const from = WARMUP_SECONDS * 1000;
  const until = from + SECONDS * 1000;
  const samples: number[] = [];
  const errorSamples = new Set<string>();
  let errors = 0;
  let cpu0 = cpuSnapshot();
  const measuring = setTimeout(() => (cpu0 = cpuSnapshot()), from);

  const loop = async () => {
    for (;;) {
      const start = process.hrtime.bigint();
      const at = ms(start);
      if (at >= until) return;
      try {
        await pool.query('UPDATE accounts SET balance = balance + $2 WHERE id = $1', [
          1 + Math.floor(Math.random() * BARE_ROWS),
          Math.floor(Math.random() * 10_000) - 5000,
        ]);
        const end = process.hrtime.bigint();
        const endAt = ms(end);
        if (endAt >= from && endAt < until) samples.push(Number(end - start) / 1e6);
      } catch (err) {
        if (at >= from) errors++;
        if (errorSamples.size < 5) errorSamples.add((err as Error).message);
        await sleep(50);
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, loop));
  clearTimeout(measuring);
  return {
    clients,
    tx: samples.length,
    perSecond: (samples.length * 1000) / (SECONDS * 1000),
    tx1: latencies(samples),
    errors,
    errorSamples: [...errorSamples],
    cpu: cpuUse(cpu0),
  };
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const engineResults: EngineResult[] = [];
  let whole: ChainResult | undefined;
  const starts: StartRun[] = [];
  const levels: ChainResult[] = [];
  const bare: BareResult[] = [];
  let service: Service | undefined;
  const bareSchema = `bench_bare_${randomBytes(4).toString('hex')}`;
  const barePool = createPool({
    connectionString: DATABASE_URL,
    schema: bareSchema,
    max: Math.max(...LEVELS),
    applicationName: 'workflow-bench',
  });
  let pgVersion = '?';
  let pgSettings = '?';
  let parseMs = NaN;
  try {
    const settings = await barePool.query<{ version: string; sc: string; fsync: string }>(
      `SELECT version(), current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fsync`,
    );
    pgVersion = settings.rows[0]!.version;
    pgSettings = `synchronous_commit=${settings.rows[0]!.sc}, fsync=${settings.rows[0]!.fsync}`;
    await barePool.query(`CREATE SCHEMA ${bareSchema}`);
    await barePool.query(
      `CREATE TABLE accounts (id integer PRIMARY KEY, balance bigint NOT NULL DEFAULT 0, filler char(84));
       INSERT INTO accounts (id) SELECT generate_series(1, ${BARE_ROWS})`,
    );
    await barePool.query('VACUUM ANALYZE accounts');

    progress(`in-memory engine: ${ENGINE_SECONDS} s per path`);
    const xml = readFileSync(DEFAULT_PROCESS_FILE, 'utf8');
    const p0 = performance.now();
    const parsed = await parseDefinition(xml);
    parseMs = performance.now() - p0;
    if (!parsed.ok) throw new Error(`the default process is refused: ${JSON.stringify(parsed)}`);
    for (const path of ['small-loan', 'committee'] as const)
      engineResults.push(await engineRun(parsed.model, path));

    progress('starting the workflow service');
    service = await startService();
    const base = {
      address: service.address,
      tokens: service.tokens,
      natsUrl: NATS_URL,
      databaseUrl: DATABASE_URL,
      schema: service.schema,
      warmupMs: WARMUP_SECONDS * 1000,
      measureMs: SECONDS * 1000,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    };

    progress(
      `whole instances, ${INSTANCE_CLIENTS} client(s): ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`,
    );
    whole = await chainLevel({ ...base, mode: 'instances', clients: INSTANCE_CLIENTS, queues: [] });
    await service.workflow.flushOutbox();

    // Enough started instances for each level: at the whole-instance run's rate of completions
    // (completions alone run faster than whole instances: a wide margin), 6.5 tasks per instance on average; unused ones carry over.
    const estimate = Math.max(200, whole.completionsPerSecond * 3);
    for (const clients of LEVELS) {
      const want = Math.min(
        MAX_INSTANCES,
        Math.ceil((estimate * (WARMUP_SECONDS + SECONDS)) / 6.5) + 2 * clients,
      );
      const have = (await openFirstTasks(service)).length;
      if (have < want) {
        progress(`starting ${want - have} instances by application.submitted`);
        starts.push(await startInstances(service, want - have, have));
        await service.workflow.flushOutbox();
      }
      const open = await openFirstTasks(service);
      const queues: FirstTask[][] = Array.from({ length: clients }, () => []);
      open.forEach((t, i) => queues[i % clients]!.push(t));
      progress(
        `task completions, ${clients} client(s): ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`,
      );
      levels.push(await chainLevel({ ...base, mode: 'tasks', clients, queues }));
      // The relay's backlog is part of the service's load, not of the bare side's.
      await service.workflow.flushOutbox();
      progress(
        `bare PostgreSQL UPDATE, ${clients} connection(s): ${WARMUP_SECONDS} s warm-up + ${SECONDS} s`,
      );
      bare.push(await bareLevel(barePool, clients));
    }
  } finally {
    if (service) await stopService(service);
    await barePool
      .query(`DROP SCHEMA IF EXISTS ${bareSchema} CASCADE`)
      .catch((err: unknown) => progress(`dropping ${bareSchema}: ${String(err)}`));
    await barePool.end();
  }

  const poolMax = commonEnv.DATABASE_POOL_MAX.parse(undefined);
  const perUnit = (ms: number, n: number) => (n > 0 ? ms / n : NaN);
  console.log('');
  console.log(
    'LoanFlow workflow benchmark: the default credit approval process (credit-approval.bpmn), full history',
  );
  console.log(hostLine(loadAtStart));
  console.log(pgVersion);
  console.log(`PostgreSQL ${pgSettings} | workflow service pool: ${poolMax} connections (default)`);
  console.log(
    `per level ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured | workflow service in this process (one event loop), gRPC clients in a worker thread over one HTTP/2 channel on 127.0.0.1`,
  );
  console.log(
    'Paths: small loan (300,000) = 5 tasks: market routing, officer assignment, investigation, pre-meeting review, small-loan approval; committee (800,000) = 8 tasks: the same first four, 2 of 3 votes (the third is cancelled), risk assessment, final approval. Every task is completed with "approve", an opinion and the step\'s form data.',
  );

  console.log('');
  console.log(
    `1a. Engine in memory, start to end: parse once (${f1(parseMs)} ms), then start + every completion per instance, one after another on one thread; no I/O. History = the state's history entries at the end, state = its JSON size.`,
  );
  console.log(
    table(
      [
        'path',
        'instances',
        'instances/s',
        'tasks/instance',
        'tasks/s',
        'µs/command',
        'history entries',
        'state KiB',
      ],
      engineResults.map((e) => [
        e.path,
        e.instances,
        f1((e.instances * 1000) / e.ms),
        f1(e.tasks / e.instances),
        f1((e.tasks * 1000) / e.ms),
        f1((e.ms * 1000) / (e.tasks + e.instances)),
        e.historyEntries,
        f1(e.stateBytes / 1024),
      ]),
    ),
  );
  if (engineResults.length === 2) {
    const [a, b] = engineResults as [EngineResult, EngineResult];
    const mixed = 2 / (a.ms / a.instances + b.ms / b.instances);
    console.log(`half and half: ${f1(mixed * 1000)} instances/s`);
  }

  if (whole) {
    console.log('');
    console.log(
      '1b. Through the service, start to end: each client publishes application.submitted (half small loans), waits for the first task to appear in the task list, then completes every task over gRPC (ActOnTask complete, next task from its answer). Instances and tasks counted when they end in the measured window.',
    );
    console.log(
      table(
        [
          'clients',
          'instances',
          'instances/s',
          'tasks/s',
          'start→end p50 ms',
          'p99 ms',
          'event→1st task p50 ms',
          'p99 ms',
          'errors',
        ],
        [
          [
            whole.clients,
            whole.instances,
            f1(whole.instancesPerSecond),
            f1(whole.completionsPerSecond),
            f1(whole.instance.p50),
            f1(whole.instance.p99),
            f1(whole.start.p50),
            f1(whole.start.p99),
            whole.errors,
          ],
        ],
      ),
    );
  }
  if (starts.length > 0) {
    const n = starts.reduce((a, s) => a + s.instances, 0);
    const ms = starts.reduce((a, s) => a + s.ms, 0);
    console.log(
      `Starts alone (instances for section 2, published in bursts): ${n} instances in ${f1(ms / 1000)} s = ${f1((n * 1000) / ms)} instances/s from application.submitted to the first task (one consumer, one event per transaction)`,
    );
  }

  console.log('');
  console.log(
    '2. Task completions over gRPC: ActOnTask complete on distinct tasks, each client walking its own started instances through every step (both paths, half each)',
  );
  console.log(
    table(
      ['clients', 'completions', 'completions/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'],
      levels.map((l) => [
        l.clients,
        l.completions,
        f1(l.completionsPerSecond),
        f1(l.completion.p50),
        f1(l.completion.p95),
        f1(l.completion.p99),
        f1(l.completion.max),
        l.errors,
      ]),
    ),
  );
  for (const l of levels)
    if (l.exhausted > 0)
      console.log(
        `note: at ${l.clients} client(s), ${l.exhausted} ran out of started instances before the end of the window`,
      );

  console.log('');
  console.log(
    `3. Bare PostgreSQL through pg: UPDATE accounts SET balance = balance + $2 WHERE id = $1 (random of ${BARE_ROWS} rows, autocommit; one connection per client)`,
  );
  console.log(
    table(
      ['clients', 'tx', 'tx/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors'],
      bare.map((b) => [
        b.clients,
        b.tx,
        f1(b.perSecond),
        f2(b.tx1.p50),
        f2(b.tx1.p95),
        f2(b.tx1.p99),
        f2(b.tx1.max),
        b.errors,
      ]),
    ),
  );
  console.log('');
  console.log(
    `Ratio: one completion = at most two statements (a read of the instance with any earlier answer under the idempotency key — skipped when the state this process last wrote is still current — and one write of state, task rows, cycle time, timers, outbox events and the kept answer behind a revision guard) against one single-statement UPDATE; the service uses at most ${poolMax} connections.`,
  );
  console.log(
    table(
      ['clients', 'completions/s', 'bare tx/s', 'completions/s ÷ tx/s'],
      levels.map((l, i) => [
        l.clients,
        f1(l.completionsPerSecond),
        f1(bare[i]!.perSecond),
        f2(l.completionsPerSecond / bare[i]!.perSecond),
      ]),
    ),
  );

  console.log('');
  console.log(
    'Where the CPU went, ms of CPU per completion / per bare tx (service = main thread: gRPC server, engine, pg client, outbox relay; clients = load worker thread; node bg = GC and libuv threads; other = rest of the host, e.g. other jobs)',
  );
  const cpuRow = (what: string, r: ChainResult, n: number) => [
    r.clients,
    what,
    f2(perUnit(r.cpu.mainMs, n)),
    f2(perUnit(r.clientsCpuMs, n)),
    f2(perUnit(r.cpu.processMs - r.cpu.mainMs - r.clientsCpuMs, n)),
    f2(perUnit(r.cpu.postgresMs, n)),
    f2(perUnit(r.cpu.otherMs, n)),
    pct(r.cpu.hostBusy),
    pct(r.cpu.loopBusy),
  ];
  console.log(
    table(
      [
        'clients',
        'side',
        'service',
        'clients',
        'node bg',
        'PostgreSQL',
        'other',
        'host busy',
        'loop busy',
      ],
      [
        ...(whole ? [cpuRow('whole instances (per task)', whole, whole.completions)] : []),
        ...levels.flatMap((l, i) => {
          const b = bare[i]!;
          return [
            cpuRow('completions', l, l.completions),
            [
              b.clients,
              'bare',
              f2(perUnit(b.cpu.mainMs, b.tx)),
              '-',
              f2(perUnit(b.cpu.processMs - b.cpu.mainMs, b.tx)),
              f2(perUnit(b.cpu.postgresMs, b.tx)),
              f2(perUnit(b.cpu.otherMs, b.tx)),
              pct(b.cpu.hostBusy),
              pct(b.cpu.loopBusy),
            ],
          ];
        }),
      ],
    ),
  );

  console.log('');
  console.log(
    '4. For scale (issue #3 §8, other hardware and other processes; not comparable 1:1):',
  );
  for (const r of REFERENCES) console.log(`   ${r}`);
  const best = levels.reduce<ChainResult | undefined>(
    (a, l) => (!a || l.completionsPerSecond > a.completionsPerSecond ? l : a),
    undefined,
  );
  const cpus = os.cpus().length;
  if (best) {
    const met = best.completionsPerSecond >= TARGET_COMPLETIONS_PER_SECOND;
    console.log(
      `Target: at least ${TARGET_COMPLETIONS_PER_SECOND} task completions/s with full history on this ${cpus}-core machine: ${met ? 'MET' : 'NOT MET'} (best ${f1(best.completionsPerSecond)}/s at ${best.clients} client(s), ${pct(best.completionsPerSecond / TARGET_COMPLETIONS_PER_SECOND)} of the target)`,
    );
  }

  for (const r of [...(whole ? [whole] : []), ...levels]) {
    if (r.errorSamples.length > 0 || r.warmupErrors > 0) {
      console.log(
        `errors at ${r.clients} client(s) (${r.warmupErrors} in warm-up): ${r.errorSamples.join(' | ')}`,
      );
    }
  }
  for (const b of bare) {
    if (b.errorSamples.length > 0)
      console.log(`bare errors at ${b.clients}: ${b.errorSamples.join(' | ')}`);
  }
  console.log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runBench(main);
