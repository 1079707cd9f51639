import { randomBytes, randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  decodeEnvelope,
  generateSigningKeys,
  JetStreamBus,
  promiseClient,
  signAccessToken,
  type BusMessage,
  type EventEnvelope,
  type Pool,
  type Principal,
  type PromiseClient,
  type Role,
  type RpcOptions,
  type Subscription,
} from '@loanflow/platform';
import { applicationEventsV1, applicationsV1, vocabularyV1, workflowV1 } from '@loanflow/proto';
import { loadWorkflowConfig, start, type RunningWorkflow } from '../src/main';
import { startIdentityServer, type DirectoryEntry } from '@loanflow/test/support/identity-server';

/**
 * The staff the tests name, as the identity service's directory knows them (ids as the tests'
 * principals use them; a few with a username of their own, to name them by username).
 */
export const DIRECTORY: DirectoryEntry[] = [
  { id: 'am-1', username: 'am-1', roles: ['account_manager'] },
  { id: 'mkt-1', username: 'mkt-1', roles: ['market_specialist'] },
  { id: 'gl-1', username: 'gl-1', roles: ['group_leader'] },
  { id: 'co-1', username: 'co-1', roles: ['credit_officer'] },
  { id: 'co-2', username: 'credit.zhou', roles: ['credit_officer'] },
  { id: 'co-3', username: 'co-3', roles: ['credit_officer'] },
  { id: 'co-9', username: 'co-9', roles: ['credit_officer'] },
  { id: 'co-gone', username: 'credit.gone', roles: ['credit_officer'], active: false },
  { id: 'rev-1', username: 'rev-1', roles: ['pre_meeting_reviewer'], branchId: 'HQ' },
  { id: 'cm-1', username: 'cm-1', roles: ['committee_member'], branchId: 'HQ' },
  { id: 'cm-2', username: 'cm-2', roles: ['committee_member'], branchId: 'HQ' },
  { id: 'cm-3', username: 'cm-3', roles: ['committee_member'], branchId: 'HQ' },
  { id: 'risk-1', username: 'risk-1', roles: ['risk_manager'], branchId: 'HQ' },
  { id: 'fa-1', username: 'fa-1', roles: ['final_approver'], branchId: 'HQ' },
];
import { startDocumentsPeer, type DocumentsPeer } from '@loanflow/test/support/documents-peer';

export type WorkflowClient = PromiseClient<workflowV1.WorkflowServiceClient>;

export interface WorkflowHarness {
  schema: string;
  service: RunningWorkflow;
  /** The documents service the gate asks (set what is missing per application and stage). */
  documents: DocumentsPeer;
  client: WorkflowClient;
  db: Pool;
  bus: JetStreamBus;
  events: EventEnvelope[];
  as(p: Principal): RpcOptions;
  /** Moves the service's clock (timers, due dates); undefined = real time. */
  setClock(at: Date | undefined): void;
  /** Publishes application.submitted for a new application; returns its id. */
  submit(opts?: {
    amount?: string;
    customerType?: 'individual' | 'corporate';
    category?: string;
    branchId?: string;
    customerName?: string;
  }): Promise<string>;
  publishSubmitted(
    applicationId: string,
    eventId: string,
    opts?: {
      amount?: string;
      customerType?: 'individual' | 'corporate';
      category?: string;
      branchId?: string;
      customerName?: string;
    },
  ): Promise<void>;
  /** Publishes application.<verb> (withdrawn, declined, expired) as the applications service would. */
  publishApplicationEvent(
    verb: string,
    applicationId: string,
    data: Record<string, unknown>,
    eventId?: string,
  ): Promise<void>;
  /** A second replica of the service on the same database schema, with its own gRPC client. */
  replica(): Promise<{ client: WorkflowClient; stop(): Promise<void> }>;
  close(): Promise<void>;
}

export const staff = (userId: string, roles: Role[], branchId = 'SH001'): Principal => ({
  userId,
  username: userId,
  displayName: userId,
  roles,
  branchId,
});

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the probe gives a value. */
export { eventually as waitFor } from '@loanflow/test/support/poll';

