import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  JetStreamBus,
  type Pool,
} from '@loanflow/platform';
import {
  accountingEventsV1 as acc,
  applicationEventsV1 as app,
  workflowEventsV1 as wf,
} from '@loanflow/proto';
import { loadReportingConfig, start, type RunningReporting } from '@loanflow/reporting';
import { f1, f2, positive, progress, runBench, table } from './report';

/**
 * Event ingestion into the reporting read models (issue 12 §6). Prints figures; asserts nothing.
 *
 * BENCH_RP_EVENTS events of a realistic mix are published into a namespace of their own while the
 * service is stopped: per application created, submitted, its process started, two steps created
 * and completed, the decision (8 events); per loan the disbursement and three repayments (4). The
 * service is then started on an empty schema and timed until its inbox holds every event; beside
 * it, the same number of bare one-row autocommit `INSERT … VALUES` on one connection.
 *
 *   BENCH_RP_EVENTS=50000
 */

const EVENTS = positive('BENCH_RP_EVENTS', 50_000, 5_000_000);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'silent';
const PUBLISHING = 64;
const BRANCHES = ['SH001', 'SH002', 'BJ001', 'GZ001', 'SZ001'];
const PRODUCTS = ['PERSONAL_CONSUMER', 'SME_WORKING', 'MORTGAGE'];

interface Event {
  type: string;
  subjectId: string;
  data: unknown;
}

/** One application's way to its decision and one loan's life: 12 events. */
function story(i: number): Event[] {
  const applicationId = randomUUID();
  const instanceId = `pi-${applicationId}`;
  const loanId = randomUUID();
  const branchId = BRANCHES[i % BRANCHES.length]!;
  const productCode = PRODUCTS[i % PRODUCTS.length]!;
  const amount = `${10_000 + (i % 90) * 1_000}.00`;
  const day = 1 + (i % 28);
  const at = `2026-11-${String(day).padStart(2, '0')}T10:00:00+08:00`;
  const task = (id: string, step: string, state: string) => ({
    id: `${instanceId}:${id}`,
    instanceId,
    businessKey: applicationId,
    elementId: id,
    name: step,
    step,
    state,
    assignee: `officer${i % 50}`,
    candidateGroups: ['credit_officer'],
    createdAt: at,
    productCode,
    amount,
    branchId,
  });
  const taskEvent = (verb: string, id: string, step: string, more: Partial<wf.TaskEvent> = {}) => ({
    type: `workflow.task.${verb}`,
    subjectId: `${instanceId}:${id}`,
    data: wf.TaskEvent.toJSON(
      wf.TaskEvent.fromPartial({
        task: task(id, step, verb === 'completed' ? 'completed' : 'open'),
        at,
        ...more,
      }),
    ),
  });
  const repayment = (n: number): Event => ({
    type: 'accounting.loan.repayment-posted',
    subjectId: loanId,
    data: acc.RepaymentPosted.toJSON({
      id: randomUUID(),
      loanId,
      valueDate: `2026-12-${String(n + 7).padStart(2, '0')}`,
      amount: '1036.25',
      kind: 'regular',
      allocation: {
        compound: '0',
        penalty: '0',
        overdueInterest: '0',
        overduePrincipal: '0',
        dueInterest: '36.25',
        duePrincipal: '1000.00',
        accruedInterest: '0',
        principal: '0',
        credit: '0',
        fromCredit: '0',
      },
      status: 'posted',
      branchId,
      loanClosed: false,
    }),
  });
  return [
    {
      type: 'applications.application.created',
      subjectId: applicationId,
      data: app.ApplicationCreated.toJSON(
        app.ApplicationCreated.fromPartial({ applicationId, branchId, productCode, amount }),
      ),
    },
    {
      type: 'applications.application.submitted',
      subjectId: applicationId,
      data: app.ApplicationSubmitted.toJSON(
        app.ApplicationSubmitted.fromPartial({
          applicationId,
          branchId,
          productCode,
          amount,
          submittedAt: at,
        }),
      ),
    },
    {
      type: 'workflow.process.started',
      subjectId: instanceId,
      data: wf.ProcessStarted.toJSON(
        wf.ProcessStarted.fromPartial({ instanceId, businessKey: applicationId, at }),
      ),
    },
    taskEvent('created', 't1', 'investigation'),
    taskEvent('completed', 't1', 'investigation', { outcome: 'approve', workingDays: '1.5' }),
    taskEvent('created', 't2', 'review'),
    taskEvent('completed', 't2', 'review', { outcome: 'approve', workingDays: '0.75' }),
    {
      type: 'workflow.process.completed',
      subjectId: instanceId,
      data: wf.ProcessCompleted.toJSON(
        wf.ProcessCompleted.fromPartial({
          instanceId,
          businessKey: applicationId,
          decision: 'approved',
          approvedAmount: amount,
          at,
          startedAt: at,
          workingDays: (2 + (i % 12) / 4).toFixed(2),
        }),
      ),
    },
    {
      type: 'accounting.loan.disbursed',
      subjectId: loanId,
      data: acc.LoanDisbursed.toJSON({
        loanId,
        applicationId,
        branchId,
        productCode,
        tranche: 1,
        amount,
        valueDate: `2026-11-${String(day).padStart(2, '0')}`,
        annualRatePercent: '4.35',
      }),
    },
    repayment(1),
    repayment(2),
    repayment(3),
  ];
}

