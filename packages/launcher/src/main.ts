import { join, resolve } from 'node:path';
import { loadApplicationsConfig, start as startApplications } from '@loanflow/applications';
import { loadGatewayConfig, start as startGateway } from '@loanflow/gateway';
import {
  DEMO_DIRECTORY,
  DEMO_PASSWORD,
  loadIdentityConfig,
  start as startIdentity,
} from '@loanflow/identity';
import { createLogger, shutdownTracing, stopOnSignals } from '@loanflow/platform';
import { loadWorkflowConfig, start as startWorkflow } from '@loanflow/workflow';
import { loadAccountingConfig, start as startAccounting } from '@loanflow/accounting';
import { loadDocumentsConfig, start as startDocuments } from '@loanflow/documents';
import { seedDemoBook } from './demo-data';
import { database, eventBus, freePort, objectStore, secrets, type Started } from './infra';

/**
 * The whole system in one process on its embedded default: every service keeps its own gRPC
 * server and database schema, exactly as when each runs in its own container.
 */
async function main(): Promise<void> {
  const log = createLogger('loanflow', process.env.LOG_LEVEL ?? 'info');
  const dataDir = resolve(
    process.env.LOANFLOW_DATA_DIR ?? join(__dirname, '..', '..', '..', '.data'),
  );
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

  const env = {
    ...process.env,
    DATABASE_URL: db.url,
    AUTH_JWT_PRIVATE_KEY: keys.jwtPrivateKey,
    AUTH_JWT_PUBLIC_KEY: keys.jwtPublicKey,
    PII_ENCRYPTION_KEY: keys.piiEncryptionKey,
    PII_INDEX_KEY: keys.piiIndexKey,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  // The directory first: the gateway logs in through it, the workflow checks assignees with it.
  const identityPort = process.env.IDENTITY_GRPC_PORT ?? String(await freePort());
  const identity = await startIdentity(
    loadIdentityConfig({
      ...env,
      IDENTITY_GRPC_HOST: '127.0.0.1',
      IDENTITY_GRPC_PORT: identityPort,
    }),
    { bus: events.bus },
  );
  started.push({ name: 'identity', stop: () => identity.stop() });
  log.info(await identity.seed(DEMO_DIRECTORY), 'demo branches and users ready');
  const identityAddr = `127.0.0.1:${identity.grpcPort}`;

  // Peers are named by address before they start (gRPC clients connect on first call).
  const applicationsPort = process.env.APPLICATIONS_GRPC_PORT ?? String(await freePort());
  const accountingPort = process.env.ACCOUNTING_GRPC_PORT ?? String(await freePort());
  const documentsPort = process.env.DOCUMENTS_GRPC_PORT ?? String(await freePort());
  const applications = await startApplications(
    loadApplicationsConfig({
      ...env,
      APPLICATIONS_GRPC_HOST: '127.0.0.1',
      APPLICATIONS_GRPC_PORT: applicationsPort,
      ACCOUNTING_ADDR: `127.0.0.1:${accountingPort}`,
    }),
    { bus: events.bus },
  );
  started.push({ name: 'applications', stop: () => applications.stop() });

  const workflowPort = process.env.WORKFLOW_GRPC_PORT ?? String(await freePort());
  const workflow = await startWorkflow(
    loadWorkflowConfig({
      ...env,
      WORKFLOW_GRPC_HOST: '127.0.0.1',
      WORKFLOW_GRPC_PORT: workflowPort,
      IDENTITY_ADDR: identityAddr,
      // The documents gate is always on: steps wait for their checklist's documents.
      DOCUMENTS_ADDR: `127.0.0.1:${documentsPort}`,
    }),
    { bus: events.bus },
  );
  started.push({ name: 'workflow', stop: () => workflow.stop() });

  const accounting = await startAccounting(
    loadAccountingConfig({
      ...env,
      ACCOUNTING_GRPC_HOST: '127.0.0.1',
      ACCOUNTING_GRPC_PORT: accountingPort,
      DOCUMENTS_ADDR: `127.0.0.1:${documentsPort}`,
    }),
    { bus: events.bus },
  );
  started.push({ name: 'accounting', stop: () => accounting.stop() });

  const s3 = await objectStore(dataDir, log);
  if (s3.stop) started.push({ name: 'local object store', stop: s3.stop });
  const documents = await startDocuments(
    loadDocumentsConfig({
      ...env,
      S3_ENDPOINT: s3.endpoint,
      S3_ACCESS_KEY: s3.accessKey,
      S3_SECRET_KEY: s3.secretKey,
      S3_REGION: s3.region,
      DOCUMENTS_GRPC_HOST: '127.0.0.1',
      DOCUMENTS_GRPC_PORT: documentsPort,
      APPLICATIONS_ADDR: `127.0.0.1:${applications.grpcPort}`,
      ACCOUNTING_ADDR: `127.0.0.1:${accounting.grpcPort}`,
    }),
    { bus: events.bus },
  );
  started.push({ name: 'documents', stop: () => documents.stop() });

  const gateway = await startGateway(
    loadGatewayConfig({
      ...env,
      IDENTITY_ADDR: identityAddr,
      APPLICATIONS_ADDR: `127.0.0.1:${applications.grpcPort}`,
      WORKFLOW_ADDR: `127.0.0.1:${workflow.grpcPort}`,
      ACCOUNTING_ADDR: `127.0.0.1:${accounting.grpcPort}`,
      DOCUMENTS_ADDR: `127.0.0.1:${documents.grpcPort}`,
      GATEWAY_HTTP_HOST: process.env.GATEWAY_HTTP_HOST ?? '127.0.0.1',
    }),
  );
  started.push({ name: 'gateway', stop: () => gateway.stop() });

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
      `  gRPC         identity on ${identityAddr}, applications on 127.0.0.1:${applications.grpcPort}, workflow on 127.0.0.1:${workflow.grpcPort}, accounting on 127.0.0.1:${accounting.grpcPort}, documents on 127.0.0.1:${documents.grpcPort} (S3 ${s3.stop ? `local store ${s3.endpoint}` : s3.endpoint})`,
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
