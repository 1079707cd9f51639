// The real accounting service in-process on port 0, its own schema, the real JetStream; reached
// through gRPC only. Business dates start where the test says.
import { randomBytes, randomUUID } from 'node:crypto';
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
  type Role,
  type RpcOptions,
} from '@loanflow/platform';
import { accountingV1, postLoanV1, scheduleRequestFromJson } from '@loanflow/proto';
import { loadAccountingConfig, type AccountingConfig } from '../src/config';
import { start, type RunningAccounting } from '../src/main';

export type AccountingClient = PromiseClient<accountingV1.AccountingServiceClient>;
export type PostLoanClient = PromiseClient<postLoanV1.PostLoanServiceClient>;

export const STAFF = {
  /** 放款审核 of the Shanghai branch: opens loans, posts repayments. */
  shDisburser: { roles: ['disbursement_reviewer'], branchId: 'SH001' },
  /** 贷后 officer of the Shanghai branch. */
  shPostLoan: { roles: ['post_loan_officer'], branchId: 'SH001' },
  bjPostLoan: { roles: ['post_loan_officer'], branchId: 'BJ001' },
  shManager: { roles: ['account_manager'], branchId: 'SH001' },
  bjManager: { roles: ['account_manager'], branchId: 'BJ001' },
  hqRisk: { roles: ['risk_manager'], branchId: 'HQ' },
  hqRisk2: { roles: ['risk_manager'], branchId: 'HQ' },
  hqAuditor: { roles: ['auditor'], branchId: 'HQ' },
  admin: { roles: ['admin'], branchId: 'HQ' },
  /** The second administrator: the checker of loan imports. */
  admin2: { roles: ['admin'], branchId: 'HQ' },
  /** Post-loan officer of the Shanghai branch whose token covers its sub-branch SH001-01 too. */
  shBranchPostLoan: {
    roles: ['post_loan_officer'],
    branchId: 'SH001',
    branchScope: ['SH001', 'SH001-01'],
  },
} satisfies Record<string, { roles: Role[]; branchId: string; branchScope?: string[] }>;
export type StaffKey = keyof typeof STAFF;

