import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningAccounting } from '@loanflow/accounting';
import type { RunningApplications } from '@loanflow/applications';
import type { RunningDocuments } from '@loanflow/documents';
import type { RunningNotifications } from '@loanflow/notifications';
import type { RunningReporting } from '@loanflow/reporting';
import type { RunningGateway } from '@loanflow/gateway';
import type { DirectorySeed, RunningIdentity } from '@loanflow/identity';
import { compose } from '@loanflow/launcher';
import {
  createLogger,
  generatePiiKey,
  generateSigningKeys,
  HEAD_OFFICE,
  initTracing,
  JetStreamBus,
  type EventBus,
  type Role,
} from '@loanflow/platform';
import type { RunningWorkflow } from '@loanflow/workflow';
import pg from 'pg';
import { assertDocumented } from './openapi-check';

/**
 * Today's date on the accounting service's clock in tests, whatever the real date: business dates
 * up to it close, later ones only under a recorded simulation.
 */
export const TEST_CALENDAR_DATE = '2025-12-31';

/** The password of every user the harness creates. */
export const TEST_PASSWORD = 'correct horse battery staple';

export interface TestUser {
  username: string;
  roles: Role[];
  branchId: string;
  /** Contact data for the notifications' e-mail and SMS (none unless a test needs them). */
  email?: string;
  mobile?: string;
  language?: 'zh-CN' | 'en';
  /** As the directory shows the user; the username when absent. */
  displayName?: string;
}

/** A cast that covers the rules: front office in two branches, a back-office role and head office. */
export const DEFAULT_USERS: TestUser[] = [
  { username: 'am.sh', roles: ['account_manager'], branchId: 'SH001' },
  { username: 'am.bj', roles: ['account_manager'], branchId: 'BJ001' },
  { username: 'corp.sh', roles: ['corporate_lending'], branchId: 'SH001' },
  { username: 'credit.sh', roles: ['credit_officer'], branchId: 'SH001' },
  { username: 'audit.hq', roles: ['auditor'], branchId: HEAD_OFFICE },
  { username: 'risk.hq', roles: ['risk_manager'], branchId: HEAD_OFFICE },
  { username: 'risk2.hq', roles: ['risk_manager'], branchId: HEAD_OFFICE },
  { username: 'disb.sh', roles: ['disbursement_reviewer'], branchId: 'SH001' },
  { username: 'postloan.sh', roles: ['post_loan_officer'], branchId: 'SH001' },
  { username: 'admin.hq', roles: ['admin'], branchId: HEAD_OFFICE },
];

/** The branch tree of every test system: head office; SH001 with sub-branch SH001-01; BJ001. */
export const TEST_BRANCHES: DirectorySeed['branches'] = [
  { code: 'SH001', name: '上海分行', parentCode: HEAD_OFFICE },
  { code: 'SH001-01', name: '浦东支行', parentCode: 'SH001' },
  { code: 'BJ001', name: '北京分行', parentCode: HEAD_OFFICE },
];

