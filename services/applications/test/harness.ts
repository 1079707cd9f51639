// Shared setup of the component tests: the real applications service started in-process on
// port 0, against its own PostgreSQL schema and the real JetStream, reached only through gRPC.
import { randomBytes, randomInt } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  businessDateInChina,
  createGrpcClient,
  createLogger,
  createPool,
  DomainError,
  generatePiiKey,
  generateSigningKeys,
  JetStreamBus,
  PiiProtector,
  promiseClient,
  signAccessToken,
  STREAM_NAME,
  type EventBus,
  type EventEnvelope,
  type KeyPair,
  type Pool,
  type Principal,
  type PromiseClient,
  type Role,
  type RpcOptions,
} from '@loanflow/platform';
import { applicationsV1, vocabularyV1 } from '@loanflow/proto';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  nanos,
  type ConsumerMessages,
  type JetStreamManager,
  type NatsConnection,
} from 'nats';
import {
  loadAccountingConfig,
  start as startAccounting,
  type RunningAccounting,
} from '@loanflow/accounting';
import { loadApplicationsConfig, type ApplicationsConfig } from '../src/config';
import { creditCodeCheckChar, residentIdCheckChar } from '../src/domain/identity';
import { start, type RunningApplications } from '../src/main';

export type ApplicationsClient = PromiseClient<applicationsV1.ApplicationsServiceClient>;

/** Everything the service publishes about applications. */
export const APPLICATION_SUBJECTS = 'loanflow.applications.application.>';

