import { join, resolve } from 'node:path';
import { DEMO_DIRECTORY, DEMO_PASSWORD } from '@loanflow/identity';
import { createLogger, shutdownTracing, stopOnSignals } from '@loanflow/platform';
import { compose, type ComponentName } from './compose';
import { seedDemoBook } from './demo-data';
import { database, eventBus, objectStore, REPO_ROOT, secrets, type Started } from './infra';

/** The port variable of each component, when the environment fixes it. */
const PORT_VARIABLES: Record<ComponentName, string> = {
  identity: 'IDENTITY_GRPC_PORT',
  applications: 'APPLICATIONS_GRPC_PORT',
  workflow: 'WORKFLOW_GRPC_PORT',
  accounting: 'ACCOUNTING_GRPC_PORT',
  documents: 'DOCUMENTS_GRPC_PORT',
  notifications: 'NOTIFICATIONS_GRPC_PORT',
  reporting: 'REPORTING_GRPC_PORT',
  gateway: 'GATEWAY_HTTP_PORT',
};

/**
 * The whole system in one process on its embedded default: every service keeps its own gRPC
 * server and database schema, exactly as when each runs in its own container. What is
 * embedded-only is here (database, event bus, object store, keys, demo data, fixed ports); the
 * wiring of the services is compose()'s, shared with the test harness.
 */
async function main(): Promise<void> {
  const log = createLogger('loanflow', process.env.LOG_LEVEL ?? 'info');
  const dataDir = resolve(process.env.LOANFLOW_DATA_DIR ?? join(REPO_ROOT, '.data'));
  const started: Started[] = [];
  const stopAll = async () => {
    for (const s of started.reverse())
      await s.stop().catch((err: unknown) => log.error({ err, what: s.name }, 'stop failed'));
    await shutdownTracing();
  };
  stopOnSignals({ stop: stopAll }, log, 15000);

  const db = await database(dataDir, log);
  if (db.started) started.push(db.started);
  const events = await eventBus(dataDir, log);
  if (events.started) started.push(events.started);
  started.push({ name: 'event bus', stop: () => events.bus.close() });
  const keys = secrets(dataDir);
  const s3 = await objectStore(dataDir, log);
  if (s3.stop) started.push({ name: 'local object store', stop: s3.stop });

  const ports: Partial<Record<ComponentName, number>> = { gateway: 8080 };
  for (const [component, variable] of Object.entries(PORT_VARIABLES))
    if (process.env[variable]) ports[component as ComponentName] = Number(process.env[variable]);

  const system = await compose({
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      AUTH_JWT_PRIVATE_KEY: keys.jwtPrivateKey,
      AUTH_JWT_PUBLIC_KEY: keys.jwtPublicKey,
      PII_ENCRYPTION_KEY: keys.piiEncryptionKey,
      PII_INDEX_KEY: keys.piiIndexKey,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    },
    serviceEnv: {
      applications: { SERVICE_TOKEN_PUBLIC_KEY: keys.serviceTokenPublicKey },
      notifications: { SERVICE_TOKEN_PRIVATE_KEY: keys.serviceTokenPrivateKey },
      // Without KAFKA_BROKERS the report streams go to JSON-lines files in the data folder.
      reporting: process.env.KAFKA_BROKERS
        ? {}
        : { REPORT_STREAMS_DIR: join(dataDir, 'report-streams') },
      documents: {
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY: s3.accessKey,
        S3_SECRET_KEY: s3.secretKey,
        S3_REGION: s3.region,
      },
    },
    ports,
    gatewayHost: process.env.GATEWAY_HTTP_HOST ?? '127.0.0.1',
    bus: events.bus,
    afterIdentity: async (identity) =>
      log.info(await identity.seed(DEMO_DIRECTORY), 'demo branches and users ready'),
  });
  started.push({ name: 'services', stop: () => system.stop() });
  const { addresses, gateway } = system;

  const url = `http://127.0.0.1:${gateway.httpPort}`;
  await seedDemoBook(url, DEMO_PASSWORD, log);

  const width = Math.max(...DEMO_DIRECTORY.users.map((u) => u.username.length));
  console.log(
    [
      '',
      `LoanFlow is running at ${url}`,
      `  API docs     ${url}/docs    (OpenAPI: ${url}/openapi.json)`,
      `  Health       ${url}/healthz  ${url}/readyz`,
      `  Database     ${db.started ? 'embedded PostgreSQL' : 'DATABASE_URL'}; events: ${events.description}`,
      `  Reports      ${url}/api/v1/reports/portfolio  (streams: ${process.env.KAFKA_BROKERS ? `Kafka ${process.env.KAFKA_BROKERS}` : join(dataDir, 'report-streams')})`,
      `  gRPC         identity on ${addresses.identity}, applications on ${addresses.applications}, workflow on ${addresses.workflow}, accounting on ${addresses.accounting}, documents on ${addresses.documents}, notifications on ${addresses.notifications}, reporting on ${addresses.reporting} (S3 ${s3.stop ? `local store ${s3.endpoint}` : s3.endpoint})`,
      '',
      `Demo logins (password "${DEMO_PASSWORD}"):`,
      ...DEMO_DIRECTORY.users.map(
        (u) => `  ${u.username.padEnd(width)}  ${u.branchId.padEnd(8)} ${u.roles.join(', ')}`,
      ),
      '',
      'Try:',
      `  TOKEN=$(curl -s -X POST ${url}/api/v1/auth/login -H 'content-type: application/json' \\`,
      `    -d '{"username":"am.li","password":"${DEMO_PASSWORD}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).accessToken')`,
      `  curl -s ${url}/api/v1/applications -H "authorization: Bearer $TOKEN"`,
      '',
      'Stop with Ctrl-C.',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  console.error('LoanFlow failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
