// The reporting service on its own schema and its own event namespace, against real PostgreSQL
// and NATS JetStream: events are published onto the bus as their owners' outbox relays would.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  generateSigningKeys,
  JetStreamBus,
  promiseClient,
  signAccessToken,
  type Logger,
  type Pool,
  type PromiseClient,
  type Role,
  type RpcOptions,
} from '@loanflow/platform';
import { reportingV1 } from '@loanflow/proto';
import {
  loadReportingConfig,
  start,
  type ReportingConfig,
  type RunningReporting,
} from '../src/main';

export type ReportingClient = PromiseClient<reportingV1.ReportingServiceClient>;

export interface IngestHarness {
  runId: string;
  schema: string;
  namespace: string;
  config: ReportingConfig;
  log: Logger;
  service: RunningReporting;
  client: ReportingClient;
  db: Pool;
  bus: JetStreamBus;
  /** Publishes an event as its owner's outbox relay would; returns the event id. */
  publish(
    type: string,
    subjectId: string,
    data: unknown,
    more?: { id?: string; schemaVersion?: number; occurredAt?: string },
  ): Promise<string>;
  /** Publishes raw bytes on a subject (not an envelope). */
  publishRaw(subject: string, bytes: Buffer): Promise<void>;
  /** Waits until every listed event is handled (inbox) or parked (dead letter). */
  settled(eventIds: string[], timeoutMs?: number): Promise<void>;
  as(roles: Role[], branchId?: string): RpcOptions;
  close(): Promise<void>;
}

export async function startIngestHarness(env: Record<string, string> = {}): Promise<IngestHarness> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `t_rp_${runId}`;
  const namespace = `rp${runId}`;
  const keys = generateSigningKeys();
  const log = createLogger('reporting-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const streamsDir = mkdtempSync(join(tmpdir(), 'reporting-ingest-'));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(streamsDir, { recursive: true })];
  const cleanUp = async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => undefined);
  };
  try {
    const config = loadReportingConfig({
      ...process.env,
      REPORTING_GRPC_HOST: '127.0.0.1',
      REPORTING_GRPC_PORT: '0',
      REPORTING_DB_SCHEMA: schema,
      AUTH_JWT_PUBLIC_KEY: keys.publicKey,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_POOL_MAX: '8',
      SHUTDOWN_TIMEOUT_MS: '5000',
      EVENTS_START_AT: 'all',
      EVENTS_NAMESPACE: namespace,
      KAFKA_BROKERS: '',
      REPORT_STREAMS_DIR: streamsDir,
      ...env,
    });
    const db = createPool({
      connectionString: config.DATABASE_URL,
      schema,
      max: 3,
      applicationName: `test-${schema}`,
    });
    cleanups.push(async () => {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    });
    const bus = await JetStreamBus.connect({
      url: config.NATS_URL,
      name: `reporting-test-${runId}`,
      log,
      namespace,
    });
    cleanups.push(() => bus.close());
    const service = await start(config, { bus, log });
    cleanups.push(async () => {
      await service.stop();
      for (const durable of service.consumers) await bus.deleteConsumer(durable);
    });
    const client = promiseClient(
      createGrpcClient(reportingV1.ReportingServiceClient, `127.0.0.1:${service.grpcPort}`),
    );
    cleanups.push(async () => client.close());

    const publish: IngestHarness['publish'] = async (type, subjectId, data, more = {}) => {
      const id = more.id ?? randomUUID();
      const envelope = {
        id,
        type,
        schemaVersion: more.schemaVersion ?? 1,
        source: type.split('.')[0],
        subjectId,
        occurredAt: more.occurredAt ?? new Date().toISOString(),
        data,
      };
      await bus.publish(`loanflow.${type}`, Buffer.from(JSON.stringify(envelope)), {
        msgId: randomUUID(),
        headers: { 'loanflow-subject-id': subjectId },
      });
      return id;
    };
    const publishRaw: IngestHarness['publishRaw'] = async (subject, bytes) => {
      await bus.publish(subject, bytes, { msgId: randomUUID() });
    };
    const settled: IngestHarness['settled'] = async (eventIds, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { rows } = await db.query<{ n: number }>(
          `SELECT count(DISTINCT id)::int AS n FROM (
             SELECT event_id AS id FROM inbox WHERE event_id = ANY($1::uuid[])
             UNION ALL
             SELECT event_id::uuid FROM dead_letters WHERE event_id = ANY($2::text[])) x`,
          [eventIds, eventIds],
        );
        if (rows[0]!.n >= new Set(eventIds).size) return;
        if (Date.now() > deadline)
          throw new Error(`${eventIds.length - rows[0]!.n} events not handled in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const as: IngestHarness['as'] = (roles, branchId = 'HQ') => {
      const token = signAccessToken(
        {
          userId: randomUUID(),
          username: `u.${runId}`,
          displayName: 'test',
          roles,
          branchId,
        },
        keys.privateKey,
      );
      return { metadata: bearer(token), timeoutMs: 20_000 };
    };
    return {
      runId,
      schema,
      namespace,
      config,
      log,
      service,
      client,
      db,
      bus,
      publish,
      publishRaw,
      settled,
      as,
      close: cleanUp,
    };
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

function bearer(token: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}