export interface Harness {
  schema: string;
  config: AccountingConfig;
  service: RunningAccounting;
  client: AccountingClient;
  /** The service's PostLoanService (inspections, collections, litigation, repossessed assets). */
  postLoan: PostLoanClient;
  db: Pool;
  as(who: StaffKey): RpcOptions;
  principal(who: StaffKey): Principal;
  /** Envelopes of every accounting event published to JetStream since the harness started. */
  events: { type: string; subjectId: string; data: Record<string, unknown> }[];
  /** Runs end of day for every date from the open one through `through` (inclusive). */
  closeThrough(through: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Today's date on the service's clock in these tests (Asia/Shanghai), whatever the real date:
 * business dates up to it close, later ones only under a simulation.
 */
export const HARNESS_TODAY = '2025-12-31';

export async function startHarness(
  opts: {
    firstBusinessDate?: string;
    env?: Record<string, string>;
    /** The calendar date of the service's clock (noon in Shanghai); HARNESS_TODAY by default. */
    today?: string | (() => string);
  } = {},
): Promise<Harness> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const schema = `t_acct_${runId}`;
  const keys = generateSigningKeys();
  const config = loadAccountingConfig({
    ...process.env,
    ACCOUNTING_GRPC_HOST: '127.0.0.1',
    ACCOUNTING_GRPC_PORT: '0',
    ACCOUNTING_DB_SCHEMA: schema,
    ACCOUNTING_FIRST_BUSINESS_DATE: opts.firstBusinessDate ?? '2025-01-15',
    AUTH_JWT_PUBLIC_KEY: keys.publicKey,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATABASE_POOL_MAX: '6',
    SHUTDOWN_TIMEOUT_MS: '5000',
    EVENTS_START_AT: 'new',
    ...opts.env,
  });
  const log = createLogger('accounting-test', config.LOG_LEVEL);
  const db = createPool({
    connectionString: config.DATABASE_URL,
    schema,
    max: 3,
    applicationName: `test-${schema}`,
  });
  const bus = await JetStreamBus.connect({
    url: config.NATS_URL,
    name: `accounting-test-${runId}`,
    log,
  });
  const events: Harness['events'] = [];
  const durable = `${schema}_events`;
  const subscription = await bus.consume({
    durable,
    filterSubject: 'loanflow.accounting.>',
    startAt: 'new',
    handler: async (msg) => {
      const envelope = JSON.parse(
        Buffer.from(msg.data).toString('utf8'),
      ) as Harness['events'][number];
      events.push(envelope);
    },
  });
  const today = opts.today ?? HARNESS_TODAY;
  const service = await start(config, {
    bus,
    log,
    now: () => new Date(`${typeof today === 'string' ? today : today()}T12:00:00+08:00`),
  });
  const client = promiseClient(
    createGrpcClient(accountingV1.AccountingServiceClient, `127.0.0.1:${service.grpcPort}`),
  );
  const postLoan = promiseClient(
    createGrpcClient(postLoanV1.PostLoanServiceClient, `127.0.0.1:${service.grpcPort}`),
  );
  const principal = (who: StaffKey): Principal => ({
    userId: `${who}-${runId}`,
    username: who,
    displayName: `Test ${who}`,
    roles: [...STAFF[who].roles],
    branchId: STAFF[who].branchId,
    ...('branchScope' in STAFF[who]
      ? { branchScope: [...(STAFF[who].branchScope as string[])] }
      : {}),
  });
  const as = (who: StaffKey): RpcOptions => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${signAccessToken(principal(who), keys.privateKey)}`);
    return { metadata, timeoutMs: 60000 };
  };
  const h: Harness = {
    schema,
    config,
    service,
    client,
    postLoan,
    db,
    as,
    principal,
    events,
    async closeThrough(through) {
      for (;;) {
        const { openBusinessDate } = await client.getBusinessDate({}, as('admin'));
        if (openBusinessDate > through) return;
        await client.runEndOfDay({ businessDate: openBusinessDate }, as('admin'));
      }
    },
    async close() {
      client.close();
      postLoan.close();
      await service.stop();
      await subscription.drain();
      await bus.deleteConsumer(durable);
      for (const consumer of service.consumers) await bus.deleteConsumer(consumer);
      await bus.close();
      await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await db.end();
    },
  };
  return h;
}

/** The schedule request of a 12-month annuity of `principal` at `rate`, disbursed on `date`. */
export function annuitySchedule(
  date: string,
  principal = '100000.00',
  rate = '4.35',
  extra: Record<string, unknown> = {},
) {
  return {
    principal,
    annualRatePercent: rate,
    term: 12,
    termUnit: 'month',
    repaymentMethod: 'equal_installments',
    disbursementDate: date,
    repaymentDay: Number(date.slice(8, 10)) <= 28 ? Number(date.slice(8, 10)) : 'month_end',
    ...extra,
  };
}

/** The ScheduleRequest of a schedule's JSON form (as the gateway reads it); JSON of the wrong types fails the test. */
export function scheduleMessage(json: Record<string, unknown>): accountingV1.ScheduleRequest {
  const { request, problems } = scheduleRequestFromJson(json);
  if (problems.length) throw new Error(`not a schedule request: ${JSON.stringify(problems)}`);
  return request;
}

/** One loan of an import batch, as `openTestLoan` asks for it. */
export interface TestLoanOptions {
  branchId?: string;
  principal?: string;
  rate?: string;
  productCode?: string;
  customerId?: string;
  borrowerName?: string;
  approvedAmount?: string;
  schedule?: Record<string, unknown>;
  graceDays?: number;
  commandId?: string;
  /** Ignored since loans come in through the import (kept for existing callers). */
  who?: StaffKey;
  rateType?: string;
  lprTerm?: string;
  spreadBp?: number;
  repricing?: string;
  allocationOrder?: string[];
  payee?: Partial<accountingV1.Payee>;
}

/** The ImportedLoan of `opts`: a fixed-rate annuity on the open business date by default. */
export function importedLoan(
  openBusinessDate: string,
  opts: TestLoanOptions = {},
): accountingV1.ImportedLoan {
  return accountingV1.ImportedLoan.fromPartial({
    externalReference: `OLD-${randomUUID()}`,
    customerId: opts.customerId ?? randomUUID(),
    borrowerName: opts.borrowerName ?? '李明',
    branchId: opts.branchId ?? 'SH001',
    productCode: opts.productCode ?? 'PERSONAL_CONSUMER',
    approvedAmount: opts.approvedAmount ?? opts.principal ?? '100000.00',
    schedule: scheduleMessage(
      opts.schedule ?? annuitySchedule(openBusinessDate, opts.principal, opts.rate),
    ),
    rateType: opts.rateType ?? 'fixed',
    lprTerm: opts.lprTerm,
    spreadBp: opts.spreadBp,
    repricing: opts.repricing,
    graceDays: opts.graceDays ?? 0,
    allocationOrder: opts.allocationOrder,
    payee: opts.payee ?? { paymentMethod: 'self' },
  });
}

/**
 * Books loans on the open business date through the migration path: one administrator requests
 * the import, the other approves it (free-form loans exist only this way; everyday loans are
 * opened under a signed contract). Returns the loans in order.
 */
export async function importTestLoans(
  h: Harness,
  loans: TestLoanOptions[],
  commandId?: string,
): Promise<accountingV1.Loan[]> {
  const { openBusinessDate } = await h.client.getBusinessDate({}, h.as('admin'));
  const { loanImport } = await h.client.requestLoanImport(
    {
      commandId: commandId ? `${commandId}-request` : '',
      sourceSystem: 'legacy core banking (test)',
      reason: 'test book',
      loans: loans.map((o) => importedLoan(openBusinessDate, o)),
    },
    h.as('admin'),
  );
  const decided = await h.client.decideLoanImport(
    {
      commandId: commandId ? `${commandId}-approve` : '',
      importId: loanImport!.id,
      approve: true,
      comment: '',
    },
    h.as('admin2'),
  );
  const out: accountingV1.Loan[] = [];
  for (const id of decided.loanImport!.loanIds)
    out.push((await h.client.getLoan({ id }, h.as('admin'))).loan!);
  return out;
}

/** Books one fixed-rate loan on the open business date (through the import; see importTestLoans). */
export async function openTestLoan(
  h: Harness,
  opts: TestLoanOptions = {},
): Promise<accountingV1.Loan> {
  const [loan] = await importTestLoans(h, [opts], opts.commandId);
  return loan!;
}

/** Registers a repossessed asset (抵债资产) of `valuation` on a loan, valued and taken on its opening day. */
export async function registerAsset(
  h: Harness,
  loanId: string,
  valuation: string,
): Promise<postLoanV1.RepossessedAsset> {
  const { loan } = await h.client.getLoan({ id: loanId }, h.as('admin'));
  const res = await h.postLoan.registerRepossessedAsset(
    postLoanV1.RegisterRepossessedAssetRequest.fromPartial({
      requestId: randomUUID(),
      loanId,
      assetType: postLoanV1.RepossessedAssetType.REPOSSESSED_ASSET_TYPE_VEHICLE,
      description: '沪A·12345 小型轿车',
      valuationAmount: valuation,
      valuationDate: loan!.openedOn,
      acquiredOn: loan!.openedOn,
      settledAmount: valuation,
      bookValue: valuation,
    }),
    h.as('admin'),
  );
  return res.asset!;
}