async function pool(items: number[], width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** The same number of rows, one autocommit INSERT each, sequentially on one connection. */
async function bareInserts(db: Pool, rows: number): Promise<number> {
  await db.query(
    'CREATE TABLE bare_events (id uuid PRIMARY KEY, type text NOT NULL, amount numeric(20, 2))',
  );
  const client = await db.connect();
  try {
    const started = process.hrtime.bigint();
    for (let i = 0; i < rows; i++) {
      await client.query('INSERT INTO bare_events (id, type, amount) VALUES ($1, $2, $3)', [
        randomUUID(),
        'bench',
        '1036.25',
      ]);
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  } finally {
    client.release();
  }
}

async function main(): Promise<void> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `bench_rp_${runId}`;
  const namespace = `bench${runId}`;
  const log = createLogger('bench', LOG_LEVEL);
  const streamsDir = mkdtempSync(join(tmpdir(), 'reporting-bench-'));
  const config = loadReportingConfig({
    ...process.env,
    REPORTING_GRPC_HOST: '127.0.0.1',
    REPORTING_GRPC_PORT: '0',
    REPORTING_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: generateSigningKeys().publicKey,
    LOG_LEVEL,
    EVENTS_START_AT: 'all',
    EVENTS_NAMESPACE: namespace,
    KAFKA_BROKERS: '',
    REPORT_STREAMS_DIR: streamsDir,
  });
  const db = createPool({ connectionString: config.DATABASE_URL, schema, max: 3 });
  await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  const bus = await JetStreamBus.connect({ url: config.NATS_URL, name: 'bench', log, namespace });
  let service: RunningReporting | undefined;
  try {
    const events: Event[] = [];
    for (let i = 0; events.length < EVENTS; i++) events.push(...story(i));
    events.length = EVENTS;
    progress(`publishing ${EVENTS} events into namespace ${namespace}`);
    const publishStarted = process.hrtime.bigint();
    await pool(
      events.map((_, i) => i),
      PUBLISHING,
      async (i) => {
        const e = events[i]!;
        const envelope = {
          id: randomUUID(),
          type: e.type,
          schemaVersion: 1,
          source: e.type.split('.')[0],
          subjectId: e.subjectId,
          occurredAt: new Date().toISOString(),
          data: e.data,
        };
        await bus.publish(`loanflow.${e.type}`, Buffer.from(JSON.stringify(envelope)), {
          msgId: envelope.id,
          headers: { 'loanflow-subject-id': e.subjectId },
        });
      },
    );
    progress(
      `published in ${f1(Number(process.hrtime.bigint() - publishStarted) / 1e9)} s; starting the service`,
    );
    const started = process.hrtime.bigint();
    service = await start(config, { bus, log });
    let last = Date.now();
    for (;;) {
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
      if (rows[0]!.n >= EVENTS) break;
      if (Date.now() - last > 5000) {
        progress(`${rows[0]!.n} of ${EVENTS} events applied`);
        last = Date.now();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const parked = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dead_letters'))
      .rows[0]!.n;
    const sizes = await db.query<{ applications: number; tasks: number; movements: number }>(
      `SELECT (SELECT count(*)::int FROM applications) AS applications,
              (SELECT count(*)::int FROM tasks) AS tasks,
              (SELECT count(*)::int FROM loan_movements) AS movements`,
    );
    await service.stop();
    service = undefined;
    progress(`applied in ${f1(seconds)} s; bare INSERTs of ${EVENTS} rows`);
    const bareSeconds = await bareInserts(db, EVENTS);
    const s = sizes.rows[0]!;
    console.log(
      `\n## Reporting: event ingestion into the read models (${EVENTS} events; per source one transaction per batch of up to 128)\n`,
    );
    console.log(
      table(
        [
          'events',
          'parked',
          's',
          'events/s',
          'bare INSERT/s',
          'ratio',
          'applications',
          'tasks',
          'movements',
        ],
        [
          [
            EVENTS,
            parked,
            f1(seconds),
            f1(EVENTS / seconds),
            f1(EVENTS / bareSeconds),
            f2(EVENTS / seconds / (EVENTS / bareSeconds)),
            s.applications,
            s.tasks,
            s.movements,
          ],
        ],
      ),
    );
    console.log(
      '\nMix per 12 events: application created + submitted, process started + completed, two steps created + completed, a disbursement, three repayments. Bare: one-row autocommit INSERT … VALUES per event on one connection; ratio = events/s ÷ bare INSERT/s. Target ≥ 5,000 events/s.',
    );
  } finally {
    await service?.stop();
    for (const source of [
      'identity',
      'applications',
      'workflow',
      'documents',
      'accounting',
      'notifications',
    ])
      await bus.deleteConsumer(`${schema}_${source}`);
    await bus.close();
    await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await db.end();
    rmSync(streamsDir, { recursive: true, force: true });
  }
}

runBench(main);
