// The stream jobs as the API reads and requests them.
import { injectTraceContext, type Queryable } from '@loanflow/platform';
import { JOB_COLUMNS, type StreamJobRow } from './jobs';

/** A replay job, once per request id (a retry of the request finds the first one). */
export async function requestReplay(
  db: Queryable,
  job: { id: string; requestId: string; topic: string; from: string; to: string; by: string },
): Promise<StreamJobRow> {
  await db.query(
    `INSERT INTO stream_jobs (id, request_id, kind, topic, from_date, to_date, status, requested_by,
       traceparent)
     VALUES ($1, $2, 'replay', $3, $4, $5, 'pending', $6, $7)
     ON CONFLICT (request_id) DO NOTHING`,
    [
      job.id,
      job.requestId,
      job.topic,
      job.from,
      job.to,
      job.by,
      injectTraceContext().traceparent ?? null,
    ],
  );
  const { rows } = await db.query<StreamJobRow>(
    `SELECT ${JOB_COLUMNS} FROM stream_jobs WHERE request_id = $1`,
    [job.requestId],
  );
  return rows[0]!;
}

export async function jobById(db: Queryable, id: string): Promise<StreamJobRow | undefined> {
  const { rows } = await db.query<StreamJobRow>(
    `SELECT ${JOB_COLUMNS} FROM stream_jobs WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** Newest first; `topic` empty: every topic. */
export async function listJobs(
  db: Queryable,
  topic: string,
  limit: number,
): Promise<StreamJobRow[]> {
  const { rows } = await db.query<StreamJobRow>(
    `SELECT ${JOB_COLUMNS} FROM stream_jobs WHERE ($1 = '' OR topic = $1)
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    [topic, limit],
  );
  return rows;
}