export interface TestSystem {
  baseUrl: string;
  /** The user directory; the harness's users are there (display name = username). */
  identity: RunningIdentity;
  applications: RunningApplications;
  workflow: RunningWorkflow;
  gateway: RunningGateway;
  accounting: RunningAccounting;
  documents: RunningDocuments;
  notifications: RunningNotifications;
  reporting: RunningReporting;
  /** Where the report streams' JSON-lines files go (unless reportingEnv sends them to Kafka). */
  reportStreamsDir: string;
  /** A pool on the same database for assertions on rows (schema-qualified queries). */
  db: pg.Pool;
  /** The namespace of this deployment's events on the shared stream (EVENTS_NAMESPACE). */
  eventsNamespace: string;
  schemas: {
    identity: string;
    applications: string;
    gateway: string;
    workflow: string;
    accounting: string;
    documents: string;
    notifications: string;
    reporting: string;
  };
  /** Logs in through the API and returns the bearer token. */
  login(username: string): Promise<string>;
  /** The key the gateway signs access tokens with (to forge odd tokens in security tests). */
  jwtPrivateKey: string;
  /** Rows in `schema.table`, for "nothing was written" checks. */
  count(schema: string, table: string): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts the identity, applications, accounting, documents and workflow services and the gateway
 * in this process, each with its own gRPC or HTTP server on a free port and its own fresh schema,
 * as separate deployments would be.
 */
export async function startSystem(
  opts: {
    users?: TestUser[];
    bus?: EventBus;
    logLevel?: string;
    firstBusinessDate?: string;
    /** Today on the accounting service's clock (Asia/Shanghai); TEST_CALENDAR_DATE by default. */
    calendarDate?: string;
    /** The applications service's clock (submission date, expiry sweep); real time if absent. */
    applicationsNow?: () => Date;
    /** More gateway settings (e.g. a low login throttle). */
    gatewayEnv?: Record<string, string>;
    /** More notifications settings (the SMTP server, the SMS provider, quiet hours ...). */
    notificationsEnv?: Record<string, string>;
    /** The notifications service's clock (quiet hours, digests, retries). */
    notificationsNow?: () => Date;
    /** More reporting settings (e.g. KAFKA_BROKERS and REPORT_TOPIC_PREFIX for Kafka). */
    reportingEnv?: Record<string, string>;
    /** The reporting service's clock. */
    reportingNow?: () => Date;
  } = {},
): Promise<TestSystem> {
  // What `node --import .../tracing.js` does for a deployed process.
  initTracing('loanflow-test');
  // The infrastructure the infra script started (jest loads it too; benchmarks come here).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { resolveEndpoints } = require('@loanflow/test/infra/endpoints.js') as {
    resolveEndpoints(): Record<string, string>;
  };
  for (const [k, v] of Object.entries(resolveEndpoints())) process.env[k] ??= v;
  const suffix = randomBytes(4).toString('hex');
  const schemas = {
    identity: `t_id_${suffix}`,
    applications: `t_apps_${suffix}`,
    gateway: `t_gw_${suffix}`,
    workflow: `t_wf_${suffix}`,
    accounting: `t_acct_${suffix}`,
    documents: `t_docs_${suffix}`,
    notifications: `t_nf_${suffix}`,
    reporting: `t_rep_${suffix}`,
  };
  const reportStreamsDir = mkdtempSync(join(tmpdir(), `loanflow-streams-${suffix}-`));
  const keys = generateSigningKeys();
  const serviceKeys = generateSigningKeys();
  const env = {
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    AUTH_JWT_PRIVATE_KEY: keys.privateKey,
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    PII_ENCRYPTION_KEY: generatePiiKey(),
    PII_INDEX_KEY: generatePiiKey(),
    LOG_LEVEL: opts.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    EVENTS_START_AT: 'new',
    // This deployment's events only: other suites' systems share the NATS server.
    EVENTS_NAMESPACE: `t${suffix}`,
  };
  const log = createLogger('test', env.LOG_LEVEL);
  // The system as `npm start` wires it, on this deployment's own schemas, bucket and clocks.
  const system = await compose({
    env,
    serviceEnv: {
      identity: { IDENTITY_DB_SCHEMA: schemas.identity },
      accounting: {
        ACCOUNTING_DB_SCHEMA: schemas.accounting,
        ACCOUNTING_FIRST_BUSINESS_DATE: opts.firstBusinessDate ?? '2025-01-15',
      },
      applications: {
        APPLICATIONS_DB_SCHEMA: schemas.applications,
        SERVICE_TOKEN_PUBLIC_KEY: serviceKeys.publicKey,
      },
      notifications: {
        NOTIFICATIONS_DB_SCHEMA: schemas.notifications,
        SERVICE_TOKEN_PRIVATE_KEY: serviceKeys.privateKey,
        ...opts.notificationsEnv,
      },
      reporting: {
        REPORTING_DB_SCHEMA: schemas.reporting,
        REPORT_STREAMS_DIR: reportStreamsDir,
        ...opts.reportingEnv,
      },
      documents: {
        S3_ENDPOINT: process.env.S3_ENDPOINT,
        S3_ACCESS_KEY: process.env.S3_ACCESS_KEY,
        S3_SECRET_KEY: process.env.S3_SECRET_KEY,
        S3_REGION: process.env.S3_REGION,
        DOCUMENTS_BUCKET: `t-docs-${suffix}`,
        DOCUMENTS_DB_SCHEMA: schemas.documents,
      },
      workflow: { WORKFLOW_DB_SCHEMA: schemas.workflow },
      gateway: { GATEWAY_DB_SCHEMA: schemas.gateway, ...opts.gatewayEnv },
    },
    log,
    bus: opts.bus,
    clocks: {
      accounting: () => new Date(`${opts.calendarDate ?? TEST_CALENDAR_DATE}T12:00:00+08:00`),
      applications: opts.applicationsNow,
      notifications: opts.notificationsNow,
      reporting: opts.reportingNow,
    },
    afterIdentity: async (identity) => {
      await identity.seed({
        branches: TEST_BRANCHES,
        users: (opts.users ?? DEFAULT_USERS).map((u) => ({
          ...u,
          displayName: u.displayName ?? u.username,
        })),
        password: TEST_PASSWORD,
      });
    },
  });
  const {
    identity,
    applications,
    workflow,
    gateway,
    accounting,
    documents,
    notifications,
    reporting,
    baseUrl,
  } = system;
  const db = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
  db.on('error', () => undefined);

