// Stream jobs: the nightly loans.daily snapshot and the replays of a topic for a date range, read
// from the read models with a cursor (bounded memory) and produced in batches, with progress and
// a resume point so a job another replica takes over continues after the last record produced.
import Cursor from 'pg-cursor';
import {
  extractTraceContext,
  injectTraceContext,
  inSpan,
  SpanKind,
  type Pool,
} from '@loanflow/platform';
import type { ReportingDeps } from '../app/deps';
import { specOfTopic, topicName, type TopicSpec } from './catalogue';
import { ceIdOf } from './ce-id';
import type { SinkRecord } from './sink';
import { orderOf, SOURCES, type Source } from './sources';

export interface StreamJobRow {
  id: string;
  request_id: string | null;
  kind: 'snapshot' | 'replay';
  topic: string;
  from_date: string | null;
  to_date: string | null;
  status: 'pending' | 'running' | 'done' | 'failed';
  records_total: string;
  records_done: string;
  resume_after: string | null;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  /** The trace the job belongs to (the end of day, the replay's request). */
  traceparent: string | null;
}

/** Dates come back as text (no JS Date in the bank's calendar). */
export const JOB_COLUMNS = `id, request_id, kind, topic, to_char(from_date, 'YYYY-MM-DD') AS from_date,
  to_char(to_date, 'YYYY-MM-DD') AS to_date, status, records_total, records_done, resume_after,
  requested_by, created_at, started_at, finished_at, error, traceparent`;

/** While a snapshot's date is not complete in loan_days, it is looked at again after this. */
const NOT_READY_RETRY_MS = 2_000;
/** A job that failed on the sink (Kafka down) is tried again after this. */
const FAILED_RETRY_MS = 5_000;

/**
 * Claims one due job (pending and not held back, or running with an expired lease: its replica
 * died), SKIP LOCKED so replicas never take the same one. `now` ignores the hold-back of pending
 * jobs (drain); `skip` are the jobs this pass already looked at.
 */
export async function claimJob(
  pool: Pool,
  leaseMs: number,
  opts: { now: boolean; skip: readonly string[] },
): Promise<StreamJobRow | undefined> {
  const { rows } = await pool.query<StreamJobRow>(
    `UPDATE stream_jobs SET status = 'running', started_at = coalesce(started_at, now()),
            lease_until = now() + $1 * interval '1 millisecond'
      WHERE id = (SELECT id FROM stream_jobs
                   WHERE ((status = 'pending' AND ($2 OR lease_until IS NULL OR lease_until < now()))
                          OR (status = 'running' AND lease_until < now()))
                     AND NOT (id = ANY($3::uuid[]))
                   ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING ${JOB_COLUMNS}`,
    [leaseMs, opts.now, opts.skip],
  );
  return rows[0];
}

/** Runs a claimed job to its end (or back to pending when it must wait or the sink failed). */
export async function runJob(deps: ReportingDeps, job: StreamJobRow): Promise<void> {
  const { pool, config, log } = deps;
  const spec = specOfTopic(config.REPORT_TOPIC_PREFIX, job.topic);
  if (!spec) return finish(pool, job.id, 'failed', `unknown topic ${job.topic}`);
  try {
    if (job.kind === 'snapshot' && !(await snapshotReady(pool, job.from_date!))) {
      await holdBack(pool, job.id, NOT_READY_RETRY_MS, null);
      return;
    }
    // The job's records continue the trace that asked for it, under a span of their own.
    await inSpan(
      `${job.topic} ${job.kind}`,
      {
        kind: SpanKind.PRODUCER,
        parent: extractTraceContext(job.traceparent ? { traceparent: job.traceparent } : {}),
        attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': job.topic },
      },
      () => produceJob(deps, job, spec),
    );
    await finish(pool, job.id, 'done', null);
    log.info({ job: job.id, kind: job.kind, topic: job.topic }, 'stream job done');
  } catch (err) {
    log.warn({ job: job.id, err: (err as Error).message }, 'stream job interrupted; retried later');
    await holdBack(pool, job.id, FAILED_RETRY_MS, (err as Error).message);
    throw err;
  }
}

/**
 * The end of day emits one LoanDay per accrued loan before accrual.completed, but in chunks the
 * ingestion may still be applying: the snapshot starts once loan_days holds all of them.
 */
