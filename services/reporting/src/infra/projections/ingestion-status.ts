// How far the read models are: what the ingestion status reads.
import type { Pool } from '@loanflow/platform';

export interface ConsumerCounts {
  consumer: string;
  applied: string;
  parked: string;
}

export interface ParkedRow {
  eventId: string;
  subject: string;
  consumer: string;
  reason: string;
  parkedAt: Date;
}

/** Events handled (inbox rows) and parked (dead letters) per consumer. */
export async function consumerCounts(pool: Pool): Promise<ConsumerCounts[]> {
  const { rows } = await pool.query<ConsumerCounts>(
    `SELECT consumer, sum(applied)::text AS applied, sum(parked)::text AS parked
       FROM (SELECT consumer, count(*) AS applied, 0 AS parked FROM inbox GROUP BY consumer
             UNION ALL
             SELECT consumer, 0, count(*) FROM dead_letters GROUP BY consumer) c
      GROUP BY consumer ORDER BY consumer`,
  );
  return rows;
}

export async function recentParked(pool: Pool, limit: number): Promise<ParkedRow[]> {
  const { rows } = await pool.query<ParkedRow>(
    `SELECT COALESCE(event_id, '') AS "eventId", subject, consumer, reason, parked_at AS "parkedAt"
       FROM dead_letters ORDER BY id DESC LIMIT $1`,
    [limit],
  );
  return rows;
}

export async function readModelState(pool: Pool): Promise<{
  lastEventAt: Date | null;
  lastBusinessDate: string | null;
  streamBacklog: string;
}> {
  const { rows } = await pool.query<{
    lastEventAt: Date | null;
    lastBusinessDate: string | null;
    streamBacklog: string;
  }>(
    `SELECT (SELECT last_event_at FROM read_model_state) AS "lastEventAt",
            (SELECT max(business_date)::text FROM business_days) AS "lastBusinessDate",
            (SELECT count(*)::text FROM stream_outbox) AS "streamBacklog"`,
  );
  return rows[0]!;
}