export async function startWorkflowHarness(): Promise<WorkflowHarness> {
  const schema = `t_wf_${randomBytes(4).toString('hex')}`;
  const keys = generateSigningKeys();
  const identity = await startIdentityServer(() => DIRECTORY);
  const documents = await startDocumentsPeer();
  const config = loadWorkflowConfig({
    DOCUMENTS_ADDR: documents.addr,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    WORKFLOW_DB_SCHEMA: schema,
    WORKFLOW_GRPC_HOST: '127.0.0.1',
    WORKFLOW_GRPC_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    IDENTITY_ADDR: identity.address,
    EVENTS_START_AT: 'new',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SHUTDOWN_TIMEOUT_MS: '5000',
    WORKFLOW_TIMER_POLL_MS: '60000',
  });
  const log = createLogger('workflow-test', config.LOG_LEVEL);
  const bus = await JetStreamBus.connect({ url: config.NATS_URL, name: `wf-test-${schema}`, log });
  let clock: Date | undefined;
  const service = await start(config, { bus, log, now: () => clock ?? new Date() });
  const client = promiseClient(
    createGrpcClient(workflowV1.WorkflowServiceClient, `127.0.0.1:${service.grpcPort}`),
  );
  const db = createPool({ connectionString: config.DATABASE_URL, schema, max: 3 });
  const events: EventEnvelope[] = [];
  const durable = `${schema}_observer`;
  const observer: Subscription = await bus.consume({
    durable,
    filterSubject: 'loanflow.workflow.>',
    startAt: 'new',
    handler: async (m: BusMessage) => {
      events.push(decodeEnvelope(m.data));
    },
  });

  const publishSubmitted: WorkflowHarness['publishSubmitted'] = async (
    applicationId,
    eventId,
    opts = {},
  ) => {
    const data = applicationEventsV1.ApplicationSubmitted.toJSON(
      applicationEventsV1.ApplicationSubmitted.fromPartial({
        applicationId,
        customerId: randomUUID(),
        customerType:
          opts.customerType === 'corporate'
            ? applicationsV1.CustomerType.CUSTOMER_TYPE_CORPORATE
            : applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
        productCode: 'PERSONAL_CONSUMER',
        productCategory: opts.category ?? 'consumer',
        branchId: opts.branchId ?? 'SH001',
        amount: opts.amount ?? '800000.00',
        termMonths: 36,
        repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_EQUAL_INSTALLMENTS,
        initialOpinion: applicationsV1.Opinion.OPINION_RECOMMEND,
        score: 95,
        submittedBy: 'am-1',
        submittedAt: new Date().toISOString(),
      }),
    ) as Record<string, unknown>;
    // Newer producers add the customer's name (read from the raw payload, absent in older events).
    if (opts.customerName) data.customerName = opts.customerName;
    const envelope = {
      id: eventId,
      type: 'applications.application.submitted',
      schemaVersion: 1,
      source: 'applications',
      subjectId: applicationId,
      occurredAt: new Date().toISOString(),
      data,
    };
    // A fresh msg id each time: a redelivery JetStream's de-duplication would not catch.
    await bus.publish(
      'loanflow.applications.application.submitted',
      Buffer.from(JSON.stringify(envelope)),
      { msgId: randomUUID() },
    );
  };

  const publishApplicationEvent: WorkflowHarness['publishApplicationEvent'] = async (
    verb,
    applicationId,
    data,
    eventId = randomUUID(),
  ) => {
    const envelope = {
      id: eventId,
      type: `applications.application.${verb}`,
      schemaVersion: 1,
      source: 'applications',
      subjectId: applicationId,
      occurredAt: new Date().toISOString(),
      data: { applicationId, ...data },
    };
    await bus.publish(
      `loanflow.applications.application.${verb}`,
      Buffer.from(JSON.stringify(envelope)),
      { msgId: randomUUID() },
    );
  };

  return {
    schema,
    service,
    publishApplicationEvent,
    documents,
    client,
    db,
    bus,
    events,
    as(p) {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${signAccessToken(p, keys.privateKey)}`);
      return { metadata, timeoutMs: 15000 };
    },
    publishSubmitted,
    setClock(at) {
      clock = at;
    },
    async submit(opts = {}) {
      const id = randomUUID();
      await publishSubmitted(id, randomUUID(), opts);
      return id;
    },
    async replica() {
      const other = await start(config, { bus, log, now: () => clock ?? new Date() });
      const otherClient = promiseClient(
        createGrpcClient(workflowV1.WorkflowServiceClient, `127.0.0.1:${other.grpcPort}`),
      );
      return {
        client: otherClient,
        async stop() {
          otherClient.close();
          await other.stop();
        },
      };
    },
    async close() {
      client.close();
      await service.stop();
      await observer.drain();
      for (const d of [durable, ...service.consumers]) await bus.deleteConsumer(d);
      await bus.close();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
      await identity.stop();
      await documents.stop();
    },
  };
}