async function snapshotReady(pool: Pool, date: string): Promise<boolean> {
  const { rows } = await pool.query<{ expected: number; have: string }>(
    `SELECT b.loans_accrued AS expected,
            (SELECT count(*) FROM loan_days d WHERE d.business_date = b.business_date) AS have
       FROM business_days b WHERE b.business_date = $1`,
    [date],
  );
  return rows.length > 0 && Number(rows[0]!.have) >= rows[0]!.expected;
}

/** Where a job's records come from: the date(s) it covers on its topic's read model. */
function selection(job: StreamJobRow, source: Source): { where: string; params: unknown[] } {
  if (job.kind === 'snapshot') return { where: 'business_date = $1', params: [job.from_date] };
  return {
    where: `${source.date} BETWEEN $1::date AND $2::date`,
    params: [job.from_date, job.to_date],
  };
}

async function produceJob(deps: ReportingDeps, job: StreamJobRow, spec: TopicSpec): Promise<void> {
  const { pool, sink, config } = deps;
  const source = SOURCES[spec.subject];
  const topic = topicName(config.REPORT_TOPIC_PREFIX, spec);
  const { where, params } = selection(job, source);
  if (job.resume_after === null) {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${source.table} WHERE ${where}`,
      params,
    );
    await pool.query(`UPDATE stream_jobs SET records_total = $2 WHERE id = $1`, [
      job.id,
      rows[0]!.n,
    ]);
  }
  const columns = source.position.map(([c]) => c);
  const resume = job.resume_after === null ? undefined : (JSON.parse(job.resume_after) as string[]);
  const after = resume
    ? ` AND (${columns.join(', ')}) > (${source.position
        .map(([, type], i) => `$${params.length + 1 + i}::${type}`)
        .join(', ')})`
    : '';
  const sql = `SELECT ${columns.map((c) => `${c}::text AS "p_${c}"`).join(', ')},
                      ${source.key} AS key, ${source.identity} AS identity,
                      (${source.value})::text AS value,
                      ${source.time} AS time
                 FROM ${source.table} WHERE ${where}${after} ORDER BY ${orderOf(source)}`;
  type Row = Record<string, string> & { key: string; identity: string; value: string; time: Date };
  const traceparent = injectTraceContext().traceparent;
  const client = await pool.connect();
  try {
    const cursor = client.query(new Cursor<Row>(sql, [...params, ...(resume ?? [])]));
    // The next batch is read while the current one is produced.
    let next = cursor.read(config.STREAM_BATCH_SIZE);
    try {
      for (;;) {
        const rows = await next;
        if (rows.length === 0) break;
        next = cursor.read(config.STREAM_BATCH_SIZE);
        next.catch(() => undefined);
        const records: SinkRecord[] = rows.map((r) => ({
          key: r.key,
          id: ceIdOf(topic, spec, r.identity, r.value),
          type: spec.ceType,
          subject: r.key,
          time: r.time.toISOString(),
          traceparent,
          value: undefined,
          json: r.value,
        }));
        await sink.produce(topic, records);
        const last = rows[rows.length - 1]!;
        await pool.query(
          `UPDATE stream_jobs SET records_done = records_done + $2, resume_after = $3,
                  lease_until = now() + $4 * interval '1 millisecond'
            WHERE id = $1`,
          [
            job.id,
            rows.length,
            JSON.stringify(columns.map((c) => last[`p_${c}`])),
            config.STREAM_JOB_LEASE_MS,
          ],
        );
      }
    } finally {
      await cursor.close().catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

async function holdBack(pool: Pool, id: string, ms: number, error: string | null): Promise<void> {
  await pool.query(
    `UPDATE stream_jobs SET status = 'pending', lease_until = now() + $2 * interval '1 millisecond',
            error = coalesce($3, error)
      WHERE id = $1`,
    [id, ms, error],
  );
}

async function finish(pool: Pool, id: string, status: 'done' | 'failed', error: string | null) {
  await pool.query(
    `UPDATE stream_jobs SET status = $2, finished_at = now(), lease_until = NULL, error = $3
      WHERE id = $1`,
    [id, status, error],
  );
}