/** Short unique suffix for the names one test run owns (schema, consumer, customer names). */
export function uniqueId(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Staff

export const STAFF = {
  /** 客户经理 of the Shanghai branch. */
  shManager: { roles: ['account_manager'], branchId: 'SH001' },
  /** 客户经理 of the Beijing branch. */
  bjManager: { roles: ['account_manager'], branchId: 'BJ001' },
  /** Corporate lending department of the Shanghai branch (front office too). */
  shCorporate: { roles: ['corporate_lending'], branchId: 'SH001' },
  /** Auditor of the Shanghai branch: reads, never enters. */
  auditor: { roles: ['auditor'], branchId: 'SH001' },
  /** Head-office risk manager: sees every branch, enters nothing. */
  hqRisk: { roles: ['risk_manager'], branchId: 'HQ' },
  /** Head-office account manager: may name the branch of a customer. */
  hqManager: { roles: ['account_manager'], branchId: 'HQ' },
} satisfies Record<string, { roles: Role[]; branchId: string }>;
export type StaffKey = keyof typeof STAFF;

// ---------------------------------------------------------------------------------------------
// Valid, unique identity numbers

const taken = new Set<string>();
const once = (make: () => string): string => {
  for (;;) {
    const value = make();
    if (!taken.has(value)) {
      taken.add(value);
      return value;
    }
  }
};
const digits = (n: number): string => Array.from({ length: n }, () => randomInt(10)).join('');
const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export interface TestResidentId {
  /** 18 characters, valid check character (upper-case X). */
  id: string;
  birthDate: string;
  sex: 'male' | 'female';
}

const PROVINCES = ['11', '31', '32', '33', '35', '44', '51', '61'];

/** A valid GB 11643 number with a random region, birth date (1970-1995) and sequence. */
export function residentId(
  opts: { sex?: 'male' | 'female'; checkChar?: string } = {},
): TestResidentId {
  const sex = opts.sex ?? (randomInt(2) === 0 ? 'male' : 'female');
  let birthDate = '';
  const id = once(() => {
    for (;;) {
      const year = randomInt(1970, 1996);
      const month = randomInt(1, 13);
      const day = randomInt(1, 29);
      birthDate = `${year}-${pad(month, 2)}-${pad(day, 2)}`;
      const sexDigit = 2 * randomInt(5) + (sex === 'male' ? 1 : 0);
      const first17 = `${PROVINCES[randomInt(PROVINCES.length)]}${digits(4)}${year}${pad(month, 2)}${pad(day, 2)}${digits(2)}${sexDigit}`;
      const check = residentIdCheckChar(first17);
      if (opts.checkChar === undefined || check === opts.checkChar) return first17 + check;
    }
  });
  return { id, birthDate, sex };
}

/** The same number with a wrong check character. */
export function withWrongCheckChar(id: string): string {
  const right = id[17];
  const wrong = '0123456789X'.split('').find((c) => c !== right)!;
  return id.slice(0, 17) + wrong;
}

const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A valid GB 32100 unified social credit code: 91 (enterprise), region, organisation code. */
export function creditCode(): string {
  return once(() => {
    let org = '';
    for (let i = 0; i < 9; i++) org += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
    const first17 = `91${PROVINCES[randomInt(PROVINCES.length)]}${digits(4)}${org}`;
    return first17 + creditCodeCheckChar(first17);
  });
}

/** A valid mainland mobile number, 11 digits. */
export function mobile(): string {
  return once(() => `1${randomInt(3, 10)}${digits(9)}`);
}

/** The resident ID mask: the province and the last 4 characters. */
export const maskedId = (id: string): string => `${id.slice(0, 2)}************${id.slice(-4)}`;
export const maskedMobile = (m: string): string => `${m.slice(0, 3)}****${m.slice(-4)}`;

/** Today in China Standard Time (UTC+8): the platform's business date, as the service takes it. */
export const todayInChina = (): string => businessDateInChina(new Date());

// ---------------------------------------------------------------------------------------------
// Requests

export function individualRequest(
  opts: {
    name?: string;
    branchId?: string;
    residentId?: string;
    mobile?: string;
    monthlyIncome?: string;
  } = {},
): applicationsV1.CreateCustomerRequest {
  return applicationsV1.CreateCustomerRequest.fromPartial({
    type: applicationsV1.CustomerType.CUSTOMER_TYPE_INDIVIDUAL,
    name: opts.name ?? `Zhang San ${uniqueId()}`,
    branchId: opts.branchId ?? '',
    individual: {
      residentId: opts.residentId ?? residentId().id,
      mobile: opts.mobile ?? mobile(),
      address: '88 Century Avenue, Pudong, Shanghai',
      occupation: 'Engineer',
      employer: 'Shanghai Electric',
      monthlyIncome: opts.monthlyIncome ?? '30000',
    },
  });
}

export function corporateRequest(
  opts: {
    name?: string;
    branchId?: string;
    creditCode?: string;
    contactMobile?: string;
    annualRevenue?: string;
    registeredCapital?: string;
  } = {},
): applicationsV1.CreateCustomerRequest {
  return applicationsV1.CreateCustomerRequest.fromPartial({
    type: applicationsV1.CustomerType.CUSTOMER_TYPE_CORPORATE,
    name: opts.name ?? `Huadong Machinery Co., Ltd. ${uniqueId()}`,
    branchId: opts.branchId ?? '',
    corporate: {
      creditCode: opts.creditCode ?? creditCode(),
      legalRepresentative: 'Li Si',
      registeredCapital: opts.registeredCapital ?? '5000000',
      industry: 'Manufacturing',
      annualRevenue: opts.annualRevenue ?? '20000000',
      contactMobile: opts.contactMobile ?? mobile(),
    },
  });
}

/** A personal consumer loan draft: 120,000.00 over 12 months, equal principal, reference rate. */
export function consumerDraft(
  customerId: string,
  overrides: Partial<applicationsV1.ApplicationDraft> = {},
): applicationsV1.ApplicationDraft {
  return applicationsV1.ApplicationDraft.fromPartial({
    customerId,
    productCode: 'PERSONAL_CONSUMER',
    amount: '120000',
    termMonths: 12,
    repaymentMethod: vocabularyV1.RepaymentMethod.REPAYMENT_METHOD_EQUAL_PRINCIPAL,
    ratePercent: '',
    purpose: 'Home renovation',
    businessSituation: '',
    monthlyIncome: '',
    existingMonthlyDebtPayments: '1000',
    ...overrides,
  });
}

/** The error of a call expected to fail; fails the test when the call succeeds. */
export async function rpcError(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

// ---------------------------------------------------------------------------------------------
// Events seen on JetStream

export interface ReceivedEvent {
  subject: string;
  /** The Nats-Msg-Id header the relay published with. */
  msgId: string;
  headers: Record<string, string>;
  envelope: EventEnvelope<Record<string, unknown>>;
  streamSeq: number;
}

/**
 * A durable pull consumer of its own on the LOANFLOW stream, created before the service starts
 * and delivering only what is published after that. Other suites publish on the same subjects,
 * so tests pick their events by application id.
 */
export class EventCollector {
  readonly received: ReceivedEvent[] = [];
  private loop: Promise<void> = Promise.resolve();
  private messages: ConsumerMessages | undefined;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    readonly durable: string,
  ) {}

  static async open(url: string, durable: string): Promise<EventCollector> {
    const nc = await connect({ servers: url.split(','), name: durable });
    try {
      const jsm = await nc.jetstreamManager();
      await jsm.consumers.add(STREAM_NAME, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.New,
        filter_subject: APPLICATION_SUBJECTS,
        // Removed by the server should a crashed run never delete it.
        inactive_threshold: nanos(10 * 60 * 1000),
      });
      const collector = new EventCollector(nc, jsm, durable);
      await collector.run();
      return collector;
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  private async run(): Promise<void> {
    const consumer = await this.nc.jetstream().consumers.get(STREAM_NAME, this.durable);
    const messages = await consumer.consume({ max_messages: 256 });
    this.messages = messages;
    this.loop = (async () => {
      for await (const m of messages) {
        const headers: Record<string, string> = {};
        if (m.headers) for (const [k, v] of m.headers) headers[k] = v[0] ?? '';
        this.received.push({
          subject: m.subject,
          msgId: headers['Nats-Msg-Id'] ?? '',
          headers,
          envelope: JSON.parse(Buffer.from(m.data).toString('utf8')) as EventEnvelope<
            Record<string, unknown>
          >,
          streamSeq: m.seq,
        });
        // Acked only once recorded, so "nothing pending, nothing unacked" means "all recorded".
        await m.ackAck();
      }
    })();
  }

  /** Events about one subject id (an application id), optionally of one type, in stream order. */
  about(subjectId: string, type?: string): ReceivedEvent[] {
    return this.received
      .filter(
        (e) =>
          e.envelope.subjectId === subjectId && (type === undefined || e.envelope.type === type),
      )
      .sort((a, b) => a.streamSeq - b.streamSeq);
  }

  /** Waits until `count` events about `subjectId` of `type` have arrived. */
  async waitFor(
    subjectId: string,
    type: string,
    count = 1,
    timeoutMs = 10000,
  ): Promise<ReceivedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.about(subjectId, type);
      if (found.length >= count) return found;
      if (Date.now() > deadline) {
        throw new Error(
          `waited ${timeoutMs} ms for ${count} × ${type} about ${subjectId}; got ${found.length}`,
        );
      }
      await sleep(25);
    }
  }

  /**
   * Resolves once the consumer has delivered and had acked everything stored in the stream so
   * far: after this, a missing event was never published, rather than still on its way.
   */
  async settle(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await this.jsm.consumers.info(STREAM_NAME, this.durable);
      if (info.num_pending === 0 && info.num_ack_pending === 0) return;
      if (Date.now() > deadline)
        throw new Error(`event consumer ${this.durable} did not settle in ${timeoutMs} ms`);
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    this.messages?.stop();
    await this.loop;
    await this.jsm.consumers.delete(STREAM_NAME, this.durable).catch(() => undefined);
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// The service under test

export interface Harness {
  runId: string;
  schema: string;
  config: ApplicationsConfig;
  service: RunningApplications;
  client: ApplicationsClient;
  /** A pool on the service's schema, for looking at what was (not) written. */
  db: Pool;
  /** Same keys as the service: proves ciphertext decrypts back to the value entered. */
  pii: PiiProtector;
  events: EventCollector;
  principal(staff: StaffKey): Principal;
  /** Call options carrying a fresh bearer token of `staff`. */
  as(staff: StaffKey | Principal): RpcOptions;
  signingKeys: KeyPair;
  /** The real accounting service the applications service asks for a customer's loans. */
  accounting: RunningAccounting;
  /** Stops the service once; later calls return the same promise. */
  stopService(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Wraps the JetStream bus given to the service (e.g. to slow publishing down). */
  wrapBus?: (bus: EventBus) => EventBus;
  /** More environment for the service's configuration (e.g. SERVICE_TOKEN_PUBLIC_KEY). */
  env?: Record<string, string>;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const runId = uniqueId();
  const schema = `t_app_${runId}`;
  const signingKeys = generateSigningKeys();
  const piiKeys = { enc: generatePiiKey(), idx: generatePiiKey() };
  const accountingSchema = `t_app_acct_${runId}`;
  const accounting = await startAccounting(
    loadAccountingConfig({
      ...process.env,
      ACCOUNTING_DB_SCHEMA: accountingSchema,
      ACCOUNTING_GRPC_HOST: '127.0.0.1',
      ACCOUNTING_GRPC_PORT: '0',
      ACCOUNTING_FIRST_BUSINESS_DATE: '2025-01-15',
      AUTH_JWT_PUBLIC_KEY: signingKeys.publicKey,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SHUTDOWN_TIMEOUT_MS: '5000',
      EVENTS_START_AT: 'new',
    }),
  );
  const config = loadApplicationsConfig({
    ACCOUNTING_ADDR: `127.0.0.1:${accounting.grpcPort}`,
    ...process.env,
    APPLICATIONS_GRPC_HOST: '127.0.0.1',
    APPLICATIONS_GRPC_PORT: '0',
    APPLICATIONS_DB_SCHEMA: schema,
    AUTH_JWT_PUBLIC_KEY: signingKeys.publicKey,
    PII_ENCRYPTION_KEY: piiKeys.enc,
    PII_INDEX_KEY: piiKeys.idx,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_MAX: '5',
    SHUTDOWN_TIMEOUT_MS: '5000',
    EVENTS_START_AT: 'new',
    ...opts.env,
  });
  const log = createLogger('applications-test', config.LOG_LEVEL);

  const cleanups: (() => Promise<void>)[] = [];
  // Runs every step even when one fails, then reports the first failure.
  const cleanUp = async () => {
    const failures: unknown[] = [];
    for (const fn of cleanups.splice(0).reverse())
      await fn().catch((err: unknown) => failures.push(err));
    if (failures.length > 0) throw failures[0];
  };
  try {
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
    cleanups.push(async () => {
      await accounting.stop();
      const bus = await JetStreamBus.connect({
        url: config.NATS_URL,
        name: `cleanup-${runId}`,
        log,
      });
      for (const durable of accounting.consumers) await bus.deleteConsumer(durable);
      await bus.close();
    });
    const bus = await JetStreamBus.connect({
      url: config.NATS_URL,
      name: `applications-test-${runId}`,
      log,
    });
    cleanups.push(() => bus.close());
    const events = await EventCollector.open(config.NATS_URL, `t_app_${runId}`);
    cleanups.push(() => events.close());

    const service = await start(config, { bus: opts.wrapBus ? opts.wrapBus(bus) : bus, log });
    cleanups.push(async () => {
      for (const durable of service.consumers) await bus.deleteConsumer(durable);
    });
    let stopping: Promise<void> | undefined;
    const stopService = () => (stopping ??= service.stop());
    cleanups.push(stopService);
    const client = promiseClient(
      createGrpcClient(applicationsV1.ApplicationsServiceClient, `127.0.0.1:${service.grpcPort}`),
      // A stopped service's refusal is seen at once (the lifecycle tests assert it).
      { waitForReady: false },
    );
    cleanups.push(async () => client.close());

    const principal = (staff: StaffKey): Principal => ({
      userId: `${staff}-${runId}`,
      username: staff,
      displayName: `Test ${staff}`,
      roles: [...STAFF[staff].roles],
      branchId: STAFF[staff].branchId,
    });
    const as = (who: StaffKey | Principal): RpcOptions => {
      const metadata = new Metadata();
      const p = typeof who === 'string' ? principal(who) : who;
      metadata.set('authorization', `Bearer ${signAccessToken(p, signingKeys.privateKey)}`);
      return { metadata, timeoutMs: 10000 };
    };

    return {
      runId,
      schema,
      config,
      service,
      client,
      db,
      pii: new PiiProtector(piiKeys.enc, piiKeys.idx),
      events,
      principal,
      as,
      signingKeys,
      accounting,
      stopService,
      close: cleanUp,
    };
  } catch (err) {
    await cleanUp().catch(() => undefined);
    throw err;
  }
}

export { countRows } from '@loanflow/test/support/rows';

/** Creates an individual customer through the API; returns it with the plain numbers used. */
export async function createIndividual(
  h: Harness,
  staff: StaffKey = 'shManager',
  opts: Parameters<typeof individualRequest>[0] = {},
): Promise<{ customer: applicationsV1.Customer; residentId: string; mobile: string }> {
  const req = individualRequest(opts);
  const res = await h.client.createCustomer(req, h.as(staff));
  return {
    customer: res.customer!,
    residentId: req.individual!.residentId,
    mobile: req.individual!.mobile,
  };
}

export async function createCorporate(
  h: Harness,
  staff: StaffKey = 'shCorporate',
  opts: Parameters<typeof corporateRequest>[0] = {},
): Promise<{ customer: applicationsV1.Customer; creditCode: string }> {
  const req = corporateRequest(opts);
  const res = await h.client.createCustomer(req, h.as(staff));
  return { customer: res.customer!, creditCode: req.corporate!.creditCode };
}
