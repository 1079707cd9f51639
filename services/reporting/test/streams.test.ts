// The report streams against a real Kafka broker and PostgreSQL: topics and their configs, the
// CloudEvents headers and keys, every record against its JSON Schema, the relay's crash case,
// the nightly snapshot with a cursor and its resume, replays, and Apache Kafka's own console
// consumer reading what the service produced.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trace } from '@opentelemetry/api';
import Ajv from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ConfigResourceTypes, Kafka, logLevel, type IHeaders } from 'kafkajs';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  initTracing,
  inSpan,
  migrate,
  platformMigrations,
  withTransaction,
  type EventEnvelope,
  type Pool,
  type Principal,
} from '@loanflow/platform';
import { CONSOLE_CONSUMER, kafkaToolsClassPath } from '@loanflow/test/infra/kafka-tools';
import { loadReportingConfig, MIGRATIONS, type ReportingConfig } from '@loanflow/reporting';
import type { ReportingDeps } from '../src/app/deps';
import { getStreamJob, listReportStreams, replayStream } from '../src/app/streams-api';
import { CATALOGUE, schemaOf, specOfTopic, topicName } from '../src/streams/catalogue';
import { recordStreams, StreamRecords } from '../src/streams';
import { FileSink, type StreamSink } from '../src/streams/sink';
import { sinkFromConfig, startStreamWorkers } from '../src/streams/workers';

const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:19092';
const log = createLogger('streams-test', process.env.TEST_LOG_LEVEL ?? 'silent');
const admin: Principal = {
  userId: randomUUID(),
  username: 'data.admin',
  displayName: 'data admin',
  roles: ['admin'],
  branchId: 'HQ',
};

interface Consumed {
  key: string;
  headers: Record<string, string>;
  value: Record<string, unknown>;
  partition: number;
}

const kafka = new Kafka({
  clientId: 'streams-test',
  brokers: brokers.split(','),
  logLevel: logLevel.ERROR,
});