  const tokens = new Map<string, string>();

  return {
    baseUrl,
    identity,
    applications,
    workflow,
    gateway,
    accounting,
    documents,
    notifications,
    reporting,
    reportStreamsDir,
    db,
    eventsNamespace: env.EVENTS_NAMESPACE,
    schemas,
    jwtPrivateKey: keys.privateKey,
    async login(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: TEST_PASSWORD }),
      });
      if (res.status !== 200)
        throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      const token = ((await res.json()) as { accessToken: string }).accessToken;
      tokens.set(username, token);
      return token;
    },
    async count(schema, table) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM ${schema}.${table}`);
      return rows[0].n as number;
    },
    async stop() {
      await system.stop();
      await deleteConsumers(env.NATS_URL, system.consumers());
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.identity} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.applications} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.gateway} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.workflow} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.accounting} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.documents} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.notifications} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${schemas.reporting} CASCADE`);
      rmSync(reportStreamsDir, { recursive: true, force: true });
      await emptyBucket(documents.store);
      await db.end();
    },
  };
}

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A JSON call to the gateway as a client would make it. */
export async function api<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(opts.body !== undefined || opts.rawBody !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...opts.headers,
    },
    body: opts.rawBody ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  // Every response a test receives must be as /openapi.json documents it.
  await assertDocumented(baseUrl, {
    method,
    path,
    status: res.status,
    contentType: res.headers.get('content-type'),
    body,
  });
  return { status: res.status, headers: res.headers, body: body as T };
}

/** Removes the durable consumers a test deployment made, so they do not pile up on the server. */
async function deleteConsumers(natsUrl: string, durables: string[]): Promise<void> {
  const bus = await JetStreamBus.connect({
    url: natsUrl,
    name: 'test-cleanup',
    log: createLogger('test', 'silent'),
  });
  try {
    for (const durable of durables) await bus.deleteConsumer(durable);
  } finally {
    await bus.close();
  }
}

/** Removes a test deployment's bucket with everything in it. */
async function emptyBucket(store: RunningDocuments['store']): Promise<void> {
  const keys = await store.list('');
  for (const key of keys) await store.discard(key).catch(() => undefined);
  for (const key of await store.incompleteUploads(''))
    await store.discard(key).catch(() => undefined);
  await store.client.removeBucket(store.bucket).catch(() => undefined);
}
