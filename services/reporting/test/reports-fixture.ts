// The reporting service on its own against real PostgreSQL and NATS, with read-model rows
// inserted directly (known figures), a fixed clock and tokens of the test's own signer.
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
  type Pool,
  type Principal,
  type PromiseClient,
  type RpcOptions,
} from '@loanflow/platform';
import { reportingV1 } from '@loanflow/proto';
import { loadReportingConfig, start, type RunningReporting } from '@loanflow/reporting';

export interface ReportsHarness {
  schema: string;
  db: Pool;
  client: PromiseClient<reportingV1.ReportingServiceClient>;
  raw: reportingV1.ReportingServiceClient;
  service: RunningReporting;
  as(p: Principal): RpcOptions;
  close(): Promise<void>;
}

export async function startReports(
  now: string,
  env: Record<string, string> = {},
): Promise<ReportsHarness> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `t_rr_${runId}`;
  const keys = generateSigningKeys();
  const streamsDir = mkdtempSync(join(tmpdir(), `loanflow-reports-${runId}-`));
  const log = createLogger('reports-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const config = loadReportingConfig({
    ...process.env,
    REPORTING_GRPC_HOST: '127.0.0.1',
    REPORTING_GRPC_PORT: '0',
    REPORTING_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_MAX: '5',
    SHUTDOWN_TIMEOUT_MS: '5000',
    EVENTS_START_AT: 'new',
    // The reports read the read models only; the streams go to a folder of this run's own.
    REPORT_STREAMS_DIR: streamsDir,
    KAFKA_BROKERS: '',
    ...env,
  });
  const db = createPool({ connectionString: config.DATABASE_URL, schema, max: 3 });
  const bus = await JetStreamBus.connect({ url: config.NATS_URL, name: `reports-${runId}`, log });
  const service = await start(config, { bus, log, now: () => new Date(now) });
  const address = `127.0.0.1:${service.grpcPort}`;
  const client = promiseClient(createGrpcClient(reportingV1.ReportingServiceClient, address));
  const raw = createGrpcClient(reportingV1.ReportingServiceClient, address, { retries: false });
  return {
    schema,
    db,
    client,
    raw,
    service,
    as(p) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${signAccessToken(p, keys.privateKey)}`);
      return { metadata };
    },
    async close() {
      client.close();
      raw.close();
      await service.stop();
      for (const durable of service.consumers) await bus.deleteConsumer(durable);
      await bus.close();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      rmSync(streamsDir, { recursive: true, force: true });
      await db.end();
    },
  };
}

export const staff = (
  username: string,
  roles: Principal['roles'],
  branchId: string,
  branchScope?: Principal['branchScope'],
): Principal => ({
  userId: randomUUID(),
  username,
  displayName: username,
  roles,
  branchId,
  ...(branchScope ? { branchScope } : {}),
});

/** Inserts rows into a read-model table: each row an object of column → value. */
export async function insert(
  db: Pool,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (const row of rows) {
    const columns = Object.keys(row);
    await db.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
      Object.values(row),
    );
  }
}

/** The rows of a table of a report as arrays of cells. */
export const rowsOf = (report: reportingV1.Report | undefined, table: string): string[][] =>
  report?.tables.find((t) => t.name === table)?.rows.map((r) => r.cells) ?? [];
