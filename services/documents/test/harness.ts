// The real documents service in-process on port 0, against its own PostgreSQL schema, its own
// bucket on the real S3 server, the real JetStream and the real accounting service (schedules,
// loans); reached through gRPC only. The applications service is a stand-in answering from what
// the test says exists (test/applications-peer.ts). The service's clock is the test's.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import {
  createGrpcClient,
  createLogger,
  createPool,
  fromGrpcError,
  generateSigningKeys,
  JetStreamBus,
  promiseClient,
  signAccessToken,
  type Pool,
  type Principal,
  type PromiseClient,
  type Role,
  type RpcOptions,
} from '@loanflow/platform';
import { applicationsV1, documentsV1 } from '@loanflow/proto';
import {
  loadAccountingConfig,
  start as startAccounting,
  type RunningAccounting,
} from '@loanflow/accounting';
import { loadDocumentsConfig, type DocumentsConfig } from '../src/config';
import { start, type RunningDocuments } from '../src/main';
import { startApplicationsPeer, type ApplicationsPeer } from './applications-peer';

export type DocumentsClient = PromiseClient<documentsV1.DocumentsServiceClient>;

export const STAFF = {
  /** 客户经理 of the Shanghai branch: files documents, generates contracts. */
  shManager: { roles: ['account_manager'], branchId: 'SH001' },
  /** 客户经理 of the Beijing branch: may not see Shanghai's applications. */
  bjManager: { roles: ['account_manager'], branchId: 'BJ001' },
  /** 放款审核 of the Shanghai branch: the disbursement review, signs for the bank. */
  shReviewer: { roles: ['disbursement_reviewer'], branchId: 'SH001' },
  /** Reads, never files. */
  auditor: { roles: ['auditor'], branchId: 'SH001' },
  hqRisk: { roles: ['risk_manager'], branchId: 'HQ' },
  admin: { roles: ['admin'], branchId: 'HQ' },
  /** Signs for the borrower (their portal user in production). */
  borrower: { roles: ['account_manager'], branchId: 'SH001' },
} satisfies Record<string, { roles: Role[]; branchId: string }>;
export type StaffKey = keyof typeof STAFF;

/** The instant the service's clock shows unless a test moves it: 00:30 on 1 January 2026 in China. */
export const HARNESS_NOW = '2025-12-31T16:30:00.000Z';

export interface UploadInput {
  owner: { kind: string; id: string };
  documentType: string;
  bytes: Buffer;
  declaredMediaType?: string;
  declaredSize?: string;
  fileName?: string;
  requestId?: string;
  sha256?: string;
  /** Bytes per message (the stream is cut into chunks of this size). */
  chunkSize?: number;
}

export interface Harness {
  runId: string;
  schema: string;
  config: DocumentsConfig;
  service: RunningDocuments;
  client: DocumentsClient;
  /** A pool on the service's schema, for looking at what was (not) written. */
  db: Pool;
  peer: ApplicationsPeer;
  accounting: RunningAccounting;
  bus: JetStreamBus;
  clock: { set(iso: string): void; now(): Date };
  principal(who: StaffKey): Principal;
  as(who: StaffKey): RpcOptions;
  upload(who: StaffKey, input: UploadInput): Promise<documentsV1.UploadDocumentResponse>;
  read(
    who: StaffKey,
    id: string,
    rendition?: string,
  ): Promise<{ header: documentsV1.ReadHeader; bytes: Buffer }>;
  /** Data of the events in the service's outbox of `type` (and subject), in order. */
  published(type: string, subjectId?: string): Promise<Record<string, unknown>[]>;
  /** Keys of the objects in the service's bucket under `prefix`. */
  objects(prefix: string): Promise<string[]>;
  /** Publishes an envelope as another service's relay would (a fresh message id: a redelivery). */
  publish(subject: string, eventId: string, subjectId: string, data: unknown): Promise<void>;
  close(): Promise<void>;
}

