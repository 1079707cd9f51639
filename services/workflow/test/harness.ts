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
import { startDocumentsPeer, type DocumentsPeer } from '../../../test/support/documents-peer';

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
  }): Promise<string>;
  publishSubmitted(
    applicationId: string,
    eventId: string,
    opts?: {
      amount?: string;
      customerType?: 'individual' | 'corporate';
      category?: string;
      branchId?: string;
    },
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
export { eventually as waitFor } from '../../../test/support/poll';

export async function startWorkflowHarness(): Promise<WorkflowHarness> {
  const schema = `t_wf_${randomBytes(4).toString('hex')}`;
  const keys = generateSigningKeys();
  const documents = await startDocumentsPeer();
  const config = loadWorkflowConfig({
    WORKFLOW_DOCUMENTS_ADDR: documents.addr,
    DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    WORKFLOW_DB_SCHEMA: schema,
    WORKFLOW_GRPC_HOST: '127.0.0.1',
    WORKFLOW_GRPC_PORT: '0',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
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
    );
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

  return {
    schema,
    service,
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
      await documents.stop();
    },
  };
}