/** Reads a topic from the beginning until `count` records came (or fails after 30 s). */
async function readTopic(topic: string, count: number): Promise<Consumed[]> {
  const consumer = kafka.consumer({ groupId: `t-${randomBytes(4).toString('hex')}` });
  const seen: Consumed[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${topic}: ${seen.length} of ${count} records in 30 s`)),
        30_000,
      );
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          seen.push({
            key: message.key!.toString(),
            headers: headerText(message.headers),
            value: JSON.parse(message.value!.toString()),
            partition,
          });
          if (seen.length >= count) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

const headerText = (h: IHeaders | undefined) =>
  Object.fromEntries(Object.entries(h ?? {}).map(([k, v]) => [k, String(v)]));

const ajv = new Ajv({ strict: true, allErrors: true });
addFormats(ajv);
/** Every record the suite reads must satisfy its topic's JSON Schema. */
function expectValid(prefix: string, topic: string, records: Consumed[]) {
  const validate = ajv.compile(schemaOf(specOfTopic(prefix, topic)!));
  for (const r of records) {
    const ok = validate(r.value);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  }
}

interface Setup {
  config: ReportingConfig;
  pool: Pool;
  deps: ReportingDeps;
  prefix: string;
  topic(subject: (typeof CATALOGUE)[number]['subject']): string;
  close(): Promise<void>;
}

async function setUp(env: Record<string, string> = {}): Promise<Setup> {
  const id = randomBytes(4).toString('hex');
  const schema = `t_rs_${id}`;
  const prefix = `t${id}.reports`;
  const config = loadReportingConfig({
    ...process.env,
    REPORTING_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: generateSigningKeys().publicKey,
    KAFKA_BROKERS: brokers,
    REPORT_TOPIC_PREFIX: prefix,
    REPORT_TOPIC_PARTITIONS: '3',
    REPORT_TOPIC_RETENTION_DAYS: '7',
    LOG_LEVEL: 'silent',
    ...env,
  });
  const pool = createPool({ connectionString: config.DATABASE_URL, schema, max: 4 });
  await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
  const sink = await sinkFromConfig(config, log);
  await sink.ensureTopics();
  const deps: ReportingDeps = { pool, log, config, now: () => new Date(), sink };
  return {
    config,
    pool,
    deps,
    prefix,
    topic: (subject) =>
      topicName(
        prefix,
        CATALOGUE.find((t) => t.subject === subject)!,
      ),
    async close() {
      await sink.close();
      await pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await pool.end();
      const a = kafka.admin();
      await a.connect();
      await a
        .deleteTopics({ topics: CATALOGUE.map((t) => topicName(prefix, t)) })
        .catch(() => undefined);
      await a.disconnect();
    },
  };
}

const event = (type: string, subjectId: string, data: unknown): EventEnvelope => ({
  id: randomUUID(),
  type,
  schemaVersion: 1,
  source: type.split('.')[0]!,
  subjectId,
  occurredAt: '2026-12-07T02:00:00.000Z',
  data,
});

/** A read-model row written as the ingestion would, then the event's stream records queued. */
async function project(s: Setup, sql: string, params: unknown[], e: EventEnvelope) {
  await withTransaction(s.pool, async (tx) => {
    await tx.query(sql, params);
    await recordStreams(tx, e, { enabled: true, topicPrefix: s.prefix });
  });
}

async function insertLoanDays(pool: Pool, date: string, loans: number, accrued = loans) {
  await pool.query(
    `INSERT INTO business_days (business_date, loans_accrued, normal_interest, penalty_interest,
                                compound_interest, closed_at)
     VALUES ($1::date, $2, 0, 0, 0, now()) ON CONFLICT DO NOTHING`,
    [date, accrued],
  );
  await pool.query(
    `INSERT INTO loan_days (business_date, loan_id, loan_number, branch_id, product_code, classification,
       days_past_due, annual_rate_percent, outstanding_principal, overdue_principal, due_interest,
       overdue_interest, accrued_interest, penalty_interest, compound_interest, accrued_today_normal,
       accrued_today_penalty, accrued_today_compound, next_due_date, maturity_date)
     SELECT $1::date, md5($1::text || i::text)::uuid, 'LN-' || i, 'SH001', 'PERSONAL_CONSUMER',
            CASE WHEN i % 7 = 0 THEN 'substandard' ELSE 'normal' END, CASE WHEN i % 7 = 0 THEN 95 ELSE 0 END,
            4.35, 100000 + i * 0.01, 0, 0, 0, 12.34, 0, 0, 11.92, 0, 0, $1::date + 30, $1::date + 700
       FROM generate_series(1, $2) AS i`,
    [date, loans],
  );
}

describe('report streams on Kafka', () => {
  let s: Setup;
  beforeAll(async () => {
    initTracing('streams-test');
    s = await setUp({ STREAM_BATCH_SIZE: '10' });
  });
  afterAll(() => s?.close());

  it('creates every catalogue topic with its partitions, retention and the compacted loans.state', async () => {
    const a = kafka.admin();
    await a.connect();
    try {
      const topics = CATALOGUE.map((t) => topicName(s.prefix, t));
      const meta = await a.fetchTopicMetadata({ topics });
      for (const t of meta.topics) expect(t.partitions).toHaveLength(3);
      const described = await a.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['cleanup.policy', 'retention.ms'],
        })),
      });
      const configs = Object.fromEntries(
        described.resources.map((r) => [
          r.resourceName,
          Object.fromEntries(r.configEntries.map((c) => [c.configName, c.configValue])),
        ]),
      );
      expect(configs[s.topic('loans.state')]).toEqual({
        'cleanup.policy': 'compact',
        'retention.ms': '-1',
      });
      expect(configs[s.topic('applications')]).toEqual({
        'cleanup.policy': 'delete',
        'retention.ms': String(7 * 86_400_000),
      });
    } finally {
      await a.disconnect();
    }
  });

  it('produces keyed records with the CloudEvents binary-mode headers and the trace of the event', async () => {
    const applicationId = randomUUID();
    let traceId = '';
    const submitted = event('applications.application.submitted', applicationId, { applicationId });
    await inSpan('consume applications.application.submitted', {}, async () => {
      traceId = trace.getActiveSpan()!.spanContext().traceId;
      await project(
        s,
        `INSERT INTO applications (application_id, branch_id, product_code, amount, status, submitted_at, updated_at)
         VALUES ($1, 'SH001', 'PERSONAL_CONSUMER', 200000, 'submitted', $2, $2)`,
        [applicationId, submitted.occurredAt],
        submitted,
      );
    });
    const approved = event('workflow.process.completed', randomUUID(), {
      businessKey: applicationId,
      decision: 'approved',
    });
    await project(
      s,
      `UPDATE applications SET status = 'approved', decision = 'approved', decided_at = $2,
              decision_working_days = 2.25, updated_at = $2 WHERE application_id = $1`,
      [applicationId, '2026-12-09T03:00:00Z'],
      approved,
    );
    const entry = event('accounting.ledger.entry-posted', '77', { entryId: '77' });
    await project(
      s,
      `INSERT INTO ledger_entries (entry_id, business_date, kind, lines, total)
       VALUES (77, '2026-12-07', 'disbursement', '[{"accountCode":"1301","debit":"200000.00"}]', 200000)`,
      [],
      entry,
    );
    const deliveryId = randomUUID();
    await project(
      s,
      `INSERT INTO notifications (delivery_id, channel, status, attempts, at) VALUES ($1, 'sms', 'sent', 1, now())`,
      [deliveryId],
      event('notifications.message.sent', deliveryId, { deliveryId }),
    );
    const loanId = randomUUID();
    await project(
      s,
      `INSERT INTO loans (loan_id, branch_id, product_code, status, disbursed_amount, outstanding_principal, version)
       VALUES ($1, 'SH001', 'PERSONAL_CONSUMER', 'active', 200000, 200000, 1)`,
      [loanId],
      event('accounting.loan.disbursed', loanId, { loanId }),
    );
    await project(
      s,
      `INSERT INTO tasks (task_id, application_id, step, branch_id, state, working_days)
       VALUES ('task-1', $1, 'investigation', 'SH001', 'completed', 1.25)`,
      [applicationId],
      event('workflow.task.completed', 'task-1', {
        task: { id: 'task-1', businessKey: applicationId },
      }),
    );
    // Rebuilds republish nothing.
    await withTransaction(s.pool, (tx) =>
      recordStreams(
        tx,
        event('applications.application.submitted', applicationId, { applicationId }),
        {
          enabled: false,
        },
      ),
    );

    const workers = startStreamWorkers(s.deps, s.pool);
    await workers.drain();
    await workers.stop();
    const { rows } = await s.pool.query('SELECT count(*)::int AS n FROM stream_outbox');
    expect(rows[0].n).toBe(0);

    // submitted and approved; the task's event touched the application again without changing
    // it, which queues nothing (the same record twice would only be a duplicate).
    const apps = await readTopic(s.topic('applications'), 2);
    expectValid(s.prefix, s.topic('applications'), apps);
    expect(apps.map((r) => [r.key, r.value.status])).toEqual([
      [applicationId, 'submitted'],
      [applicationId, 'approved'],
    ]);
    // One entity, one partition: in order.
    expect(new Set(apps.map((r) => r.partition)).size).toBe(1);
    expect(apps[0]!.headers).toEqual({
      ce_specversion: '1.0',
      ce_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      ce_source: '/loanflow/reporting',
      ce_type: 'loanflow.reports.application.v1',
      ce_time: '2026-12-07T02:00:00.000Z',
      ce_subject: applicationId,
      'content-type': 'application/json',
      traceparent: expect.stringMatching(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`)),
    });
    expect(apps[1]!.headers.ce_id).not.toBe(apps[0]!.headers.ce_id);
    expect(apps[1]!.value).toMatchObject({ decisionWorkingDays: '2.2500', amount: '200000.00' });

    for (const [subject, key] of [
      ['ledger-entries', '77'],
      ['notifications', deliveryId],
      ['loans.state', loanId],
      ['tasks', 'task-1'],
    ] as const) {
      const records = await readTopic(s.topic(subject), 1);
      expectValid(s.prefix, s.topic(subject), records);
      expect(records.map((r) => r.key)).toEqual([key]);
      expect(records[0]!.headers.ce_type).toBe(specOfTopic(s.prefix, s.topic(subject))!.ceType);
    }
  });

  it('produces a record again with the same ce_id when the process dies between produce and delete', async () => {
    const deliveryId = randomUUID();
    await project(
      s,
      `INSERT INTO notifications (delivery_id, channel, status, attempts, at) VALUES ($1, 'email', 'failed', 3, now())`,
      [deliveryId],
      event('notifications.message.failed', deliveryId, { deliveryId }),
    );
    // The sink acknowledges, then the process "dies" before the outbox row is deleted.
    const dying: StreamSink = {
      ...s.deps.sink,
      kind: 'kafka',
      ensureTopics: () => s.deps.sink.ensureTopics(),
      close: async () => {},
      async produce(topic, records) {
        await s.deps.sink.produce(topic, records);
        throw new Error('killed after producing');
      },
    };
    const crashed = startStreamWorkers({ ...s.deps, sink: dying }, s.pool);
    await expect(crashed.drain()).rejects.toThrow('killed after producing');
    await crashed.stop();
    const { rows } = await s.pool.query('SELECT key FROM stream_outbox');
    expect(rows).toEqual([{ key: deliveryId }]);

    const restarted = startStreamWorkers(s.deps, s.pool);
    await restarted.drain();
    await restarted.stop();
    // The background pass and the drain both "died" after producing: at least two copies, and
    // every copy is the same record with the same ce_id; nothing is left behind.
    const records = (await readTopic(s.topic('notifications'), 3)).filter(
      (r) => r.key === deliveryId,
    );
    expect(records.length).toBeGreaterThanOrEqual(2);
    for (const r of records) {
      expect(r.headers.ce_id).toBe(records[0]!.headers.ce_id);
      expect(r.value).toEqual(records[0]!.value);
    }
    expect((await s.pool.query('SELECT 1 FROM stream_outbox')).rowCount).toBe(0);
  });

  it('produces loans.state only when the loan’s lifecycle state changed, once per batch', async () => {
    const loanId = randomUUID();
    const queued = async () =>
      (
        await s.pool.query<{ value: { daysPastDue: number; classification: string } }>(
          'SELECT value FROM stream_outbox WHERE topic = $1 AND key = $2 ORDER BY seq',
          [s.topic('loans.state'), loanId],
        )
      ).rows.map((r) => [r.value.classification, r.value.daysPastDue]);
    const dayClosed = (date: string) =>
      event('accounting.loans.day-closed', date, { businessDate: date, loans: [{ loanId }] });
    const closeDay = (date: string, classification: string, dpd: number) =>
      project(
        s,
        `UPDATE loans SET classification = $2, days_past_due = $3, last_business_date = $4::date,
                version = version + 1, updated_at = now() WHERE loan_id = $1`,
        [loanId, classification, dpd, date],
        dayClosed(date),
      );
    await project(
      s,
      `INSERT INTO loans (loan_id, branch_id, product_code, status, disbursed_amount, outstanding_principal, version)
       VALUES ($1, 'SH001', 'PERSONAL_CONSUMER', 'active', 50000, 50000, 1)`,
      [loanId],
      event('accounting.loan.disbursed', loanId, { loanId }),
    );
    expect(await queued()).toEqual([['normal', 0]]);

    // Closed days that change nothing but the date and the event count: no record.
    await closeDay('2026-12-01', 'normal', 0);
    await closeDay('2026-12-02', 'normal', 0);
    expect(await queued()).toEqual([['normal', 0]]);

    // Days past due and a new tier: a record each.
    await closeDay('2026-12-03', 'normal', 1);
    await closeDay('2026-12-04', 'special_mention', 2);
    await closeDay('2026-12-05', 'special_mention', 2);
    expect(await queued()).toEqual([
      ['normal', 0],
      ['normal', 1],
      ['special_mention', 2],
    ]);

    // Two events of one batch touching the loan: one record, with the state after both.
    await withTransaction(s.pool, async (tx) => {
      const records = new StreamRecords({ enabled: true, topicPrefix: s.prefix });
      await tx.query(
        `UPDATE loans SET days_past_due = 0, classification = 'normal' WHERE loan_id = $1`,
        [loanId],
      );
      records.note(event('accounting.loan.repayment-posted', loanId, { loanId }));
      await tx.query(`UPDATE loans SET outstanding_principal = 40000 WHERE loan_id = $1`, [loanId]);
      records.note(dayClosed('2026-12-06'));
      await records.write(tx);
    });
    const rows = await s.pool.query<{ value: Record<string, unknown> }>(
      'SELECT value FROM stream_outbox WHERE topic = $1 AND key = $2 ORDER BY seq',
      [s.topic('loans.state'), loanId],
    );
    expect(rows.rows).toHaveLength(4);
    expect(rows.rows[3]!.value).toMatchObject({
      classification: 'normal',
      daysPastDue: 0,
      outstandingPrincipal: '40000.00',
    });
    await s.pool.query('DELETE FROM stream_outbox WHERE key = $1', [loanId]);
  });

  it('streams the nightly loans.daily snapshot after accrual.completed, resuming after the last key', async () => {
    const date = '2026-12-06';
    await insertLoanDays(s.pool, date, 25, 25);
    const completed = event('accounting.accrual.completed', date, {
      businessDate: date,
      loansAccrued: 25,
    });
    await withTransaction(s.pool, (tx) =>
      recordStreams(tx, completed, { enabled: true, topicPrefix: s.prefix }),
    );
    // Delivered twice: still one snapshot for the date.
    await withTransaction(s.pool, (tx) =>
      recordStreams(tx, completed, { enabled: true, topicPrefix: s.prefix }),
    );
    const { rows: jobs } = await s.pool.query(`SELECT id FROM stream_jobs WHERE kind = 'snapshot'`);
    expect(jobs).toHaveLength(1);
    const jobId = jobs[0].id as string;

    // Kafka goes away after the first batch: 10 of 25 done, the resume point kept.
    let batches = 0;
    const flaky: StreamSink = {
      ...s.deps.sink,
      kind: 'kafka',
      ensureTopics: async () => {},
      close: async () => {},
      async produce(topic, records) {
        if (++batches >= 2) throw new Error('broker unreachable');
        await s.deps.sink.produce(topic, records);
      },
    };
    const first = startStreamWorkers({ ...s.deps, sink: flaky }, s.pool);
    await expect(first.drain()).rejects.toThrow('broker unreachable');
    await first.stop();
    const halfway = await getStreamJob(s.deps, admin, jobId);
    expect(halfway).toMatchObject({ status: 'pending', recordsDone: '10', recordsTotal: '25' });

    const second = startStreamWorkers(s.deps, s.pool);
    await second.drain();
    await second.stop();
    expect(await getStreamJob(s.deps, admin, jobId)).toMatchObject({
      kind: 'snapshot',
      status: 'done',
      recordsDone: '25',
      recordsTotal: '25',
      from: date,
    });
    const records = await readTopic(s.topic('loans.daily'), 25);
    expectValid(s.prefix, s.topic('loans.daily'), records);
    expect(new Set(records.map((r) => r.key)).size).toBe(25);
    const tiered = records.find((r) => r.value.classification === 'substandard')!;
    expect(tiered.value).toMatchObject({
      businessDate: date,
      daysPastDue: 95,
      accruedToday: { normal: '11.92' },
    });

    // A replay of the date republishes the same records with the same ce_ids.
    const job = await replayStream(s.deps, admin, {
      topic: s.topic('loans.daily'),
      from: date,
      to: date,
      requestId: 'replay-1',
    });
    expect(job).toMatchObject({ kind: 'replay', status: 'pending', requestedBy: 'data.admin' });
    expect(
      (
        await replayStream(s.deps, admin, {
          topic: s.topic('loans.daily'),
          from: date,
          to: date,
          requestId: 'replay-1',
        })
      ).id,
    ).toBe(job.id);
    const third = startStreamWorkers(s.deps, s.pool);
    await third.drain();
    await third.stop();
    expect(await getStreamJob(s.deps, admin, job.id)).toMatchObject({
      status: 'done',
      recordsDone: '25',
      recordsTotal: '25',
    });
    const all = await readTopic(s.topic('loans.daily'), 50);
    const idsByKey = new Map<string, string[]>();
    for (const r of all) idsByKey.set(r.key, [...(idsByKey.get(r.key) ?? []), r.headers.ce_id!]);
    expect(idsByKey.size).toBe(25);
    for (const ids of idsByKey.values()) expect(ids).toEqual([ids[0], ids[0]]);
  });

  it('waits for the whole date in loan_days before the snapshot starts', async () => {
    const date = '2026-12-07';
    await insertLoanDays(s.pool, date, 3, 5);
    await withTransaction(s.pool, (tx) =>
      recordStreams(tx, event('accounting.accrual.completed', date, { businessDate: date }), {
        enabled: true,
        topicPrefix: s.prefix,
      }),
    );
    const w = startStreamWorkers(s.deps, s.pool);
    await w.drain();
    await w.stop();
    const { rows } = await s.pool.query(
      `SELECT status, records_done::int AS done FROM stream_jobs WHERE kind = 'snapshot' AND from_date = $1`,
      [date],
    );
    expect(rows).toEqual([{ status: 'pending', done: 0 }]);
  });

  it('refuses a replay of an unknown topic, a reversed range and one over REPLAY_MAX_DAYS, naming the field', async () => {
    const fieldOf = (p: Promise<unknown>) =>
      p.then(
        () => 'accepted',
        (err: { violations?: { field: string }[] }) =>
          err.violations?.map((v) => v.field).join(','),
      );
    const topic = s.topic('applications');
    expect(
      await fieldOf(
        replayStream(s.deps, admin, {
          topic: 'nope.v1',
          from: '2026-01-01',
          to: '2026-01-02',
          requestId: '',
        }),
      ),
    ).toBe('topic');
    expect(
      await fieldOf(
        replayStream(s.deps, admin, { topic, from: '2026-02-01', to: '2026-01-02', requestId: '' }),
      ),
    ).toBe('from');
    expect(
      await fieldOf(
        replayStream(s.deps, admin, { topic, from: '2024-01-01', to: '2026-01-02', requestId: '' }),
      ),
    ).toBe('to');
    expect(
      await fieldOf(
        replayStream(s.deps, admin, { topic, from: '2026-1-1', to: '2026-01-02', requestId: '' }),
      ),
    ).toBe('from');
    await expect(
      replayStream(
        s.deps,
        { ...admin, roles: ['auditor'] },
        { topic, from: '2026-01-01', to: '2026-01-02', requestId: '' },
      ),
    ).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('serves the catalogue: topics, versions, schemas and a valid sample each', async () => {
    const out = await listReportStreams(s.deps, { ...admin, roles: ['auditor'] });
    expect(out.sink).toBe('kafka');
    expect(out.topics.map((t) => t.topic)).toEqual(CATALOGUE.map((t) => topicName(s.prefix, t)));
    for (const t of out.topics) {
      const fresh = new Ajv({ strict: true });
      addFormats(fresh);
      const validate = fresh.compile(JSON.parse(t.jsonSchema));
      const sample = JSON.parse(t.sample);
      expect(validate(sample.value)).toBe(true);
      expect(sample.headers).toMatchObject({ ce_specversion: '1.0', ce_type: t.ceType });
    }
    expect(out.topics.find((t) => t.subject === 'loans.state')).toMatchObject({
      cleanupPolicy: 'compact',
      retentionMs: '-1',
      partitions: 3,
    });
  });

  it('is read by Apache Kafka’s own console consumer: keys, ce_* headers, values', async () => {
    const classPath = await kafkaToolsClassPath();
    const topic = s.topic('applications');
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(
        'java',
        [
          '-cp',
          classPath,
          CONSOLE_CONSUMER,
          '--bootstrap-server',
          brokers,
          '--topic',
          topic,
          '--from-beginning',
          '--max-messages',
          '2',
          '--timeout-ms',
          '30000',
          '--formatter-property',
          'print.key=true',
          '--formatter-property',
          'print.headers=true',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b) => (stdout += b));
      child.stderr.on('data', (b) => (stderr += b));
      child.on('error', reject);
      child.on('exit', (code) =>
        code === 0
          ? resolve(stdout)
          : reject(new Error(`console consumer exit ${code}: ${stderr}`)),
      );
    });
    const lines = out
      .trim()
      .split('\n')
      .filter((l) => l.includes('\t'));
    expect(lines).toHaveLength(2);
    // The first record was queued inside the consumer's span: its trace context came along.
    expect(lines[0]).toMatch(/traceparent:00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\t/);
    for (const line of lines) {
      // headers \t key \t value
      const [headers, key, value] = line.split('\t');
      expect(headers).toContain('ce_specversion:1.0');
      expect(headers).toContain('ce_source:/loanflow/reporting');
      expect(headers).toContain('ce_type:loanflow.reports.application.v1');
      expect(headers).toMatch(/ce_id:[0-9a-f-]{36}/);
      expect(headers).toContain('content-type:application/json');
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(value!)).toMatchObject({ applicationId: key, branchId: 'SH001' });
    }
  }, 120_000);
});