export const sha256Of = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A PDF's header, then `size` pseudo-random bytes of `seed`: unique per seed. */
export function pdfBytes(seed: string, size = 64 * 1024): Buffer {
  const header = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const body = Buffer.alloc(size);
  let block = createHash('sha256').update(seed).digest();
  for (let at = 0; at < size; at += block.length) {
    block.copy(body, at);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat([header, body, Buffer.from('\n%%EOF\n')]);
}

export async function startHarness(): Promise<Harness> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `t_docs_${runId}`;
  const accountingSchema = `t_docs_acct_${runId}`;
  const keys = generateSigningKeys();
  const log = createLogger('documents-test', process.env.TEST_LOG_LEVEL ?? 'silent');
  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async () => {
    const failures: unknown[] = [];
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  };
  try {
    const peer = await startApplicationsPeer(keys.publicKey);
    cleanups.push(() => peer.stop());
    const accounting = await startAccounting(
      loadAccountingConfig({
        ...process.env,
        ACCOUNTING_DB_SCHEMA: accountingSchema,
        ACCOUNTING_GRPC_HOST: '127.0.0.1',
        ACCOUNTING_GRPC_PORT: '0',
        ACCOUNTING_FIRST_BUSINESS_DATE: '2025-01-15',
        AUTH_JWT_PUBLIC_KEY: keys.publicKey,
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        SHUTDOWN_TIMEOUT_MS: '5000',
        EVENTS_START_AT: 'new',
      }),
    );
    const config = loadDocumentsConfig({
      ...process.env,
      DOCUMENTS_GRPC_HOST: '127.0.0.1',
      DOCUMENTS_GRPC_PORT: '0',
      DOCUMENTS_DB_SCHEMA: schema,
      DOCUMENTS_BUCKET: `t-docs-${runId}`,
      APPLICATIONS_ADDR: peer.addr,
      ACCOUNTING_ADDR: `127.0.0.1:${accounting.grpcPort}`,
      AUTH_JWT_PUBLIC_KEY: keys.publicKey,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_POOL_MAX: '5',
      SHUTDOWN_TIMEOUT_MS: '5000',
      EVENTS_START_AT: 'new',
    });
    const db = createPool({
      connectionString: config.DATABASE_URL,
      schema,
      max: 3,
      applicationName: `test-${schema}`,
    });
    cleanups.push(async () => {
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.query(`DROP SCHEMA IF EXISTS ${accountingSchema} CASCADE`);
      await db.end();
    });
    const bus = await JetStreamBus.connect({
      url: config.NATS_URL,
      name: `documents-test-${runId}`,
      log,
    });
    cleanups.push(() => bus.close());
    cleanups.push(async () => {
      await accounting.stop();
      for (const durable of accounting.consumers) await bus.deleteConsumer(durable);
    });

    let instant = new Date(HARNESS_NOW);
    const clock = { set: (iso: string) => void (instant = new Date(iso)), now: () => instant };
    const service = await start(config, { bus, log, now: () => clock.now() });
    cleanups.push(async () => {
      // The bucket goes with the run: every object, then the bucket itself.
      for (const key of await service.store.list('')) await service.store.discard(key);
      await service.store.client.removeBucket(service.store.bucket);
    });
    cleanups.push(async () => {
      await service.stop();
      for (const durable of service.consumers) await bus.deleteConsumer(durable);
    });
    const address = `127.0.0.1:${service.grpcPort}`;
    const client = promiseClient(createGrpcClient(documentsV1.DocumentsServiceClient, address));
    const streams = createGrpcClient(documentsV1.DocumentsServiceClient, address, {
      retries: false,
    });
    cleanups.push(async () => {
      client.close();
      streams.close();
    });

    const principal = (who: StaffKey): Principal => ({
      userId: `${who}-${runId}`,
      username: who,
      displayName: `Test ${who}`,
      roles: [...STAFF[who].roles],
      branchId: STAFF[who].branchId,
    });
    const metadataOf = (who: StaffKey) => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${signAccessToken(principal(who), keys.privateKey)}`);
      return metadata;
    };
    const as = (who: StaffKey): RpcOptions => ({ metadata: metadataOf(who), timeoutMs: 30000 });

    const upload: Harness['upload'] = (who, input) =>
      new Promise((resolve, reject) => {
        const call = streams.uploadDocument(
          metadataOf(who),
          { deadline: new Date(Date.now() + 30000) },
          (err: ServiceError | null, res?: documentsV1.UploadDocumentResponse) =>
            err ? reject(fromGrpcError(err)) : resolve(res!),
        );
        call.write({
          header: {
            owner: input.owner,
            documentType: input.documentType,
            declaredMediaType: input.declaredMediaType ?? 'application/pdf',
            declaredSize: input.declaredSize ?? String(input.bytes.length),
            fileName: input.fileName ?? `${input.documentType}.pdf`,
            requestId: input.requestId ?? '',
            sha256: input.sha256 ?? '',
          },
        });
        const size = input.chunkSize ?? 16 * 1024;
        for (let at = 0; at < input.bytes.length; at += size)
          call.write({ chunk: input.bytes.subarray(at, at + size) });
        call.end();
      });

    const read: Harness['read'] = (who, id, rendition = '') =>
      new Promise((resolve, reject) => {
        const call = streams.readDocument({ id, rendition }, metadataOf(who), {
          deadline: new Date(Date.now() + 30000),
        });
        let header: documentsV1.ReadHeader | undefined;
        const chunks: Buffer[] = [];
        call.on('data', (m: documentsV1.ReadDocumentResponse) => {
          if (m.header) header = m.header;
          if (m.chunk) chunks.push(Buffer.from(m.chunk));
        });
        call.on('error', (err: ServiceError) => reject(fromGrpcError(err)));
        call.on('end', () => resolve({ header: header!, bytes: Buffer.concat(chunks) }));
      });

    const published: Harness['published'] = async (type, subjectId) => {
      const { rows } = await db.query<{ payload: { data: Record<string, unknown> } }>(
        `SELECT payload FROM outbox WHERE event_type = $1 AND ($2 = '' OR subject_id = $2)
          ORDER BY seq`,
        [type, subjectId ?? ''],
      );
      return rows.map((r) => r.payload.data);
    };

    const publish: Harness['publish'] = async (subject, eventId, subjectId, data) => {
      const type = subject.replace(/^loanflow\./, '');
      const envelope = {
        id: eventId,
        type,
        schemaVersion: 1,
        source: type.split('.')[0],
        subjectId,
        occurredAt: clock.now().toISOString(),
        data,
      };
      await bus.publish(subject, Buffer.from(JSON.stringify(envelope)), { msgId: randomUUID() });
    };

    return {
      runId,
      schema,
      config,
      service,
      client,
      db,
      peer,
      accounting,
      bus,
      clock,
      principal,
      as,
      upload,
      read,
      published,
      objects: (prefix) => service.store.list(prefix),
      publish,
      close: cleanUp,
    };
  } catch (err) {
    await cleanUp().catch(() => undefined);
    throw err;
  }
}

export { countRows } from '@loanflow/test/support/rows';

/** An application of a new Shanghai customer in the stand-in, approved unless said otherwise. */
export function givenApplication(
  h: Harness,
  opts: {
    productCode?: string;
    branchId?: string;
    status?: applicationsV1.ApplicationStatus;
    approvedAmount?: string;
  } = {},
): { applicationId: string; customerId: string; borrowerName: string } {
  const customerId = randomUUID();
  const applicationId = randomUUID();
  const borrowerName = '王小明';
  const branchId = opts.branchId ?? 'SH001';
  h.peer.customers.set(customerId, {
    id: customerId,
    branchId,
    name: borrowerName,
    idNumber: '310101199001011234',
    address: '上海市黄浦区南京东路1号',
  });
  h.peer.applications.set(applicationId, {
    id: applicationId,
    customerId,
    branchId,
    productCode: opts.productCode ?? 'PERSONAL_CONSUMER',
    status: opts.status ?? applicationsV1.ApplicationStatus.APPLICATION_STATUS_APPROVED,
    approvedAmount: opts.approvedAmount ?? '100000.00',
    approvedRatePercent: '4.35',
    approvedTermMonths: 12,
    repaymentMethod: 'REPAYMENT_METHOD_EQUAL_INSTALLMENTS' as never,
  });
  return { applicationId, customerId, borrowerName };
}

export { eventually } from '@loanflow/test/support/poll';
