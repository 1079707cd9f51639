import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import {
  createLogger,
  createPool,
  generateSigningKeys,
  migrate,
  platformMigrations,
  withTransaction,
} from '@loanflow/platform';
import {
  loadReportingConfig,
  MIGRATIONS,
  recordStreams,
  sinkFromConfig,
  startStreamWorkers,
  topicSettings,
} from '@loanflow/reporting';
import { f1, f2, hostLine, positive, progress, runBench, table } from './report';

/**
 * The nightly loans.daily snapshot (issue 12 §6): BENCH_LOANS loan days of one business date
 * (generated with SQL in a fresh schema) streamed by the real job — pg-cursor, batches of
 * STREAM_BATCH_SIZE, CloudEvents headers, the idempotent producer with acks -1 — to Kafka, beside
 * kafkajs's raw producer sending records of the same size and headers to a topic of the same
 * partitions (ratio). Target: 1,000,000 loans in ≤ 60 s (≥ 17,000 records/s).
 */
async function main(): Promise<void> {
  const load = loadavg();
  const loans = positive('BENCH_LOANS', 1_000_000, 20_000_000);
  const batch = positive('STREAM_BATCH_SIZE', 2000, 100_000);
  const brokers = process.env.KAFKA_BROKERS || '127.0.0.1:19092';
  const id = randomBytes(3).toString('hex');
  const schema = `bench_streams_${id}`;
  const prefix = `bench${id}.reports`;
  const date = '2026-12-06';
  const log = createLogger('bench', 'warn');
  const config = loadReportingConfig({
    ...process.env,
    REPORTING_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: generateSigningKeys().publicKey,
    KAFKA_BROKERS: brokers,
    REPORT_TOPIC_PREFIX: prefix,
    STREAM_BATCH_SIZE: String(batch),
    STREAM_RELAY_INTERVAL_MS: '60000',
    LOG_LEVEL: 'warn',
  });
  const pool = createPool({ connectionString: config.DATABASE_URL, schema, max: 4, log });
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  const rawTopic = `${prefix}.raw.v1`;
  const sink = await sinkFromConfig(config, log);
  try {
    await migrate(pool, schema, [platformMigrations, MIGRATIONS], log);
    await sink.ensureTopics();
    progress(`generating ${loans.toLocaleString('en')} loan days`);
    let t0 = performance.now();
    await pool.query(
      `INSERT INTO business_days (business_date, loans_accrued, normal_interest, penalty_interest,
                                  compound_interest, closed_at) VALUES ($1, $2, 0, 0, 0, now())`,
      [date, loans],
    );
    await pool.query(
      `INSERT INTO loan_days (business_date, loan_id, loan_number, branch_id, product_code, customer_id,
         classification, days_past_due, annual_rate_percent, outstanding_principal, overdue_principal,
         due_interest, overdue_interest, accrued_interest, penalty_interest, compound_interest,
         accrued_today_normal, accrued_today_penalty, accrued_today_compound, next_due_date, maturity_date)
       SELECT $1::date, md5(i::text)::uuid, 'LN-' || lpad(i::text, 9, '0'), 'SH' || lpad((i % 40)::text, 3, '0'),
              'PERSONAL_CONSUMER', md5('c' || i::text)::uuid,
              (ARRAY['normal','normal','normal','special_mention','substandard'])[1 + i % 5], (i % 5) * 30,
              4.35, 50000 + (i % 1000) * 123.45, 0, 0, 0, 181.23, 0, 0, 6.04, 0, 0,
              $1::date + 20, $1::date + 700
         FROM generate_series(1, $2) AS i`,
      [date, loans],
    );
    const generated = (performance.now() - t0) / 1000;

    await withTransaction(pool, (tx) =>
      recordStreams(
        tx,
        {
          id: `bench-${id}`,
          type: 'accounting.accrual.completed',
          schemaVersion: 1,
          source: 'accounting',
          subjectId: date,
          occurredAt: new Date().toISOString(),
          data: { businessDate: date, loansAccrued: loans },
        },
        { enabled: true, topicPrefix: prefix },
      ),
    );
    const deps = { pool, log, config, now: () => new Date(), sink };
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(
      () => (peakRss = Math.max(peakRss, process.memoryUsage().rss)),
      100,
    );
    progress('snapshot to Kafka');
    t0 = performance.now();
    const workers = startStreamWorkers(deps, pool);
    await workers.drain();
    await workers.stop();
    const snapshotSeconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const { rows: job } = await pool.query(
      `SELECT status, records_done::int AS done FROM stream_jobs WHERE kind = 'snapshot'`,
    );
    if (job[0]?.status !== 'done' || job[0].done !== loans)
      throw new Error(`snapshot ended ${JSON.stringify(job[0])}`);

    // The same record size and headers, by kafkajs alone.
    const { rows: sample } = await pool.query<{ key: string; value: string }>(
      `SELECT loan_id::text AS key, jsonb_build_object('businessDate', business_date, 'loanId', loan_id,
              'loanNumber', loan_number, 'branchId', branch_id, 'productCode', product_code,
              'customerId', customer_id, 'classification', classification, 'daysPastDue', days_past_due,
              'annualRatePercent', annual_rate_percent::text, 'outstandingPrincipal', outstanding_principal::text,
              'overduePrincipal', '0.00', 'dueInterest', '0.00', 'overdueInterest', '0.00',
              'accruedInterest', accrued_interest::text, 'penaltyInterest', '0.00', 'compoundInterest', '0.00',
              'accruedToday', jsonb_build_object('normal', '6.04', 'penalty', '0.00', 'compound', '0.00'),
              'nextDueDate', next_due_date, 'maturityDate', maturity_date)::text AS value
         FROM loan_days LIMIT 1`,
    );
    const headers = {
      ce_specversion: '1.0',
      ce_id: '6f1c1e3a-1b2c-5d3e-8f4a-5b6c7d8e9f00',
      ce_source: '/loanflow/reporting',
      ce_type: 'loanflow.reports.loan-day.v1',
      ce_time: new Date().toISOString(),
      ce_subject: sample[0]!.key,
      'content-type': 'application/json',
    };
    const admin = kafka.admin();
    await admin.connect();
    const [daily] = topicSettings(config).filter((t) => t.topic.endsWith('.loans.daily.v1'));
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: rawTopic, numPartitions: daily!.partitions, replicationFactor: 1 }],
    });
    await admin.disconnect();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    progress('raw kafkajs producer');
    t0 = performance.now();
    for (let sent = 0; sent < loans; sent += batch) {
      const n = Math.min(batch, loans - sent);
      await producer.send({
        topic: rawTopic,
        acks: -1,
        messages: Array.from({ length: n }, (_, i) => ({
          key: `${sample[0]!.key.slice(0, 28)}${String(sent + i).padStart(8, '0')}`,
          value: sample[0]!.value,
          headers,
        })),
      });
    }
    const rawSeconds = (performance.now() - t0) / 1000;
    await producer.disconnect();

    console.log(hostLine(load));
    console.log(
      table(
        ['what', 'records', 'seconds', 'records/s', 'peak RSS MB', 'ratio to raw'],
        [
          [
            'loans.daily snapshot (cursor → Kafka)',
            loans,
            f1(snapshotSeconds),
            Math.round(loans / snapshotSeconds),
            Math.round(peakRss / 2 ** 20),
            f2(rawSeconds / snapshotSeconds),
          ],
          [
            'kafkajs raw producer, same records',
            loans,
            f1(rawSeconds),
            Math.round(loans / rawSeconds),
            '-',
            '1.00',
          ],
        ],
      ),
    );
    console.log(
      `target: ${loans.toLocaleString('en')} loans in ≤ 60 s (≥ 17,000 records/s); batch ${batch}; ` +
        `value ${sample[0]!.value.length} bytes; ${loans.toLocaleString('en')} loan days generated in ${f1(generated)} s`,
    );
  } finally {
    await sink.close();
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await pool.end();
    const admin = kafka.admin();
    await admin.connect();
    await admin
      .deleteTopics({ topics: [...topicSettings(config).map((t) => t.topic), rawTopic] })
      .catch(() => undefined);
    await admin.disconnect();
  }
}

runBench(main);
