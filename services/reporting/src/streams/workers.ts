// OWNED BY: streams. The sink chosen by the configuration, the stream-outbox relay and the job
// runner (nightly loans.daily snapshots, replays).
//
// Delivery is at-least-once with deterministic ids, not Kafka transactions: a record leaves the
// outbox only after the sink acknowledged it (acks -1), so a crash between the produce and the
// DELETE produces it again, with the same ce_id, key and value. Consumers deduplicate on ce_id
// (the CloudEvents contract) and the compacted loans.state topic is idempotent by key anyway.
// Exactly-once would need a transactional producer per replica and read_committed consumers in
// every data team's warehouse loader, and would still not cover the file sink or a replay; the
// stable ce_id covers all three.
import type { Logger, Pool, TopicSettings } from '@loanflow/platform';
import type { ReportingConfig } from '../config';
import type { ReportingDeps } from '../app/deps';
import { CATALOGUE, topicName } from './catalogue';
import { claimJob, runJob } from './jobs';
import { FileSink, KafkaSink, type SinkRecord, type StreamSink } from './sink';

const DAY_MS = 86_400_000;

/** Every catalogue topic with its partitions, replication and retention (compact for state). */
export function topicSettings(config: ReportingConfig): TopicSettings[] {
  const retentionMs =
    config.REPORT_TOPIC_RETENTION_DAYS < 0 ? -1 : config.REPORT_TOPIC_RETENTION_DAYS * DAY_MS;
  return CATALOGUE.map((spec) => ({
    topic: topicName(config.REPORT_TOPIC_PREFIX, spec),
    partitions: config.REPORT_TOPIC_PARTITIONS,
    replicationFactor: config.REPORT_TOPIC_REPLICATION_FACTOR,
    // The compacted topic keeps every loan's last state for good; the others age out.
    configs: {
      'cleanup.policy': spec.cleanupPolicy,
      'retention.ms': String(spec.cleanupPolicy === 'compact' ? -1 : retentionMs),
    },
  }));
}

/** Kafka when KAFKA_BROKERS is set, else JSON-lines files under REPORT_STREAMS_DIR. */
export async function sinkFromConfig(config: ReportingConfig, log: Logger): Promise<StreamSink> {
  const topics = topicSettings(config);
  if (config.KAFKA_BROKERS.trim() !== '') {
    return KafkaSink.connect({
      brokers: config.KAFKA_BROKERS,
      clientId: config.KAFKA_CLIENT_ID,
      log,
      topics,
    });
  }
  return new FileSink(
    config.REPORT_STREAMS_DIR,
    topics.map((t) => t.topic),
  );
}

export interface StreamWorkers {
  /** Produces everything waiting and runs due jobs now (tests, shutdown). */
  drain(): Promise<void>;
  kick(): void;
  stop(): Promise<void>;
}

interface OutboxRow {
  seq: string;
  key: string;
  ce_id: string;
  ce_type: string;
  ce_subject: string;
  ce_time: Date;
  traceparent: string | null;
  value: string;
}

/**
 * Produces one topic's next batch in seq order and deletes it once the sink acknowledged. One
 * replica relays a topic at a time (a transaction-scoped advisory lock on schema and topic), so
 * one entity's records stay in order even with several replicas; the others skip the topic.
 */
async function relayBatch(deps: ReportingDeps, pool: Pool, topic: string): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: lock } = await client.query<{ got: boolean }>(
      `SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':stream-relay:' || $1)) AS got`,
      [topic],
    );
    if (!lock[0]!.got) {
      await client.query('ROLLBACK');
      return 0;
    }
    const { rows } = await client.query<OutboxRow>(
      `SELECT seq, key, ce_id, ce_type, ce_subject, ce_time, traceparent, value::text AS value
         FROM stream_outbox WHERE topic = $1 ORDER BY seq LIMIT $2`,
      [topic, deps.config.STREAM_BATCH_SIZE],
    );
    if (rows.length > 0) {
      const records: SinkRecord[] = rows.map((r) => ({
        key: r.key,
        id: r.ce_id,
        type: r.ce_type,
        subject: r.ce_subject,
        time: r.ce_time.toISOString(),
        traceparent: r.traceparent ?? undefined,
        value: undefined,
        json: r.value,
      }));
      await deps.sink.produce(topic, records);
      await client.query('DELETE FROM stream_outbox WHERE seq = ANY($1::bigint[])', [
        rows.map((r) => r.seq),
      ]);
    }
    await client.query('COMMIT');
    return rows.length;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Empties the outbox, topic by topic; the records produced. */
export async function relayOutbox(deps: ReportingDeps, pool: Pool): Promise<number> {
  let produced = 0;
  const { rows } = await pool.query<{ topic: string }>('SELECT DISTINCT topic FROM stream_outbox');
  for (const { topic } of rows) {
    for (;;) {
      const n = await relayBatch(deps, pool, topic);
      produced += n;
      if (n < deps.config.STREAM_BATCH_SIZE) break;
    }
  }
  return produced;
}

/** Runs due jobs until none is left (each at most once per pass). */
async function runDueJobs(deps: ReportingDeps, pool: Pool, now: boolean): Promise<void> {
  const seen: string[] = [];
  for (;;) {
    const job = await claimJob(pool, deps.config.STREAM_JOB_LEASE_MS, { now, skip: seen });
    if (!job) return;
    seen.push(job.id);
    await runJob(deps, job);
  }
}

export function startStreamWorkers(deps: ReportingDeps, pool: Pool): StreamWorkers {
  const log = deps.log.child({ component: 'stream-workers' });
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  let busy = false;

  const pass = async (now: boolean) => {
    await relayOutbox(deps, pool);
    await runDueJobs(deps, pool, now);
  };
  /** One pass at a time; a kick during a pass asks for another one after it. */
  const tick = () => {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    running = (async () => {
      do {
        again = false;
        try {
          await pass(false);
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'report stream pass failed; retried');
        }
      } while (again && !stopped);
      busy = false;
    })();
  };
  const timer = setInterval(tick, deps.config.STREAM_RELAY_INTERVAL_MS);
  timer.unref();
  tick();

  return {
    async drain() {
      while (busy) await running;
      busy = true;
      try {
        await pass(true);
      } finally {
        busy = false;
        if (again) tick();
      }
    },
    kick: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
