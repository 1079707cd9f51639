import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  createGrpcClient,
  createLogger,
  createPool,
  migrate,
  promiseClient,
  runService,
  serveMetrics,
  type Logger,
} from '@loanflow/platform';
import {
  accountingV1,
  applicationsV1,
  documentsV1,
  identityV1,
  notificationsV1,
  reportingV1,
  postLoanV1,
  workflowV1,
} from '@loanflow/proto';
import { createApp, gracefulClose, upstreamHealth } from './app';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { purgeIdempotencyKeys } from './http/idempotency';
import { LiveStreams } from './http/sse';

export { gatewayEnv, loadGatewayConfig } from './config';
export { DEFAULT_WEB_DIR } from './http/workbench';

export interface RunningGateway {
  httpPort: number;
  /** Where `GET /metrics` answers; undefined when METRICS_PORT is 0. */
  metricsPort: number | undefined;
  /** Live notification streams open now (the gauge a test reads to see that none leaks). */
  liveStreams(): number;
  stop(): Promise<void>;
}

export const MIGRATIONS = { name: 'gateway', dir: join(__dirname, '..', 'migrations') };

export async function start(
  config: GatewayConfig,
  opts: { log?: Logger } = {},
): Promise<RunningGateway> {
  const log = opts.log ?? createLogger('gateway', config.LOG_LEVEL);
  const schema = config.GATEWAY_DB_SCHEMA;
  const pool = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: config.DATABASE_POOL_MAX,
    applicationName: 'gateway',
    log,
  });
  await migrate(pool, schema, [MIGRATIONS], log);
  // Metrics on a port of their own, never on the public one (shared with runService's server).
  const metrics = await serveMetrics(config, { service: 'gateway', log });

  const identityRpc = createGrpcClient(identityV1.IdentityServiceClient, config.IDENTITY_ADDR);
  const identity = promiseClient(identityRpc);
  const applications = promiseClient(
    createGrpcClient(applicationsV1.ApplicationsServiceClient, config.APPLICATIONS_ADDR),
  );
  const workflow = promiseClient(
    createGrpcClient(workflowV1.WorkflowServiceClient, config.WORKFLOW_ADDR),
  );
  const accounting = promiseClient(
    createGrpcClient(accountingV1.AccountingServiceClient, config.ACCOUNTING_ADDR),
  );
  const postLoan = promiseClient(
    createGrpcClient(postLoanV1.PostLoanServiceClient, config.ACCOUNTING_ADDR),
  );
  // Streams go through a client without retries (nothing to replay); unary calls retry.
  const documentStreams = createGrpcClient(
    documentsV1.DocumentsServiceClient,
    config.DOCUMENTS_ADDR,
    {
      retries: false,
    },
  );
  const documents = promiseClient(
    createGrpcClient(documentsV1.DocumentsServiceClient, config.DOCUMENTS_ADDR),
  );
  const notifications = promiseClient(
    createGrpcClient(notificationsV1.NotificationsServiceClient, config.NOTIFICATIONS_ADDR),
  );
  const notificationStreams = createGrpcClient(
    notificationsV1.NotificationsServiceClient,
    config.NOTIFICATIONS_ADDR,
    { retries: false },
  );
  const reporting = promiseClient(
    createGrpcClient(reportingV1.ReportingServiceClient, config.REPORTING_ADDR),
  );
  const reportExports = createGrpcClient(
    reportingV1.ReportingServiceClient,
    config.REPORTING_ADDR,
    {
      retries: false,
    },
  );
  const liveStreams = new LiveStreams();
  let draining = false;
  const health = upstreamHealth(pool, {
    identity: config.IDENTITY_ADDR,
    accounting: config.ACCOUNTING_ADDR,
    documents: config.DOCUMENTS_ADDR,
    applications: config.APPLICATIONS_ADDR,
    workflow: config.WORKFLOW_ADDR,
    notifications: config.NOTIFICATIONS_ADDR,
    reporting: config.REPORTING_ADDR,
  });
  const app = createApp({
    log,
    pool,
    identity,
    identityRpc,
    applications,
    workflow,
    accounting,
    postLoan,
    documents,
    documentStreams,
    notifications,
    notificationStreams,
    reporting,
    reportExports,
    liveStreams,
    sseHeartbeatMs: config.GATEWAY_SSE_HEARTBEAT_SECONDS * 1000,
    jwtPrivateKey: config.AUTH_JWT_PRIVATE_KEY,
    jwtPublicKey: config.AUTH_JWT_PUBLIC_KEY,
    tokenTtlSeconds: config.AUTH_TOKEN_TTL_SECONDS,
    rpcTimeoutMs: config.GATEWAY_RPC_TIMEOUT_MS,
    bodyLimit: config.GATEWAY_BODY_LIMIT,
    webDir: config.GATEWAY_WEB_DIR,
    idempotencyTtlHours: config.IDEMPOTENCY_TTL_HOURS,
    loginAttemptsPerIp: config.GATEWAY_LOGIN_ATTEMPTS_PER_IP,
    loginWindowSeconds: config.GATEWAY_LOGIN_WINDOW_SECONDS,
    userCheckTtlMs: config.GATEWAY_USER_CHECK_TTL_MS,
    // Draining (after SIGTERM): not ready, so the load balancer sends nothing new, while what
    // is already on its way is still served.
    ready: async () => ({ ...(await health.check()), serving: !draining }),
  });
  const server = createServer(app);
  server.keepAliveTimeout = 65000;
  const closeServer = gracefulClose(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.GATEWAY_HTTP_PORT, config.GATEWAY_HTTP_HOST, resolve);
  });
  const httpPort = (server.address() as AddressInfo).port;
  log.info({ port: httpPort }, 'gateway listening');
  const purge = setInterval(
    () => {
      purgeIdempotencyKeys(pool, config.IDEMPOTENCY_TTL_HOURS).catch((err: unknown) =>
        log.warn({ err }, 'idempotency purge failed'),
      );
    },
    10 * 60 * 1000,
  );
  purge.unref();

  return {
    httpPort,
    metricsPort: metrics?.port,
    liveStreams: () => liveStreams.size,
    async stop() {
      clearInterval(purge);
      // Live streams never finish by themselves: ended first, they do not hold up the drain.
      liveStreams.closeAll();
      // Kubernetes takes a terminating pod out of its Service while the SIGTERM is on its way;
      // requests routed before that still arrive in this window and are served in full.
      draining = true;
      if (config.SHUTDOWN_NOT_SERVING_MS > 0)
        await new Promise((r) => setTimeout(r, config.SHUTDOWN_NOT_SERVING_MS));
      await closeServer(config.SHUTDOWN_TIMEOUT_MS);
      health.close();
      identity.close();
      applications.close();
      workflow.close();
      accounting.close();
      postLoan.close();
      documents.close();
      documentStreams.close();
      notifications.close();
      notificationStreams.close();
      reporting.close();
      reportExports.close();
      await pool.end();
      await metrics?.close();
    },
  };
}

if (require.main === module) runService('gateway', loadGatewayConfig, start);