describe('report streams to JSON-lines files', () => {
  it('writes one line per record with the key, the same headers and the value', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-streams-'));
    try {
      const sink = new FileSink(dir, ['x.reports.tasks.v1']);
      await sink.ensureTopics();
      const record = {
        key: 'task-9',
        id: '6f1c1e3a-1b2c-5d3e-8f4a-5b6c7d8e9f00',
        type: 'loanflow.reports.task.v1',
        subject: 'task-9',
        time: '2026-12-07T02:00:00.000Z',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        value: { taskId: 'task-9', amount: '12.50' },
      };
      await sink.produce('x.reports.tasks.v1', [
        record,
        { ...record, json: '{"taskId": "task-9"}' },
      ]);
      await sink.close();
      const lines = (await readFile(join(dir, 'x.reports.tasks.v1.jsonl'), 'utf8'))
        .trim()
        .split('\n');
      expect(lines.map((l) => JSON.parse(l))).toEqual([
        {
          key: 'task-9',
          headers: {
            ce_specversion: '1.0',
            ce_id: record.id,
            ce_source: '/loanflow/reporting',
            ce_type: 'loanflow.reports.task.v1',
            ce_time: record.time,
            ce_subject: 'task-9',
            'content-type': 'application/json',
            traceparent: record.traceparent,
          },
          value: { taskId: 'task-9', amount: '12.50' },
        },
        expect.objectContaining({ key: 'task-9', value: { taskId: 'task-9' } }),
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
