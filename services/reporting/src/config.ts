import { commonEnv, loadConfig, pemKey, port } from '@loanflow/platform';
import { z } from 'zod';

const positive = (fallback: number, max = 1_000_000) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

export const reportingEnv = z
  .object({
    ...commonEnv,
    REPORTING_GRPC_HOST: z.string().default('0.0.0.0'),
    REPORTING_GRPC_PORT: port(50058),
    REPORTING_DB_SCHEMA: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .default('reporting'),
    /** PEM public key of the gateway's token signer (ES256). */
    AUTH_JWT_PUBLIC_KEY: pemKey('public'),
    /** Events applied at once per source consumer (events of one subject stay in order). */
    EVENTS_CONCURRENCY: positive(16, 256),

    /** Kafka brokers (host:port,...): the report streams go to Kafka. Empty: to files. */
    KAFKA_BROKERS: z.string().default(''),
    KAFKA_CLIENT_ID: z.string().default('loanflow-reporting'),
    /** Topic names are `<prefix>.<subject>.v<N>` (e.g. loanflow.reports.applications.v1). */
    REPORT_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/, 'must be a Kafka topic name prefix')
      .default('loanflow.reports'),
    REPORT_TOPIC_PARTITIONS: positive(6, 1000),
    REPORT_TOPIC_REPLICATION_FACTOR: positive(1, 7),
    /** Retention of the delete-policy topics in days (-1: forever). */
    REPORT_TOPIC_RETENTION_DAYS: z.coerce.number().int().min(-1).max(36500).default(30),
    /** Without Kafka: the folder the JSON-lines files of the topics go to. */
    REPORT_STREAMS_DIR: z.string().default(''),
    /** Records per produce call of the stream relay and the snapshot. */
    STREAM_BATCH_SIZE: positive(2000, 100_000),
    STREAM_RELAY_INTERVAL_MS: positive(200, 60_000),
    /** A replay may cover at most this many days. */
    REPLAY_MAX_DAYS: positive(366, 36500),
    /** A report's date range may cover at most this many days. */
    REPORT_MAX_RANGE_DAYS: positive(3 * 366, 36500),
    /** How long a stream job (snapshot, replay) is claimed before another replica may resume it. */
    STREAM_JOB_LEASE_MS: positive(60_000, 3_600_000),
  })
  .refine((env) => env.KAFKA_BROKERS.trim() !== '' || env.REPORT_STREAMS_DIR.trim() !== '', {
    path: ['KAFKA_BROKERS'],
    message:
      'set KAFKA_BROKERS (report streams to Kafka) or REPORT_STREAMS_DIR (to JSON-lines files)',
  });

export type ReportingConfig = z.infer<typeof reportingEnv>;

export const loadReportingConfig = (env: NodeJS.ProcessEnv = process.env): ReportingConfig =>
  loadConfig('reporting', reportingEnv, env);
